import type { ZodType, ZodTypeDef } from 'zod';
import type { ErrorBody } from './errors';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/**
 * Parses untrusted input with a shared schema and turns a failure into a VALIDATION
 * error body that names each bad field. Used by the api's pipes and the gateway alike.
 */
export function parseWith<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const details = result.error.issues.slice(0, 20).map((i) => ({
    path: i.path.join('.') || '(payload)',
    message: i.message,
  }));
  const first = details[0];
  return {
    ok: false,
    error: {
      code: 'VALIDATION',
      message: first ? `${first.path}: ${first.message}` : 'invalid payload',
      details,
    },
  };
}
