import { Inject, Module, Optional, type OnModuleInit } from '@nestjs/common';
import { BROADCASTER, MESSAGE_LOG, registerLogConsumers, type Broadcaster, type FanoutWatermark, type MessageLog } from '@qc/core';

const FANOUT_WATERMARK = Symbol('FanoutWatermark');

/**
 * The consumers of the message log (today: fan-out; notify and index join with push and
 * search). They subscribe once, at init, to whichever MessageLog adapter config chose.
 */
@Module({})
export class WorkersModule implements OnModuleInit {
  constructor(
    @Inject(MESSAGE_LOG) private readonly log: MessageLog,
    @Inject(BROADCASTER) private readonly broadcaster: Broadcaster,
    @Optional() @Inject(FANOUT_WATERMARK) private readonly watermark?: FanoutWatermark,
  ) {}

  onModuleInit() {
    registerLogConsumers(this.log, this.broadcaster, this.watermark ?? undefined);
  }

  static register(log: MessageLog, broadcaster: Broadcaster, watermark?: FanoutWatermark) {
    return {
      module: WorkersModule,
      providers: [
        { provide: MESSAGE_LOG, useValue: log },
        { provide: BROADCASTER, useValue: broadcaster },
        ...(watermark ? [{ provide: FANOUT_WATERMARK, useValue: watermark }] : []),
      ],
    };
  }
}
