import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError, RUNTIME_METRICS, type AppConfig, type RuntimeMetrics } from '@qc/core';
import { APP_CONFIG } from '../../common/tokens';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
const isLoopback = (ip: string | undefined) => !!ip && (ip === '::1' || /^(::ffff:)?127\./.test(ip));

/**
 * `GET /metrics` (outside /api/v1, where Prometheus looks): this node's metrics in the
 * Prometheus text format. They tell load, error rates and who is connected, so only this
 * machine may read them (a Prometheus or agent on loopback), unless METRICS_TOKEN is set:
 * then `Authorization: Bearer <token>` lets a Prometheus elsewhere scrape. The address is
 * `req.ip`, which behind a trusted (loopback) proxy is the client's, so a local reverse
 * proxy does not make every visitor local.
 */
@Controller('metrics')
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    @Inject(RUNTIME_METRICS) private readonly metrics: RuntimeMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.token = config.metricsToken ? Buffer.from(config.metricsToken) : null;
  }

  @Get()
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!isLoopback(req.ip) && !this.hasToken(req)) {
      throw AppError.forbidden(
        this.token
          ? 'metrics need Authorization: Bearer <METRICS_TOKEN> from outside this machine'
          : 'metrics are served to this machine only (set METRICS_TOKEN to scrape from elsewhere)',
      );
    }
    const { contentType, text } = await this.metrics.scrape();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  }

  private hasToken(req: Request): boolean {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!this.token || !given) return false;
    const g = Buffer.from(given);
    return g.length === this.token.length && timingSafeEqual(g, this.token);
  }
}
