import { type PipeTransform } from '@nestjs/common';
import type { ZodType, ZodTypeDef } from 'zod';
import { parseWith } from '@qc/shared';
import { AppError } from '@qc/core';

/** Parses a body, query or params with its shared zod schema; a failure is a VALIDATION error naming the field. */
export class ZodPipe<T> implements PipeTransform<unknown, T> {
  /** Public so the OpenAPI document describes each route from the very schema that guards it (common/http/openapi.ts). */
  constructor(readonly schema: ZodType<T, ZodTypeDef, unknown>) {}
  transform(value: unknown): T {
    const r = parseWith(this.schema, value ?? {});
    if (!r.ok) throw AppError.validation(r.error.message, r.error.details);
    return r.value;
  }
}
