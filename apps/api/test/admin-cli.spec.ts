import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditPage, User } from '@qc/shared';
import { ApiHarness, type TestUser } from './support/api-harness';

/*
 * `npm run admin`: an instance role set from the command line, beside a running server (on
 * its PostgreSQL) and with none running (it starts the embedded one itself and stops it).
 */

const root = path.resolve(__dirname, '../../../..');
let h: ApiHarness;
let boss: TestUser;

function admin(args: string[], dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/admin.mjs'), ...args], {
      cwd: root,
      env: { ...process.env, QC_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

before(async () => {
  h = await ApiHarness.start();
  boss = await h.user('boss');
});
after(() => h?.stop());

test('beside a running server: grant makes an admin (audited, actor the server), revoke undoes it; bad input says how', async () => {
  const dataDir = h.api.config.dataDir;
  const granted = await admin(['grant', boss.user.username, 'admin'], dataDir);
  assert.equal(granted.code, 0, granted.out);
  assert.match(granted.out, /using the PostgreSQL of the running server/);
  assert.match(granted.out, new RegExp(`${boss.user.username} is now an instance admin`));
  assert.equal((await h.http<User>('GET', '/users/me', { token: boss.accessToken })).body.instanceRole, 'admin');
  const audit = await h.http<AuditPage>('GET', '/admin/audit?action=user.grant-role', { token: boss.accessToken });
  assert.deepEqual(
    audit.body.entries.map((e) => [e.actorId, e.targetUserId, e.reason, e.after]),
    [[null, boss.user.id, 'npm run admin', { instanceRole: 'admin' }]],
  );

  const revoked = await admin(['revoke', boss.user.username], dataDir);
  assert.equal(revoked.code, 0, revoked.out);
  assert.equal((await h.http<User>('GET', '/users/me', { token: boss.accessToken })).body.instanceRole, undefined);

  const nobody = await admin(['grant', 'no_such_person', 'admin'], dataDir);
  assert.equal(nobody.code, 1);
  assert.match(nobody.out, /there is no account "no_such_person": sign up first/);
  const wrong = await admin(['grant', boss.user.username, 'king'], dataDir);
  assert.equal(wrong.code, 2);
  assert.match(wrong.out, /usage: npm run admin -- grant <username> admin\|moderator/);
});

test('with no server running it starts the embedded PostgreSQL for the moment and stops it after', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-admin-cli-'));
  try {
    const r = await admin(['grant', 'somebody', 'moderator'], dataDir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /starting PostgreSQL on 127\.0\.0\.1:\d+/);
    assert.match(r.out, /there is no account "somebody"/);
    assert.equal(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid')), false, 'PostgreSQL was stopped');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
