import { childrenOf, readLauncherRecord } from '../../src/embedded/postgres-processes';

export interface FrozenPostgres {
  pids: number[];
  /** SIGCONT to every process frozen; safe to call twice. */
  thaw(): void;
}

/**
 * Freezes the embedded PostgreSQL of a data folder (`QC_DATA_DIR`) as a hung server or a
 * network partition would look to its clients: the postmaster and every backend get
 * SIGSTOP, so connections stay open and nothing answers. The postmaster alone would not
 * do: each connection is served by a backend process of its own.
 */
export function freezePostgres(dataDir: string): FrozenPostgres {
  const record = readLauncherRecord(dataDir);
  if (!record) throw new Error(`no embedded PostgreSQL recorded in ${dataDir} (postgres-launcher.json)`);
  const pids = [record.postmasterPid, ...childrenOf(record.postmasterPid).map((p) => p.pid)];
  const frozen: number[] = [];
  let thawed = false;
  const thaw = () => {
    if (thawed) return;
    thawed = true;
    for (const pid of frozen) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone already
      }
    }
  };
  try {
    for (const pid of pids) {
      process.kill(pid, 'SIGSTOP');
      frozen.push(pid);
    }
  } catch (e) {
    thaw();
    throw e;
  }
  return { pids, thaw };
}
