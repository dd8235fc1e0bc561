import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/*
 * Telling an embedded PostgreSQL whose launcher crashed (kill -9, OOM killer) from one a
 * running Quantum Chat still uses. A crashed launcher leaves its postmaster running on the
 * data folder, and PostgreSQL's own lock (postmaster.pid) then keeps every later start out.
 */

/** What the launcher needs to know about another process. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** When it started, comparable only with another value from here: tells a process from a later one that reuses its pid. */
  started: string;
  argv: string[];
  /** Its executable's file name, e.g. `node` or `postgres`. */
  name: string;
}

/**
 * Written into the data folder once a launcher's PostgreSQL is ready (only the launcher that
 * won PostgreSQL's own lock gets that far, so it names the right one), removed on a clean stop.
 */
export interface LauncherRecord {
  pid: number;
  started: string;
  postmasterPid: number;
  postmasterStarted: string;
}

const RECORD_FILE = 'postgres-launcher.json';
const procfs = existsSync('/proc/self/stat');
let bootId: string | undefined;

/** A live process, or null when there is none by that pid (an exited one not yet reaped counts as none). */
export function describeProcess(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return procfs ? fromProcfs(pid) : fromPs(pid);
}

function fromProcfs(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which sits in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    if (bootId === undefined) {
      try {
        bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      } catch {
        bootId = '';
      }
    }
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    let name = path.basename(argv[0] ?? '');
    try {
      name = path.basename(readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, ''));
    } catch {
      // Another user's process when we are not root: argv[0] has to do.
    }
    // Field 4 is the parent, field 22 the start time in clock ticks since boot.
    return { pid, ppid: Number(fields[1]), started: `${bootId}/${fields[19]}`, argv, name };
  } catch {
    return null;
  }
}

