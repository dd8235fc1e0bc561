import { Inject, Module, Optional, type OnModuleInit } from '@nestjs/common';
import { BROADCASTER, MESSAGE_LOG, registerLogConsumers, type Broadcaster, type LogConsumerDeps, type MessageLog } from '@qc/core';

const CONSUMER_DEPS = Symbol('LogConsumerDeps');

/**
 * The consumers of the message log (fan-out, and with Kafka the offline notifier). They
 * subscribe once, at init, to whichever MessageLog adapter config chose.
 */
@Module({})
export class WorkersModule implements OnModuleInit {
  constructor(
    @Inject(MESSAGE_LOG) private readonly log: MessageLog,
    @Inject(BROADCASTER) private readonly broadcaster: Broadcaster,
    @Optional() @Inject(CONSUMER_DEPS) private readonly deps?: LogConsumerDeps,
  ) {}

  onModuleInit() {
    registerLogConsumers(this.log, this.broadcaster, this.deps ?? {});
  }

  static register(log: MessageLog, broadcaster: Broadcaster, deps: LogConsumerDeps = {}) {
    return {
      module: WorkersModule,
      providers: [
        { provide: MESSAGE_LOG, useValue: log },
        { provide: BROADCASTER, useValue: broadcaster },
        { provide: CONSUMER_DEPS, useValue: deps },
      ],
    };
  }
}
