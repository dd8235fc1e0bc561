// The servers under test: the product booted the way `npm start` boots it (scripts/start.mjs
// with QC_SKIP_BUILD=1, a data folder of its own, limits raised so the load is not refused by
// the abuse guards), and the two baselines. Each is started by this process and stopped by it.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/launcher-testkit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

/** The limits of the product's abuse guards, raised: the bench measures the send path, not the guards. */
export const PRODUCT_LIMITS = {
  SIGNUPS_PER_ADDRESS: '10000000',
  RATE_LIMIT_MESSAGES_PER_SEC: '100000',
  RATE_LIMIT_MESSAGES_BURST: '100000',
  SOCKETS_PER_PERSON: '100000',
  ROOMS_CREATED_PER_PERSON: '10000000',
};

/**
 * `profileDir`: run the product under `node --cpu-prof`, its profile written there when it stops.
 * `env`: settings of the product under test beyond the limits (the bench's LARGE_ROOM_MEMBERS).
 */
export async function startProduct({ say, profileDir, env = {} }) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-bench-'));
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profiling, path.join(repoRoot, 'scripts/start.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...PRODUCT_LIMITS,
      ...env,
      QC_SKIP_BUILD: '1',
      QC_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the product was not ready within 180 s:\n${output.slice(-4000)}`)), 180_000);
    const check = () => {
      if (/Quantum Chat is ready at/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the product ended (${code}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
  say(`product ready on port ${port} (data in ${dataDir})`);
  return {
    kind: 'product',
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(late);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBaseline(kind) {
  const file = path.join(repoRoot, 'bench/baselines', kind === 'ws' ? 'ws-server.mjs' : 'socketio-server.mjs');
  const child = fork(file, ['0'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the ${kind} baseline ended (${code}) before it was ready`)));
  });
  return {
    kind,
    url: kind === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
