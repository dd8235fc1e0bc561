import type { ErrorBody, ErrorCode } from '@qc/shared';
import { ERROR_CODES } from '@qc/shared';

/**
 * A failed REST call, carrying the api's error code so callers switch on `code` and show
 * `message` (written for people by the server). `status` is 0 when the server was not reached.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** JSON, or a FormData sent as multipart. */
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The ApiError an error answer carries (its envelope, or a readable stand-in when it has none). */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const err = (body as { error: unknown }).error;
    if (typeof err === 'object' && err !== null) {
      const { code, message, details } = err as Partial<ErrorBody>;
      if (isErrorCode(code)) {
        return new ApiError(status, code, typeof message === 'string' ? message : code, details);
      }
    }
  }
  // A proxy page or a crash without the envelope: still give people something readable.
  const code: ErrorCode = status === 401 ? 'UNAUTHENTICATED' : status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'INTERNAL';
  return new ApiError(status, code, `The server answered ${status}. Please try again.`);
}

/**
 * One JSON request to the api at the same origin. The refresh cookie rides along because
 * of `credentials: 'same-origin'`; the access token, when given, goes in the header.
 */
export async function requestJson<T>(method: HttpMethod, path: string, { body, token, signal }: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // A form (a file) goes as multipart, its boundary set by the browser; anything else as JSON.
  const form = typeof FormData !== 'undefined' && body instanceof FormData ? body : null;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'INTERNAL', "Can't reach the server. Check your connection and try again.");
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) throw errorFromBody(response.status, parsed);
  return parsed as T;
}
