import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';

/*
 * PostgreSQL refuses to run as root, so a launcher running as root (CI, containers, a root
 * shell) runs it as the `postgres` system user.
 */

export interface RunAs {
  uid: number;
  gid: number;
}

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

/** A folder PostgreSQL accepts as its data directory: owned by the user it runs as, mode 700. */
export function ownedFolder(dir: string, as: RunAs) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chownSync(dir, as.uid, as.gid);
  chmodSync(dir, 0o700);
}
