import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { recordRoomId, type LogConsumer, type LogConsumerState, type LogRecord, type MessageLog } from '../../ports/message-log.port';
import { ensureKafkaTopic, KAFKA_CLIENT_DEFAULTS, SharedProducer } from './kafka-client';
import { consumeInRoomLanes, type LaneHandler } from './room-lanes';

export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  topic?: string;
  /** Consumer groups are `<groupPrefix>.<consumer name>`. */
  groupPrefix?: string;
  partitions?: number;
  replicationFactor?: number;
  /** Partitions each consumer works on at once (default 8). */
  partitionsConsumedConcurrently?: number;
  /** Rooms worked on at once within one partition (default 16); a room's records one after another. */
  roomsPerPartition?: number;
  /** Records of one room a run handler gets at most in one call (default 256). */
  maxRun?: number;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * The message log on Kafka. One topic (`chat.messages`) keyed by room id, so a room's
 * records share a partition and keep their order. The producer is idempotent with
 * acks=all: `publish` resolves only once every in-sync replica has the record. Each
 * consumer is a consumer group; a record's offset is committed only after its handler
 * succeeded, so a crash or rebalance redelivers (at-least-once) and handlers must be
 * idempotent.
 */
export class KafkaMessageLog implements MessageLog {
  readonly republishOnRetry = true;
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly producer: SharedProducer;
  private readonly handlers = new Map<string, LogConsumer>();
  private readonly consumers: Consumer[] = [];
  private topicReady: Promise<void> | null = null;

  constructor(private readonly opts: KafkaLogOptions) {
    this.topic = opts.topic ?? 'chat.messages';
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.NOTHING,
      ...KAFKA_CLIENT_DEFAULTS,
    });
    this.producer = new SharedProducer(this.kafka, () => this.ensureTopic());
  }

  /** Creates the topic if it is missing (idempotent across nodes). */
  ensureTopic(): Promise<void> {
    this.topicReady ??= (async () => {
      if (await ensureKafkaTopic(this.kafka, this.topic, this.opts.partitions ?? 12, this.opts.replicationFactor ?? 1)) {
        this.opts.logger.info({ topic: this.topic }, 'created Kafka topic');
      }
    })().catch((e: unknown) => {
      this.topicReady = null;
      throw e;
    });
    return this.topicReady;
  }

  async publish(record: LogRecord): Promise<void> {
    await this.publishAll([record]);
  }

  async publishAll(records: LogRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send(
      this.topic,
      records.map((record) => ({ key: recordRoomId(record), value: JSON.stringify(record), headers: { type: record.type } })),
    );
  }

  subscribe(consumer: string, handler: LogConsumer): void {
    if (this.handlers.has(consumer)) throw new Error(`consumer "${consumer}" is already subscribed`);
    this.handlers.set(consumer, handler);
  }

  async start(): Promise<void> {
    // Also the start-up check that Kafka answers, for a process that only publishes.
    await this.ensureTopic();
    for (const [name, handler] of this.handlers) {
      const consumer = this.kafka.consumer({
        groupId: this.groupId(name),
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      // Per partition: records this consumer handled past its resolved offset (see consumeInRoomLanes).
      const ahead = new Map<number, Set<string>>();
      const handledAhead = (partition: number) => ahead.get(partition) ?? ahead.set(partition, new Set()).get(partition)!;
      await consumer.run({
        // Up to 8 partitions side by side, and within a partition a lane per room (see
        // consumeInRoomLanes): a room lives in one partition, so its order holds, and no room
        // waits for another. Offsets are resolved as the handled prefix of a batch grows and
        // committed every 100 ms or 100 records, not per record: a commit is a round trip to
        // the group coordinator that kafkajs serialises, which capped a consumer near 150
        // records/s on this machine. A crash redelivers at most that window; every handler is
        // idempotent, as it must be anyway (a crash between a handler and its commit
        // redelivers too).
        partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 8,
        autoCommit: true,
        autoCommitInterval: 100,
        autoCommitThreshold: 100,
        // Never resolve a whole batch on return: a stale or stopped batch returns early.
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
          const readable = (message: KafkaMessage) => {
            const record = parseRecord(message.value);
            if (!record) {
              this.opts.logger.warn(
                { consumer: name, partition: batch.partition, offset: message.offset },
                'skipping an unreadable log record',
              );
            }
            return record;
          };
          const reported = async (where: { offset: string; lastOffset?: string }, work: () => Promise<void>) => {
            try {
              await work();
            } catch (err) {
              this.opts.logger.error(
                { err, consumer: name, partition: batch.partition, ...where },
                'log consumer failed; the record will be redelivered',
              );
              throw err;
            }
          };
          const handle: LaneHandler<KafkaMessage> =
            typeof handler === 'function'
              ? async (message) => {
                  const record = readable(message);
                  if (record) await reported({ offset: message.offset }, () => handler(record));
                }
              : {
                  run: async (messages) => {
                    const records = messages.map(readable).filter((r): r is LogRecord => r !== null);
                    if (records.length === 0) return;
                    const where = { offset: messages[0]!.offset, lastOffset: messages.at(-1)!.offset };
                    await reported(where, () => handler.run(records));
                  },
                };
          await consumeInRoomLanes(
            batch.messages,
            handle,
            { resolveOffset, heartbeat, commitOffsetsIfNecessary: () => commitOffsetsIfNecessary(), isRunning, isStale },
            { maxLanes: this.opts.roomsPerPartition ?? 16, maxRun: this.opts.maxRun, handledAhead: handledAhead(batch.partition) },
          );
        },
      });
      this.consumers.push(consumer);
    }
  }

  private groupId(consumer: string): string {
    return `${this.opts.groupPrefix ?? 'qc'}.${consumer}`;
  }

  /**
   * Members from the group coordinator; lag as each partition's end offset minus the group's
   * committed offset (a group that never committed starts at the beginning: it consumes
   * `fromBeginning`). A member that died without leaving counts until its session times out
   * (10 s).
   */
  async describeConsumers(consumers: readonly string[]): Promise<LogConsumerState[]> {
    await this.ensureTopic();
    const admin = this.kafka.admin();
    try {
      await admin.connect(); // inside: a connect that fails half-way still gets its disconnect
      const groupIds = consumers.map((c) => this.groupId(c));
      const [{ groups }, ends, committed] = await Promise.all([
        admin.describeGroups(groupIds),
        admin.fetchTopicOffsets(this.topic),
        Promise.all(groupIds.map((groupId) => admin.fetchOffsets({ groupId, topics: [this.topic] }))),
      ]);
      return consumers.map((consumer, i) => {
        const done = new Map((committed[i]?.[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        const lag = ends.reduce((sum, p) => {
          const at = done.get(p.partition) ?? -1;
          return sum + Math.max(0, Number(p.high) - (at >= 0 ? at : Number(p.low)));
        }, 0);
        return { consumer, members: groups.find((g) => g.groupId === groupIds[i])?.members.length ?? 0, lag };
      });
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
    await this.producer.close();
  }
}

function parseRecord(value: Buffer | null): LogRecord | null {
  if (!value) return null;
  try {
    const r = JSON.parse(value.toString('utf8')) as LogRecord;
    if (r?.type === 'message.created') return r.message && typeof r.message.roomId === 'string' ? r : null;
    if (r?.type === 'message.updated') return r.update && typeof r.update.roomId === 'string' && r.update.message ? r : null;
    return null;
  } catch {
    return null;
  }
}
