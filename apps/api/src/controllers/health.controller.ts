import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthReport } from '@qc/shared';
import { logConsumersFor, MESSAGE_LOG, METADATA_STORE, type AppConfig, type MessageLog, type MetadataStore } from '@qc/core';
import { APP_CONFIG } from '../tokens';

const startedAt = Date.now();
/** A health check answers quickly or not at all: a Kafka that is away would hold it for the client's retries (~13 s). */
const CHECK_TIMEOUT_MS = 3000;

type Check = HealthReport['checks'][string];

async function timed(what: () => Promise<void>): Promise<Check> {
  const t = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      what(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
      ),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - t) * 100) / 100 };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health`: 503 only when this node cannot serve (its database or its message log is
 * away), so a load balancer never drains every api node because the workers are down.
 * Consumers nobody runs make it `degraded`, for whoever watches the pipeline.
 */
@Controller('health')
export class HealthController {
  private readonly consumerNames: string[];

  constructor(
    @Inject(METADATA_STORE) private readonly meta: MetadataStore,
    @Inject(MESSAGE_LOG) private readonly log: MessageLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.consumerNames = logConsumersFor(config);
  }

  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const consumers: HealthReport['consumers'] = {};
    const [database, messageLog] = await Promise.all([
      timed(() => this.meta.ping()),
      timed(async () => {
        for (const s of await this.log.describeConsumers(this.consumerNames)) consumers[s.consumer] = { members: s.members, lag: s.lag };
      }),
    ]);
    const checks = { database, messageLog };
    const status = Object.values(checks).some((c) => c.status === 'down')
      ? 'down'
      : Object.values(consumers).some((c) => c.members === 0)
        ? 'degraded'
        : 'ok';
    res.status(status === 'down' ? 503 : 200);
    res.setHeader('Cache-Control', 'no-store');
    return { status, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), checks, consumers };
  }
}
