import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** GET /health: the engines this node talks to and the message log's consumers. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
