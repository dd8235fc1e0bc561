import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@qc/core/testing';

/*
 * `npm start` as a person runs it: the launcher boots the product, prints the URL, and
 * Ctrl-C (SIGINT) stops everything, PostgreSQL included, leaving no process behind.
 * Runs against the existing build (QC_SKIP_BUILD=1) because `npm test` built it already.
 */
const root = path.resolve(__dirname, '../../../..');

function processesUsing(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(dir) && !l.includes('ps -eo'));
}

async function startLauncher(dataDir: string, port: number, logLevel = 'warn') {
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), QC_DATA_DIR: dataDir, QC_SKIP_BUILD: '1', LOG_LEVEL: logLevel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const t0 = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (/Quantum Chat is ready at http:\/\/localhost:\d+/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code} before ready:\n${output}`));
    });
  });
  return { child, readyMs: Date.now() - t0, output: () => output };
}

async function stopWithSigint(child: ReturnType<typeof spawn>) {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGINT');
  return exited;
}

test('npm start serves the product, keeps data across restarts, and Ctrl-C leaves no orphan', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-launcher-'));
  try {
    const port = await freePort();
    const first = await startLauncher(dataDir, port);
    assert.match(first.output(), new RegExp(`ready at http://localhost:${port}`));
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assert.equal(health.status, 200);
    const reg = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'persistent', password: 'correct horse battery' }),
    });
    assert.equal(reg.status, 201);
    assert.ok(processesUsing(dataDir).length > 0, 'PostgreSQL should be running on the data folder');
    assert.equal(await stopWithSigint(first.child), 0, first.output());
    assert.match(first.output(), /stopping PostgreSQL/);
    assert.deepEqual(processesUsing(dataDir), [], 'a process outlived the launcher');

    // Warm start on the same data: the account is still there.
    const second = await startLauncher(dataDir, port);
    console.log(`# launcher: warm start ready in ${second.readyMs} ms (first start ${first.readyMs} ms, build excluded)`);
    assert.ok(second.readyMs < 20_000, `warm start took ${second.readyMs} ms`);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'persistent', password: 'correct horse battery' }),
    });
    assert.equal(login.status, 200);
    assert.equal(await stopWithSigint(second.child), 0);
    assert.deepEqual(processesUsing(dataDir), []);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('at the default log level the ready line is the last thing npm start prints, not buried under start-up logs', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-launcher-'));
  try {
    const started = await startLauncher(dataDir, await freePort(), 'info');
    // Nest's module, route and socket-event lines came out after "ready" (about 60 of them).
    await new Promise((r) => setTimeout(r, 1500));
    const lines = started.output().trim().split('\n');
    assert.match(lines[lines.length - 1]!, /Quantum Chat is ready at/, lines.slice(-5).join('\n'));
    assert.ok(!/RouterExplorer|InstanceLoader/.test(started.output()), 'route mapping is debug detail');
    assert.equal(await stopWithSigint(started.child), 0, started.output());
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
