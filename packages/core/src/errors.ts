import type { ErrorBody, ErrorCode } from '@qc/shared';
import { isDatabaseUnavailable } from './lib/database-unavailable';

/**
 * The one error type services throw. The edges (REST filter, gateway) turn it into the
 * wire envelope; anything else that escapes is an INTERNAL error and gets logged.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
    /** When the caller may try again (RATE_LIMITED): REST sends it as Retry-After. */
    readonly retryAfterMs?: number,
    /** MUTED: when the mute lifts (ISO time). */
    readonly until?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: Math.ceil(this.retryAfterMs) } : {}),
      ...(this.until !== undefined ? { until: this.until } : {}),
    };
  }

  static validation(message: string, details?: ErrorBody['details']) {
    return new AppError('VALIDATION', message, details);
  }
  static unauthenticated(message = 'sign in again: your session is missing or expired') {
    return new AppError('UNAUTHENTICATED', message);
  }
  static forbidden(message = 'you are not a member of this room') {
    return new AppError('FORBIDDEN', message);
  }
  static notFound(what: string) {
    return new AppError('NOT_FOUND', `${what} not found`);
  }
  static conflict(message: string) {
    return new AppError('CONFLICT', message);
  }
  static unavailable(message = 'the database is not answering right now; nothing was stored: try again in a moment') {
    return new AppError('UNAVAILABLE', message);
  }
  static overloaded(
    retryAfterMs: number,
    message = `the server is busier than it can answer in time; nothing was stored: try again in ${Math.ceil(retryAfterMs / 100) / 10} s`,
  ) {
    return new AppError('OVERLOADED', message, undefined, retryAfterMs);
  }
  /** A moderator muted the sender in this room: refused until `until`, and the person is told why. */
  static muted(until: Date, reason: string | null) {
    const when = until.toISOString();
    return new AppError(
      'MUTED',
      `a moderator muted you in this room until ${when}${reason ? `: ${reason}` : ''}`,
      undefined,
      undefined,
      when,
    );
  }
  static rateLimited(retryAfterMs: number, message = `slow down: try again in ${Math.ceil(retryAfterMs / 100) / 10} s`) {
    return new AppError('RATE_LIMITED', message, undefined, retryAfterMs);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * What the edges answer for an error: an AppError as it is, a database that is not
 * answering as UNAVAILABLE; null for anything else (a bug: logged, answered INTERNAL).
 */
export function knownError(e: unknown): AppError | null {
  if (e instanceof AppError) return e;
  if (isDatabaseUnavailable(e)) return AppError.unavailable();
  return null;
}
