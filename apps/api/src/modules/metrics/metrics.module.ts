import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** GET /metrics: Prometheus metrics of this node (the registry lives in the runtime core's composition built). */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
