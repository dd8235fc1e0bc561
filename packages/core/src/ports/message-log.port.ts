import type { Message } from '@qc/shared';

/** What flows through the log after a message is durable. */
export type LogRecord = { type: 'message.created'; message: Message };

export type LogHandler = (record: LogRecord) => Promise<void>;

/**
 * The message log decouples the write path from its effects (fan-out, notify, index).
 * Records of one room are handled in the order they were published. The in-process
 * adapter runs the handlers inline; a Kafka adapter (keyed by room id) runs them in
 * apps/workers.
 */
export interface MessageLog {
  publish(record: LogRecord): Promise<void>;
  /** A named consumer (a consumer group in Kafka terms). */
  subscribe(consumer: string, handler: LogHandler): void;
  close(): Promise<void>;
}

export const MESSAGE_LOG = Symbol('MessageLog');
