import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { LogHandler, LogRecord, MessageLog } from '../../ports/message-log.port';
import { ensureKafkaTopic } from './ensure-topic';

export interface KafkaLogOptions {
  brokers: string[];
  clientId: string;
  topic?: string;
  /** Consumer groups are `<groupPrefix>.<consumer name>`. */
  groupPrefix?: string;
  partitions?: number;
  replicationFactor?: number;
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
  private producer: Producer | null = null;
  private readonly handlers = new Map<string, LogHandler>();
  private readonly consumers: Consumer[] = [];
  private topicReady: Promise<void> | null = null;

  constructor(private readonly opts: KafkaLogOptions) {
    this.topic = opts.topic ?? 'chat.messages';
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, retries: 8 },
      connectionTimeout: 5000,
    });
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

  private async getProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    await this.ensureTopic();
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  async publish(record: LogRecord): Promise<void> {
    const producer = await this.getProducer();
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ key: record.message.roomId, value: JSON.stringify(record), headers: { type: record.type } }],
    });
  }

  subscribe(consumer: string, handler: LogHandler): void {
    if (this.handlers.has(consumer)) throw new Error(`consumer "${consumer}" is already subscribed`);
    this.handlers.set(consumer, handler);
  }

  async start(): Promise<void> {
    // Also the start-up check that Kafka answers, for a process that only publishes.
    await this.ensureTopic();
    for (const [name, handler] of this.handlers) {
      const consumer = this.kafka.consumer({
        groupId: `${this.opts.groupPrefix ?? 'qc'}.${name}`,
        allowAutoTopicCreation: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1_000,
      });
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        // One record at a time per partition, offset committed once its handler succeeded.
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const record = parseRecord(message.value);
          if (record) {
            try {
              await handler(record);
            } catch (err) {
              this.opts.logger.error(
                { err, consumer: name, partition, offset: message.offset },
                'log consumer failed; the record will be redelivered',
              );
              throw err;
            }
          } else {
            this.opts.logger.warn({ consumer: name, partition, offset: message.offset }, 'skipping an unreadable log record');
          }
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
      this.consumers.push(consumer);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    this.consumers.length = 0;
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }
}

function parseRecord(value: Buffer | null): LogRecord | null {
  if (!value) return null;
  try {
    const r = JSON.parse(value.toString('utf8')) as LogRecord;
    return r && r.type === 'message.created' && r.message && typeof r.message.roomId === 'string' ? r : null;
  } catch {
    return null;
  }
}
