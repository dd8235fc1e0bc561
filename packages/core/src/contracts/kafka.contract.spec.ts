import { randomBytes } from 'node:crypto';
import { KafkaMessageLog } from '../adapters/kafka/kafka-message-log.adapter';
import { messageLogContract } from './message-log.contract';

/*
 * The MessageLog suite against a real Kafka (TEST_KAFKA_BROKERS, default the one
 * `npm run engines -- up kafka` starts on 127.0.0.1:9092). A topic and consumer groups of
 * this run's own keep runs apart.
 */
const brokers = (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

messageLogContract('kafka', async () => {
  const run = randomBytes(4).toString('hex');
  const log = new KafkaMessageLog({
    brokers,
    clientId: `contract-${run}`,
    topic: `test.chat.messages.${run}`,
    groupPrefix: `test-${run}`,
    partitions: 3,
    logger: quiet,
  });
  try {
    await log.ensureTopic();
  } catch (e) {
    throw new Error(
      `no Kafka at ${brokers.join(',')} (${e instanceof Error ? e.message : String(e)}): start it with "npm run engines -- up kafka", or set TEST_KAFKA_BROKERS`,
    );
  }
  return { log, close: () => log.close() };
});
