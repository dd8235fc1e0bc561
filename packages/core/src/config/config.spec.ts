import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'qc-config-'));

test('defaults give the embedded profile on port 3000 with a persisted secret', () => {
  const dir = tmp();
  const c = loadConfig({ QC_DATA_DIR: dir });
  assert.equal(c.port, 3000);
  assert.deepEqual(c.database, { kind: 'embedded', port: 0 });
  assert.equal(c.jwtSecret, readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim());
  assert.equal(loadConfig({ QC_DATA_DIR: dir }).jwtSecret, c.jwtSecret, 'a restart keeps the signing key');
  assert.deepEqual(c.allowedOrigins, ['http://localhost:3000', 'http://127.0.0.1:3000']);
});

test('a bad setting stops start-up with a message naming it', () => {
  assert.throws(
    () => loadConfig({ QC_DATA_DIR: tmp(), PORT: 'eighty' }),
    (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message),
  );
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), ALLOWED_ORIGINS: 'http://ok:1,not an origin' }), /ALLOWED_ORIGINS/);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), ARGON2_MEMORY_KIB: '1024' }), /ARGON2_MEMORY_KIB/);
});

test('an external database needs a shared JWT secret', () => {
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'postgres://h/db' }), /JWT_SECRET/);
  const c = loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'postgres://h/db', JWT_SECRET: 'x'.repeat(32) });
  assert.deepEqual(c.database, { kind: 'external', url: 'postgres://h/db' });
});
