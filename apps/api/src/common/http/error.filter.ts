import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { HTTP_STATUS_BY_CODE, type ErrorBody, type ErrorCode } from '@qc/shared';
import { isAppError, knownError, RUNTIME_METRICS, type RuntimeMetrics } from '@qc/core';
import { LOGGER } from '../tokens';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'TOO_LARGE',
  415: 'UNSUPPORTED_TYPE',
  429: 'RATE_LIMITED',
};

/** Every REST error leaves as `{ error: { code, message } }` with the matching status. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RUNTIME_METRICS) private readonly metrics: RuntimeMetrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const { status, body } = this.toEnvelope(exception, req);
    if (body.code === 'UNAVAILABLE') {
      this.logger.warn({ err: exception, reqId: req.id, path: req.path }, 'request refused: the database is not answering');
      if (!res.headersSent) res.setHeader('Retry-After', '1');
    } else if (status >= 500) this.logger.error({ err: exception, reqId: req.id, path: req.path }, 'request failed');
    if (isAppError(exception) && exception.retryAfterMs !== undefined && !res.headersSent) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(exception.retryAfterMs / 1000))));
    }
    this.metrics.refused(body.code, 'rest');
    if (!res.headersSent) res.status(status).json({ error: body });
  }

  private toEnvelope(e: unknown, req: Request): { status: number; body: ErrorBody } {
    const known = knownError(e);
    if (known) return { status: HTTP_STATUS_BY_CODE[known.code], body: known.toBody() };
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION');
      const message = status === 404 ? `no route ${req.method} ${req.path}` : e.message;
      return { status, body: { code, message } };
    }
    // body-parser errors (bad JSON, too large) carry a status and a type.
    const bp = e as { status?: number; type?: string };
    if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
      const message =
        bp.type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : bp.type === 'entity.too.large'
            ? 'the request body is too large'
            : 'the request body could not be read';
      return { status: bp.status, body: { code: CODE_BY_STATUS[bp.status] ?? 'VALIDATION', message } };
    }
    return { status: 500, body: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } };
  }
}
