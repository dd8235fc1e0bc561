import 'reflect-metadata';
import { loadConfig } from '@qc/core';

/**
 * `node apps/workers/dist/main.js`: the stand-alone consumers process. The embedded
 * profile's message log is in-process, so its consumers run inside the api and there is
 * nothing to consume from here; this process becomes useful with a shared log (Kafka),
 * which is the scale-out work tracked apart. It says so instead of idling silently.
 */
export function describeWorkersMode(env: NodeJS.ProcessEnv): { runsHere: boolean; reason: string } {
  if (!env.KAFKA_BROKERS) {
    return {
      runsHere: false,
      reason:
        'embedded profile: the message log is in-process, so the api runs the fan-out consumer itself. ' +
        'Run apps/workers separately once KAFKA_BROKERS points at a Kafka cluster.',
    };
  }
  return {
    runsHere: false,
    reason:
      'KAFKA_BROKERS is set, but the Kafka message log adapter is not built yet; the api cannot hand records to a separate workers process.',
  };
}

if (require.main === module) {
  loadConfig(process.env); // a bad setting still stops start-up with a message naming it
  const mode = describeWorkersMode(process.env);
  console.log(`[quantum-chat-workers] ${mode.reason}`);
  process.exitCode = 0;
}
