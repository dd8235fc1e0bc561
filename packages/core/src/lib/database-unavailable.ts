/**
 * Whether an error means "the database is not answering" rather than "this request is
 * wrong" or "our code is wrong": a query that got no answer in time, a pool connection that
 * could not be had in time, a connection refused or cut, the server shutting down or out
 * of connections. Such a request changed nothing that was promised (a send is acked only
 * after its commit), so the edges answer UNAVAILABLE and the client retries the same
 * request, rather than INTERNAL, which says "do not retry, it was logged".
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    // TypeORM's QueryFailedError keeps pg's error as driverError; others chain a cause.
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

const UNAVAILABLE_CODES = new Set([
  'QC_QUERY_TIMEOUT', // bounded-client.ts: no answer within DATABASE_QUERY_TIMEOUT_MS
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57014', // query_canceled: statement_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);

/** pg and pg-pool say these in words only. */
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Connection terminated unexpectedly|Client was closed and is not queryable/;
