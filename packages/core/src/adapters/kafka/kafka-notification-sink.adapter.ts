import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { NotificationSink, OfflineNotification } from '../../ports/notification-sink.port';
import { ensureKafkaTopic } from './ensure-topic';

/**
 * `chat.notifications`: one record per offline member, keyed by user id (a person's
 * notifications stay in order), idempotent producer with acks=all. The push feature
 * consumes it.
 */
export class KafkaNotificationSink implements NotificationSink {
  private readonly kafka: Kafka;
  private producer: Producer | null = null;

  constructor(
    brokers: string[],
    private readonly topic: string,
    private readonly partitions = 12,
    private readonly replicationFactor = 1,
  ) {
    this.kafka = new Kafka({
      clientId: 'quantum-chat-notifier',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, retries: 8 },
    });
  }

  private async getProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    await ensureKafkaTopic(this.kafka, this.topic, this.partitions, this.replicationFactor);
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  async publish(notifications: OfflineNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    const producer = await this.getProducer();
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: notifications.map((n) => ({ key: n.userId, value: JSON.stringify(n), headers: { id: n.id } })),
    });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }
}
