import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthReport } from '@qc/shared';
import { METADATA_STORE, type MetadataStore } from '@qc/core';
import { Inject } from '@nestjs/common';

const startedAt = Date.now();

@Controller('health')
export class HealthController {
  constructor(@Inject(METADATA_STORE) private readonly meta: MetadataStore) {}

  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const t = performance.now();
    let database: HealthReport['checks'][string];
    try {
      await this.meta.ping();
      database = { status: 'up', latencyMs: Math.round((performance.now() - t) * 100) / 100 };
    } catch (e) {
      database = { status: 'down', error: e instanceof Error ? e.message : String(e) };
    }
    const status = database.status === 'up' ? 'ok' : 'degraded';
    res.status(status === 'ok' ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    return { status, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), checks: { database } };
  }
}
