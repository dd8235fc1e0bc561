import type { Kafka, KafkaConfig, Message, Producer } from 'kafkajs';
import { CoalescingPublisher } from './coalescing-publisher';

/**
 * Client settings every Kafka adapter shares. Six retries back off from 200 ms to about
 * 13 s in all: long enough to ride out a leader election, short enough that a send fails
 * visibly (the client's Retry lands it once, by its idempotency key) and that a start-up
 * pointed at no broker gives up with a message instead of hanging for a minute.
 */
export const KAFKA_CLIENT_DEFAULTS: Pick<KafkaConfig, 'retry' | 'connectionTimeout'> = {
  retry: { initialRetryTime: 200, retries: 6 },
  connectionTimeout: 5000,
};

/**
 * Creates the topic if it is missing. Several processes may race to create it; losing
 * that race (the topic now exists) is the outcome wanted, so only other errors escape.
 */
export async function ensureKafkaTopic(kafka: Kafka, topic: string, partitions: number, replicationFactor: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return false;
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor }] });
      return true;
    } catch (e) {
      if ((await admin.listTopics()).includes(topic)) return false;
      throw e;
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * One idempotent producer, connected on first use, sending with acks=all. Sends that
 * arrive together before it is up share the one connect: each used to open a producer of
 * its own, and all but the last leaked, with their sockets (a process that then would not
 * exit, and broker connections that grew with every burst at start-up). Sends to a topic
 * that arrive while a request is out share the next request (CoalescingPublisher): with
 * one request in flight, each used to wait for every one queued before it.
 */
export class SharedProducer {
  private connecting: Promise<Producer> | null = null;
  private readonly publishers = new Map<string, CoalescingPublisher<Message>>();

  constructor(
    private readonly kafka: Kafka,
    /** Runs before the first connect (creating the topic). */
    private readonly beforeConnect: () => Promise<unknown>,
  ) {}

  /** Resolves once every in-sync replica has the messages. */
  async send(topic: string, messages: Message[]): Promise<void> {
    let publisher = this.publishers.get(topic);
    if (!publisher) {
      publisher = new CoalescingPublisher(async (batch) => {
        const producer = await this.get();
        await producer.send({ topic, acks: -1, messages: batch });
      });
      this.publishers.set(topic, publisher);
    }
    await Promise.all(messages.map((m) => publisher.publish(m)));
  }

  private get(): Promise<Producer> {
    this.connecting ??= (async () => {
      await this.beforeConnect();
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })().catch((e: unknown) => {
      this.connecting = null; // the next send tries again
      throw e;
    });
    return this.connecting;
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    const producer = await connecting?.catch(() => null);
    await producer?.disconnect().catch(() => undefined);
  }
}