/** Where there is no /proc (macOS). Arguments holding spaces come back split; callers only trust exact matches. */
function fromPs(pid: number): ProcessInfo | null {
  const r = spawnSync('ps', ['-ww', '-o', 'ppid=', '-o', 'stat=', '-o', 'lstart=', '-o', 'args=', '-p', String(pid)], {
    encoding: 'utf8',
  });
  const m = /^\s*(\d+)\s+(\S+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec((r.stdout ?? '').trim());
  if (!m || m[2]!.startsWith('Z')) return null;
  const argv = m[4]!.split(/\s+/);
  return { pid, ppid: Number(m[1]), started: m[3]!, argv, name: path.basename(argv[0] ?? '') };
}

/** The live processes whose parent is `pid`. */
export function childrenOf(pid: number): ProcessInfo[] {
  let pids: number[];
  if (procfs) {
    pids = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } else {
    const r = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
    pids = (r.stdout ?? '')
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter(([, ppid]) => ppid === pid)
      .map(([p]) => p!);
  }
  return pids.map(describeProcess).filter((p): p is ProcessInfo => p !== null && p.ppid === pid);
}

/** Whether `p` is a PostgreSQL server started on `clusterDir` (only an exact `-D` match counts). */
export function isPostmasterOf(p: ProcessInfo, clusterDir: string): boolean {
  const i = p.argv.indexOf('-D');
  const dir = i >= 0 ? p.argv[i + 1] : undefined;
  return isPostgres(p) && dir !== undefined && samePath(dir, clusterDir);
}

export function isPostgres(p: ProcessInfo): boolean {
  return /^postgres(\.exe)?$/.test(p.name) || /^postgres(\.exe)?$/.test(path.basename(p.argv[0] ?? ''));
}

function samePath(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export type LauncherVerdict = { alive: true; launcherPid: number } | { alive: false; launcherPid: number | null };

/**
 * Whether the launcher that started `postmaster` is still running. When the data folder's
 * record describes this postmaster (same pid, same start time), the recorded launcher decides:
 * alive if a process with its pid and start time still runs.
 * Otherwise its launcher has not written a record yet (it is starting right now) or predates
 * records; then the parent decides: a launcher is a Node.js process, and a postmaster whose
 * launcher died has been handed to init or a subreaper.
 */
export function judgeLauncher(
  postmaster: ProcessInfo,
  record: LauncherRecord | null,
  lookup: (pid: number) => ProcessInfo | null = describeProcess,
): LauncherVerdict {
  if (record && record.postmasterPid === postmaster.pid && record.postmasterStarted === postmaster.started) {
    const launcher = lookup(record.pid);
    return launcher && launcher.started === record.started
      ? { alive: true, launcherPid: record.pid }
      : { alive: false, launcherPid: record.pid };
  }
  const parent = postmaster.ppid > 1 ? lookup(postmaster.ppid) : null;
  if (parent && /^node/i.test(parent.name)) return { alive: true, launcherPid: parent.pid };
  return { alive: false, launcherPid: null };
}

export function readLauncherRecord(dataDir: string): LauncherRecord | null {
  try {
    const r = JSON.parse(readFileSync(path.join(dataDir, RECORD_FILE), 'utf8')) as Partial<LauncherRecord>;
    return typeof r.pid === 'number' &&
      typeof r.started === 'string' &&
      typeof r.postmasterPid === 'number' &&
      typeof r.postmasterStarted === 'string'
      ? { pid: r.pid, started: r.started, postmasterPid: r.postmasterPid, postmasterStarted: r.postmasterStarted }
      : null;
  } catch {
    return null;
  }
}

export function writeLauncherRecord(dataDir: string, postmasterPid: number) {
  const record: LauncherRecord = {
    pid: process.pid,
    started: describeProcess(process.pid)?.started ?? '',
    postmasterPid,
    postmasterStarted: describeProcess(postmasterPid)?.started ?? '',
  };
  // Written whole or not at all: a reader never sees half a record.
  const tmp = path.join(dataDir, `${RECORD_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(record) + '\n');
  renameSync(tmp, path.join(dataDir, RECORD_FILE));
}

/** Removes the record if it still describes this process's postmaster. */
export function clearLauncherRecord(dataDir: string, postmasterPid: number) {
  const r = readLauncherRecord(dataDir);
  if (r && r.pid === process.pid && r.postmasterPid === postmasterPid) rmSync(path.join(dataDir, RECORD_FILE), { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until none of `procs` runs any more (a pid now naming a later process counts as gone). */
async function allGone(procs: ProcessInfo[], ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    const left = procs.filter((p) => describeProcess(p.pid)?.started === p.started);
    if (left.length === 0) return true;
    if (Date.now() >= end) return false;
    await sleep(50);
  }
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Stops a postmaster whose launcher is gone: a fast shutdown first (SIGINT: sessions are
 * ended, everything committed is checkpointed), an immediate one (SIGQUIT) after a bound,
 * then SIGKILL. It waits for the postmaster's children too: until they are gone they hold
 * its shared memory, and a new postmaster on the folder would refuse to start.
 */
export async function stopOrphan(
  postmaster: ProcessInfo,
  clusterDir: string,
  log: (line: string) => void,
  boundsMs: [fast: number, immediate: number, kill: number] = [10_000, 5_000, 5_000],
) {
  const t0 = Date.now();
  const family = () => [postmaster, ...childrenOf(postmaster.pid)];
  const seen = family();
  const steps: [NodeJS.Signals, number, string][] = [
    ['SIGINT', boundsMs[0], ''],
    ['SIGQUIT', boundsMs[1], 'immediate shutdown; PostgreSQL replays its write-ahead log on the next start, so nothing committed is lost'],
    ['SIGKILL', boundsMs[2], 'it replays its write-ahead log on the next start'],
  ];
  let waited = 0;
  for (const [sig, bound, why] of steps) {
    if (sig !== 'SIGINT') {
      log(`PostgreSQL (pid ${postmaster.pid}) has not stopped after ${waited / 1000} s: sending ${sig} (${why})`);
    }
    const targets = sig === 'SIGKILL' ? [...seen, ...family()] : [postmaster];
    for (const p of targets) if (describeProcess(p.pid)?.started === p.started) signal(p.pid, sig);
    if (await allGone([...seen, ...family()], bound)) {
      log(`the old PostgreSQL stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return;
    }
    waited += bound;
  }
  throw new Error(
    `PostgreSQL (pid ${postmaster.pid}) on ${clusterDir} would not stop, even after SIGKILL. Stop it yourself ("kill -9 ${postmaster.pid}" as root) and run npm start again.`,
  );
}
