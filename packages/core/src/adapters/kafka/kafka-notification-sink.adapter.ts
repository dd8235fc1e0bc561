import { Kafka, logLevel } from 'kafkajs';
import type { NotificationSink, OfflineNotification } from '../../ports/notification-sink.port';
import { ensureKafkaTopic, KAFKA_CLIENT_DEFAULTS, SharedProducer } from './kafka-client';

/**
 * `chat.notifications`: one record per offline member, keyed by user id (a person's
 * notifications stay in order), idempotent producer with acks=all. The push feature
 * consumes it.
 */
export class KafkaNotificationSink implements NotificationSink {
  private readonly producer: SharedProducer;

  constructor(
    brokers: string[],
    private readonly topic: string,
    private readonly partitions = 12,
    private readonly replicationFactor = 1,
  ) {
    const kafka = new Kafka({
      clientId: 'quantum-chat-notifier',
      brokers,
      logLevel: logLevel.NOTHING,
      ...KAFKA_CLIENT_DEFAULTS,
    });
    this.producer = new SharedProducer(kafka, () => ensureKafkaTopic(kafka, this.topic, this.partitions, this.replicationFactor));
  }

  async publish(notifications: OfflineNotification[]): Promise<void> {
    await this.producer.send(
      this.topic,
      notifications.map((n) => ({ key: n.userId, value: JSON.stringify(n), headers: { id: n.id } })),
    );
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
