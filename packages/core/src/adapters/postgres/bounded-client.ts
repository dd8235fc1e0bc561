import { Client, type ClientConfig } from 'pg';

/** The code on the error a query gets when PostgreSQL gave no answer in time (see isDatabaseUnavailable). */
export const QUERY_TIMEOUT_CODE = 'QC_QUERY_TIMEOUT';

const BOUND = Symbol('qc.queryBound');

/** When a query on the pool last came back: evidence that the pool works, for GET /health. */
export interface QueryPulse {
  lastAnswerAt: number;
}

/**
 * A pg Client whose every query has an answer within `queryMs`, or loses its connection.
 *
 * Why the connection is dropped rather than the query only abandoned: pg's own
 * `query_timeout` rejects the caller's promise but leaves the query active on the
 * connection, and the queries queued behind it (a transaction's ROLLBACK among them) are
 * thrown away unsent; when a frozen server wakes up, that connection would go back to the
 * pool mid-transaction and the next user's COMMIT could commit what an earlier caller was
 * told had failed. A destroyed socket makes the server roll back (it notices within a
 * second: see `client_connection_check_interval` in data-source.ts), and the pool opens a
 * fresh connection. Client side, because a server that is not awake (SIGSTOP, a hung disk,
 * a network partition) can fire no timeout of its own.
 *
 * `setQueryBound(client, ms)` changes the bound of one connection: none for migrations
 * (they may run long and wait for another node's migration lock), a longer one while a
 * room's sequencer waits for the room's lock behind other nodes' sends.
 */
export function boundedClientClass(queryMs: number, pulse: QueryPulse): typeof Client {
  return class BoundedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      // A connection that came up is an answer from the server too.
      this.on('connect', () => (pulse.lastAnswerAt = Date.now()));
      const query = this.query.bind(this) as (...args: unknown[]) => unknown;
      const self = this as unknown as { connection?: { stream?: { destroy(err?: Error): void } } } & Record<symbol, number | undefined>;
      (this as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const result = query(...args);
        // Callback and Submittable forms (not used by TypeORM or our stores) are left as they are.
        if (!(result instanceof Promise)) return result;
        const bound = self[BOUND] ?? queryMs;
        if (bound === Infinity) return result.then(answered(pulse));
        const timer = setTimeout(() => {
          const err = Object.assign(new Error(`PostgreSQL gave no answer within ${bound} ms (DATABASE_QUERY_TIMEOUT_MS)`), {
            code: QUERY_TIMEOUT_CODE,
          });
          self.connection?.stream?.destroy(err);
        }, bound);
        return result.then(answered(pulse)).finally(() => clearTimeout(timer));
      };
    }
  };
}

const answered =
  (pulse: QueryPulse) =>
  <T>(value: T): T => {
    pulse.lastAnswerAt = Date.now();
    return value;
  };

/**
 * Sets the bound for the queries on one connection (Infinity: none; undefined: back to
 * DATABASE_QUERY_TIMEOUT_MS). See boundedClientClass.
 */
export function setQueryBound(client: unknown, ms: number | undefined): void {
  if (client && typeof client === 'object') (client as Record<symbol, number | undefined>)[BOUND] = ms;
}
