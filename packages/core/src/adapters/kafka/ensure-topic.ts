import type { Kafka } from 'kafkajs';

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
