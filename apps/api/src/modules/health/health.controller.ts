import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthReport } from '@qc/shared';
import {
  logConsumersFor,
  MESSAGE_LOG,
  MessagesService,
  type AppConfig,
  type EngineCheckResult,
  type EngineHealthCheck,
  type MessageLog,
} from '@qc/core';
import { APP_CONFIG, HEALTH_CHECKS } from '../../common/tokens';

const startedAt = Date.now();
/** A health check answers quickly or not at all: a Kafka that is away would hold it for the client's retries (~13 s). */
const CHECK_TIMEOUT_MS = 3000;

type Check = HealthReport['checks'][string];

async function timed(what: () => Promise<EngineCheckResult | void>): Promise<Check> {
  const t = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      what(),
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
      ),
    ]);
    const pool = result?.pool ? { pool: result.pool } : {};
    if (result?.warning) return { status: 'degraded', error: result.warning, ...pool };
    return { status: 'up', latencyMs: Math.round((performance.now() - t) * 100) / 100, ...pool };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message || e.name : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /health`: every engine this node talks to, and the message log's consumers. 503
 * (`down`) only when this node cannot serve: its PostgreSQL, Cassandra history or message
 * log is away. Redis or Elasticsearch away, a database pool with requests waiting (its check
 * is `degraded`, with the pool's use), or a consumer nobody runs, make it `degraded`
 * with a 200: the node still serves, and a load balancer must not drain every api node
 * because the workers are down.
 */
@Controller('health')
export class HealthController {
  private readonly consumerNames: string[];
  private readonly queueLimit: number;

  constructor(
    @Inject(HEALTH_CHECKS) private readonly engines: EngineHealthCheck[],
    @Inject(MESSAGE_LOG) private readonly log: MessageLog,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly messages: MessagesService,
  ) {
    this.consumerNames = logConsumersFor(config);
    this.queueLimit = config.commitQueue.total;
  }

  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const consumers: HealthReport['consumers'] = {};
    const [messageLog, ...engineChecks] = await Promise.all([
      timed(async () => {
        for (const s of await this.log.describeConsumers(this.consumerNames)) consumers[s.consumer] = { members: s.members, lag: s.lag };
      }),
      ...this.engines.map((e) => timed(() => e.ping())),
    ]);
    const checks: HealthReport['checks'] = { messageLog: messageLog! };
    this.engines.forEach((e, i) => (checks[e.name] = engineChecks[i]!));
    const down = (name: string) => checks[name]?.status === 'down';
    const status =
      down('messageLog') || this.engines.some((e) => e.critical && down(e.name))
        ? 'down'
        : this.engines.some((e) => checks[e.name]?.status !== 'up') || Object.values(consumers).some((c) => c.members === 0)
          ? 'degraded'
          : 'ok';
    res.status(status === 'down' ? 503 : 200);
    res.setHeader('Cache-Control', 'no-store');
    const q = this.messages.commitQueue;
    const queues = { commits: { depth: q.depth(), rooms: q.busyRooms(), limit: this.queueLimit, refused: q.refused() } };
    return { status, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), checks, consumers, queues };
  }
}
