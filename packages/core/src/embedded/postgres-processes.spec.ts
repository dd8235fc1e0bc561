import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describeProcess, isPostmasterOf, judgeLauncher, stopOrphan, type LauncherRecord, type ProcessInfo } from './postgres-processes';

/*
 * How a start tells an orphaned PostgreSQL (its launcher was killed) from one a live launcher
 * still uses, and how it stops an orphan that will not go.
 */

const postmaster: ProcessInfo = {
  pid: 500,
  ppid: 400,
  started: 'boot/1000',
  argv: ['/x/native/bin/postgres', '-D', '/data/postgres', '-p', '5433'],
  name: 'postgres',
};
const launcher: ProcessInfo = { pid: 400, ppid: 1, started: 'boot/900', argv: ['node', 'scripts/start.mjs'], name: 'node' };
const record: LauncherRecord = { pid: 400, started: 'boot/900', postmasterPid: 500, postmasterStarted: 'boot/1000' };
const table =
  (...procs: ProcessInfo[]) =>
  (pid: number) =>
    procs.find((p) => p.pid === pid) ?? null;

test('the recorded launcher, still running, holds the folder', () => {
  assert.deepEqual(judgeLauncher(postmaster, record, table(postmaster, launcher)), { alive: true, launcherPid: 400 });
});

test('the recorded launcher gone, or its pid taken by a later process, leaves an orphan', () => {
  const reparented = { ...postmaster, ppid: 1 };
  assert.deepEqual(judgeLauncher(reparented, record, table(reparented)), { alive: false, launcherPid: 400 });
  const reused = { ...launcher, started: 'boot/5000' };
  assert.deepEqual(judgeLauncher(reparented, record, table(reparented, reused)), { alive: false, launcherPid: 400 });
});

test('without a record of this postmaster, its parent decides: a Node.js process is a launcher still starting', () => {
  const older = { ...record, postmasterStarted: 'boot/10' }; // a record of an earlier postmaster with the same pid
  for (const r of [null, older]) {
    assert.deepEqual(judgeLauncher(postmaster, r, table(postmaster, launcher)), { alive: true, launcherPid: 400 });
    const init = { ...postmaster, ppid: 1 };
    assert.deepEqual(judgeLauncher(init, r, table(init)), { alive: false, launcherPid: null });
    const subreaper: ProcessInfo = { pid: 77, ppid: 1, started: 'boot/1', argv: ['/sbin/tini'], name: 'tini' };
    const adopted = { ...postmaster, ppid: 77 };
    assert.deepEqual(judgeLauncher(adopted, r, table(adopted, subreaper)), { alive: false, launcherPid: null });
  }
});

test('only a postgres started on exactly this folder is ours', () => {
  assert.equal(isPostmasterOf(postmaster, '/data/postgres'), true);
  assert.equal(isPostmasterOf(postmaster, '/data/postgres/'), true);
  assert.equal(isPostmasterOf(postmaster, '/data/postgres2'), false);
  assert.equal(isPostmasterOf({ ...postmaster, argv: [...postmaster.argv.slice(0, 2), '/data/postgres2'] }, '/data/postgres'), false);
  assert.equal(isPostmasterOf({ ...postmaster, name: 'bash', argv: ['bash', '-D', '/data/postgres'] }, '/data/postgres'), false);
});

test('describeProcess sees a live child and its parent, and nothing once it has exited', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const info = describeProcess(child.pid!);
    assert.equal(info?.ppid, process.pid);
    assert.equal(info?.name, 'sleep');
    assert.equal(describeProcess(child.pid!)?.started, info?.started, 'the start time is stable');
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  assert.equal(describeProcess(child.pid!), null);
});

test('an orphan that ignores a fast shutdown is stopped harder after each bound, children included, and says so', async () => {
  // A stand-in that ignores SIGINT and SIGQUIT and has a child of its own, as a wedged postmaster would.
  const wedged = spawn('sh', ['-c', 'trap "" INT QUIT; sleep 60 & wait'], { stdio: 'ignore' });
  const exited = new Promise((r) => wedged.once('exit', r));
  try {
    await new Promise((r) => setTimeout(r, 200)); // let it start its child
    const info = describeProcess(wedged.pid!);
    assert.ok(info?.argv.includes('-c'), JSON.stringify(info));
    const lines: string[] = [];
    await stopOrphan(info!, '/nowhere', (l) => lines.push(l), [300, 300, 2000]);
    assert.equal(describeProcess(wedged.pid!), null);
    assert.match(lines.join('\n'), /sending SIGQUIT/);
    assert.match(lines.join('\n'), /sending SIGKILL/);
    assert.match(lines.at(-1)!, /stopped in/);
  } finally {
    wedged.kill('SIGKILL');
    await exited;
  }
});
