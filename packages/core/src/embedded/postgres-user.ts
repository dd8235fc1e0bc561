import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeProcess, isPostmasterOf } from './postgres-processes';

/*
 * PostgreSQL refuses to run as root, so a launcher running as root (CI, containers, a root
 * shell) runs it as the `postgres` system user. That user must reach the binaries and the
 * cluster folder, and a checkout inside a private folder (mode 700, like root's home) puts
 * both out of its reach. Reachability is asked of the system (a probe run as that user), not
 * worked out from modes, so ACLs and group memberships count as they will for PostgreSQL.
 */

export interface RunAs {
  uid: number;
  gid: number;
}

/** Where clusters live when the postgres user cannot reach the data folder; found again by the link in the data folder. */
export const CLUSTERS_ROOT = '/var/lib/quantum-chat';
/** Where a copy of the binaries lives when the postgres user cannot reach node_modules. */
export const BINARIES_CACHE_ROOTS = ['/var/cache/quantum-chat', path.join(tmpdir(), 'quantum-chat-cache')];
const COMPLETE_MARKER = '.quantum-chat-complete.json';

/** The user PostgreSQL runs as: null when this process is not root (it then runs as us); created if missing. */
export function postgresUser(log: (line: string) => void): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const found = lookupUser('postgres');
  if (found) return found;
  log('creating the "postgres" system user to run PostgreSQL as (it refuses to run as root)');
  try {
    execFileSync('groupadd', ['--force', '--system', 'postgres'], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'pipe',
    });
  } catch (e) {
    const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    throw new Error(
      `PostgreSQL refuses to run as root, and the "postgres" system user to run it as could not be created (${why}). Create that user ("useradd --system postgres"), or run npm start as a normal user.`,
    );
  }
  const created = lookupUser('postgres');
  if (!created)
    throw new Error(
      'The "postgres" system user was created but cannot be looked up ("id postgres" fails). Check /etc/passwd and run npm start again.',
    );
  return created;
}

function lookupUser(name: string): RunAs | null {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

/** Asks the system whether `as` passes `test <flag> <target>`, with the very identity PostgreSQL gets (no supplementary groups, as Node spawns it). */
export function can(as: RunAs, flag: '-x' | '-r', target: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { uid: as.uid, gid: as.gid, cwd: '/', stdio: 'ignore' });
  if (r.error) {
    // Not knowing must not pass for "cannot": that would move the cluster out of the data folder for nothing.
    throw new Error(`could not check whether the "postgres" system user can reach ${target} (${r.error.message}). Run npm start again.`);
  }
  return r.status === 0;
}

/** The first folder on the way to `target` that `as` cannot enter, or null. */
export function firstBlocked(as: RunAs, target: string): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let dir: string = path.sep;
  for (const part of parts) {
    dir = path.join(dir, part);
    if (!existsSync(dir)) return null;
    if (lstatSync(dir).isDirectory() && !can(as, '-x', dir)) return dir;
  }
  return null;
}

const canRunFrom = (as: RunAs, nativeDir: string) =>
  ['bin/postgres', 'bin/initdb'].every((f) => can(as, '-x', path.join(nativeDir, f))) &&
  can(as, '-r', path.join(nativeDir, 'share/postgresql/postgres.bki'));

/**
 * The binaries' folder the postgres user can run from: the package's own, or else a copy in
 * a cache outside the checkout (made once per binaries version, used only when complete).
 */
