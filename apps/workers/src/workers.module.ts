import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { BROADCASTER, MESSAGE_LOG, registerLogConsumers, type Broadcaster, type MessageLog } from '@qc/core';

/**
 * The consumers of the message log (today: fan-out; notify and index join with push and
 * search). They subscribe once, at init, to whichever MessageLog adapter config chose.
 */
@Module({})
export class WorkersModule implements OnModuleInit {
  constructor(
    @Inject(MESSAGE_LOG) private readonly log: MessageLog,
    @Inject(BROADCASTER) private readonly broadcaster: Broadcaster,
  ) {}

  onModuleInit() {
    registerLogConsumers(this.log, this.broadcaster);
  }

  static register(log: MessageLog, broadcaster: Broadcaster) {
    return {
      module: WorkersModule,
      providers: [
        { provide: MESSAGE_LOG, useValue: log },
        { provide: BROADCASTER, useValue: broadcaster },
      ],
    };
  }
}
