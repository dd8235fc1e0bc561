// Helpers for the specs that run `npm start` (scripts/start.mjs) as a person would, against
// the existing build: start it and wait for its ready line, talk to it over REST, and leave
// no process or folder behind, whatever happened.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `node scripts/start.mjs` from `checkout`; every child is remembered in `launched` for cleanUp. */
export function launch(launched, env, checkout = root) {
  const child = spawn(process.execPath, [path.join(checkout, 'scripts/start.mjs')], {
    cwd: checkout,
    env: { ...process.env, QC_SKIP_BUILD: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  launched.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d.toString()));
  child.stderr.on('data', (d) => (output += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, exited, output: () => output };
}

/** Launches and waits for "Quantum Chat is ready"; rejects with the output if it exits first or takes longer than `withinMs`. */
export async function startLauncher(launched, env, { checkout = root, withinMs = 60_000 } = {}) {
  const t0 = Date.now();
  const l = launch(launched, env, checkout);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${withinMs / 1000} s:\n${l.output()}`)), withinMs);
    const check = () => {
      if (/Quantum Chat is ready at http:\/\/localhost:\d+/.test(l.output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    l.child.stdout.on('data', check);
    l.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the launcher ended (${code}) before it was ready:\n${l.output()}`));
    });
  });
  return { ...l, readyMs: Date.now() - t0 };
}

export async function stopWithSigint(l) {
  l.child.kill('SIGINT');
  return l.exited;
}

/**
 * The pids of live processes with an argument that is `dir` or a path inside it (an embedded
 * PostgreSQL runs with `-D <dir>/postgres`, a launcher as `node <checkout>/scripts/start.mjs`).
 * Whole path components only: /var/cache/qc is not /var/cache/qc-engines.
 */
export function processesOn(dir) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && args.some((a) => a === dir || a.startsWith(dir + path.sep))) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Only what these specs start is ever signalled by them: a launcher (node) or its PostgreSQL. */
function oursToStop(pid) {
  try {
    return /^(node|postgres)$/.test(path.basename(readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '')));
  } catch {
    return false;
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
};

async function stopPids(pids, sig, ms) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
  const end = Date.now() + ms;
  while (pids.some(alive) && Date.now() < end) await sleep(100);
  return pids.filter(alive);
}

/**
 * Stops every launcher still running, then any process still working in `dirs` (a PostgreSQL
 * a killed launcher left behind), politely first; then removes `paths`.
 */
export async function cleanUp(launched, dirs, paths = dirs) {
  const launchers = launched.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => c.pid);
  const left = await stopPids(launchers, 'SIGINT', 15_000);
  await stopPids(left, 'SIGKILL', 5_000);
  const strays = dirs
    .filter((d) => d)
    .flatMap(processesOn)
    .filter(oursToStop);
  if (strays.length) {
    const what = (pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 160);
      } catch {
        return '(gone)';
      }
    };
    console.log(`# cleaning up ${strays.length} process(es) left running:\n#   ${strays.map((p) => `${p} ${what(p)}`).join('\n#   ')}`);
    const stubborn = await stopPids(strays, 'SIGINT', 15_000);
    await stopPids(stubborn.filter(oursToStop), 'SIGKILL', 5_000);
  }
  for (const p of paths) if (p && existsSync(p)) rmSync(p, { recursive: true, force: true });
}

export async function http(base, method, url, { token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + '/api/v1' + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export const PASSWORD = 'correct horse battery';

export async function register(base, username) {
  const r = await http(base, 'POST', '/auth/register', { body: { username, password: PASSWORD } });
  if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function login(base, username) {
  const r = await http(base, 'POST', '/auth/login', { body: { username, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}