export function reachableBinaries(nativeDir: string, version: string, as: RunAs, log: (line: string) => void): string {
  if (canRunFrom(as, nativeDir)) return nativeDir;
  const blocked = firstBlocked(as, nativeDir) ?? nativeDir;
  const name = `postgres-${version}-${process.platform}-${process.arch}`;
  const problems: string[] = [];
  for (const root of BINARIES_CACHE_ROOTS) {
    const dir = path.join(root, name);
    try {
      for (const d of [root, dir]) if (!ownedByUs(d)) throw new Error(`${d} belongs to someone else or others may write to it`);
      if (!isCompleteCopy(dir)) {
        log(`the postgres system user cannot enter ${blocked}, where the PostgreSQL binaries are: copying them to ${dir} (once)`);
        copyBinaries(nativeDir, dir);
      }
      if (canRunFrom(as, dir)) {
        log(`running PostgreSQL from ${dir} (the postgres system user cannot enter ${blocked})`);
        return dir;
      }
      problems.push(`${dir}: the postgres user cannot reach it either (${firstBlocked(as, dir) ?? 'file modes'})`);
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(
    `PostgreSQL runs as the "postgres" system user (it refuses root), who cannot enter ${blocked} to reach its binaries, and they could not be copied where it can (${problems.join('; ')}). Put the checkout outside ${blocked}, or let others pass through it ("chmod o+x ${blocked}"), and run npm start again.`,
  );
}

/** Binaries run from a folder only this process's user can change (a shared /tmp may hold anybody's). Missing is fine: we create it. */
function ownedByUs(dir: string): boolean {
  const st = lstatOrNull(dir);
  return !st || (st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0);
}

/** Files and bytes under `dir` (the marker excluded): tells a complete copy from one cut short or pruned since. */
function summary(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name !== COMPLETE_MARKER) {
        files++;
        bytes += entry.isSymbolicLink() ? readlinkSync(p).length : lstatSync(p).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

function isCompleteCopy(dir: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(path.join(dir, COMPLETE_MARKER), 'utf8')) as { files: number; bytes: number };
    const now = summary(dir);
    return now.files === marker.files && now.bytes === marker.bytes;
  } catch {
    return false;
  }
}

function copyBinaries(from: string, to: string) {
  const root = path.dirname(to);
  if (!existsSync(root)) {
    mkdirSync(root, { recursive: true });
    chmodSync(root, 0o755);
  }
  // Copied beside, checked, marked complete and renamed into place: a copy cut short is never used.
  const tmp = `${to}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    cpSync(from, tmp, { recursive: true, verbatimSymlinks: true });
    openUp(tmp);
    const want = summary(from);
    const got = summary(tmp);
    if (want.files !== got.files || want.bytes !== got.bytes) {
      throw new Error(`the copy is incomplete (${got.files} of ${want.files} files; is the disk full?)`);
    }
    writeFileSync(path.join(tmp, COMPLETE_MARKER), JSON.stringify(want) + '\n', { mode: 0o644 });
    chmodSync(tmp, 0o755);
    if (existsSync(to)) {
      if (isCompleteCopy(to)) return; // another launcher finished the same copy meanwhile
      // Moved aside before it is deleted, so nothing ever runs from a folder being emptied.
      const aside = `${to}.broken-${process.pid}-${randomBytes(4).toString('hex')}`;
      renameSync(to, aside);
      rmSync(aside, { recursive: true, force: true });
    }
    try {
      renameSync(tmp, to);
    } catch (e) {
      if (!isCompleteCopy(to)) throw e; // another launcher's copy got there first: as good as ours
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // Copies cut short by a launcher that died meanwhile.
  for (const name of readdirSync(root)) {
    const m = /\.partial-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && name.startsWith(path.basename(to)) && !describeProcess(Number(m[1])))
      rmSync(path.join(root, name), { recursive: true, force: true });
  }
}

/** Folders enterable and files readable by anyone, whatever this process's umask did to the copy. */
function openUp(dir: string) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) openUp(p);
    else if (entry.isFile()) {
      const mode = lstatSync(p).mode & 0o777;
      chmodSync(p, mode & 0o100 ? mode | 0o555 : mode | 0o444);
    }
  }
}

/**
 * The folder the cluster lives in: `<dataDir>/postgres`, or, when the postgres user cannot
 * reach the data folder, a folder of its own under CLUSTERS_ROOT that `<dataDir>/postgres`
 * links to (so later starts find it, and `ls -l` shows where it is).
 */
export function clusterDirFor(dataDir: string, as: RunAs | null, log: (line: string) => void): string {
  const inPlace = path.join(dataDir, 'postgres');
  const link = lstatOrNull(inPlace);
  if (link?.isSymbolicLink()) {
    const target = path.resolve(dataDir, readlinkSync(inPlace));
    if (as && !existsSync(target)) {
      enterableRoot(path.dirname(target));
      ownedFolder(target, as);
    }
    log(`PostgreSQL cluster in ${target} (linked from ${inPlace})`);
    return target;
  }
  if (!as || can(as, '-x', dataDir)) return inPlace;

  const blocked = firstBlocked(as, dataDir) ?? dataDir;
  if (existsSync(path.join(inPlace, 'PG_VERSION'))) {
    throw new Error(
      `The PostgreSQL cluster in ${inPlace} cannot be reached by the "postgres" system user PostgreSQL runs as, because it cannot enter ${blocked}. Let it pass ("chmod o+x ${blocked}"), or move the data folder outside ${blocked} and point QC_DATA_DIR at it, and run npm start again.`,
    );
  }
  if (link?.isDirectory()) {
    // An empty folder left by an earlier start that failed here is all there is: the link replaces it.
    try {
      rmdirSync(inPlace);
    } catch {
      throw new Error(
        `${inPlace} is in the way: it holds files but no PostgreSQL cluster, and the "postgres" system user cannot enter ${blocked} to use it anyway. Move it away (or delete it if you do not need it) and run npm start again.`,
      );
    }
  }

  const real = realpathSync(dataDir);
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 16);
  const label = path.basename(path.dirname(real)).replace(/[^\w.-]/g, '_') || 'root';
  const target = path.join(CLUSTERS_ROOT, `${label}-${hash}`);
  enterableRoot(CLUSTERS_ROOT);
  if (!can(as, '-x', CLUSTERS_ROOT)) {
    throw new Error(
      `The "postgres" system user PostgreSQL runs as can reach neither the data folder (${blocked} is private) nor ${CLUSTERS_ROOT}. Set QC_DATA_DIR to a folder outside ${blocked}, or let it pass ("chmod o+x ${blocked}"), and run npm start again.`,
    );
  }
  if (existsSync(target)) {
    // Left by a data folder at this same path that has since been deleted (there was no link): it is not this one's.
    const pid = Number((readFileSyncOrEmpty(path.join(target, 'postmaster.pid')).split('\n')[0] ?? '').trim());
    const running = describeProcess(pid);
    if (running && isPostmasterOf(running, target)) {
      throw new Error(
        `PostgreSQL (pid ${pid}) is still running on ${target}, the cluster of an earlier data folder at ${dataDir}. Stop it ("kill -INT ${pid}") and run npm start again.`,
      );
    }
    // Deleting the data folder was meant to reset it, but a database is not deleted on a guess: it is moved aside.
    const aside = `${target}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, aside);
    log(
      `found ${target}, the PostgreSQL cluster of an earlier data folder at ${dataDir} that was deleted: moved it to ${aside} (delete it if you do not need it) and starting afresh`,
    );
  }
  ownedFolder(target, as);
  symlinkSync(target, inPlace);
  log(`the postgres system user cannot enter ${blocked}: keeping the PostgreSQL cluster in ${target} (linked from ${inPlace})`);
  return target;
}

/** A folder of ours that others may pass through but not list; created if missing, left as it is otherwise. */
function enterableRoot(dir: string) {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o711);
}

/** A folder PostgreSQL accepts as its data directory: owned by the user it runs as, mode 700. */
export function ownedFolder(dir: string, as: RunAs) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, as.uid, as.gid);
  chmodSync(dir, 0o700);
}

function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

function readFileSyncOrEmpty(p: string) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
