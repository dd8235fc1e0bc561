/**
 * Error codes shared by REST and the socket. A client switches on `code`, never on the
 * message text, so the message can be written for people and changed freely.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  // A socket handshake refused: the person already holds as many open connections as allowed.
  'TOO_MANY_CONNECTIONS',
  /** An upload over the size limit (UPLOAD_MAX_BYTES): nothing of it was kept. */
  'TOO_LARGE',
  /** An upload whose content (sniffed from its bytes, not its name) is not a type allowed here. */
  'UNSUPPORTED_TYPE',
  'INTERNAL',
  /** An engine the request needs (the database) is not answering: nothing was stored; retry the same request. */
  'UNAVAILABLE',
  /** The server has more work queued than it can finish in time: nothing was stored; retry the same request after `retryAfterMs`. */
  'OVERLOADED',
  /** The sender is muted in this room (a moderator's timed mute): `until` says when it lifts. */
  'MUTED',
  /** A word rule refused the message: its message names the rule. */
  'BLOCKED',
  /** Sign-in refused: the instance's staff disabled this account (its message says so and who to ask). */
  'ACCOUNT_DISABLED',
  /** Slow mode: one message per member every so often in this room; `retryAfterMs` says when the next may go. */
  'SLOW_MODE',
  /** The room is locked read-only: only its moderators and up may post. */
  'READ_ONLY',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level problems for VALIDATION, as `path: message` pairs. */
  details?: { path: string; message: string }[];
  /** RATE_LIMITED and OVERLOADED: how long to wait before trying again (REST also sends Retry-After). */
  retryAfterMs?: number;
  /** MUTED: when the mute lifts (ISO time). */
  until?: string;
}

/** The REST error envelope: `{ "error": { "code", "message" } }`. */
export interface ErrorEnvelope {
  error: ErrorBody;
}

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  TOO_LARGE: 413,
  UNSUPPORTED_TYPE: 415,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  OVERLOADED: 503,
  MUTED: 403,
  BLOCKED: 422,
  ACCOUNT_DISABLED: 403,
  SLOW_MODE: 429,
  READ_ONLY: 403,
};
