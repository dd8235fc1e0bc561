import type { Message, MessageUpdate } from '@qc/shared';

/** What flows through the log once it is durable: a new message, or a change to one (its own seq, the message's new state). */
export type LogRecord = { type: 'message.created'; message: Message } | { type: 'message.updated'; update: MessageUpdate };

/** The room a record belongs to: the log's key, so one room's records keep their order. */
export const recordRoomId = (r: LogRecord): string => (r.type === 'message.created' ? r.message.roomId : r.update.roomId);

/** The record's place in its room's order. */
export const recordSeq = (r: LogRecord): number => (r.type === 'message.created' ? r.message.seq : r.update.seq);

export type LogHandler = (record: LogRecord) => Promise<void>;

/**
 * A consumer that takes a room's run of records at once, when one round trip per run
 * rather than per record is what it saves (fan-out: one watermark read, one flush, one
 * advance). `records` are consecutive records of ONE room in log order, which is seq order
 * save a retried send published again. A run is handled or not as a whole: when `run`
 * throws, the log counts none of it handled (Kafka hands every record of it over again),
 * so it must be idempotent across a run it got part-way through.
 */
export interface LogRunHandler {
  run(records: LogRecord[]): Promise<void>;
}

/** What a consumer subscribes with: a record at a time, or a room's run at a time. */
export type LogConsumer = LogHandler | LogRunHandler;

/**
 * The message log decouples the write path from its effects (fan-out, notify, index).
 * Records of one room are handled in the order they were published. The in-process
 * adapter runs the handlers inline; a Kafka adapter (keyed by room id) runs them in
 * apps/workers.
 */
export interface MessageLog {
  /** Resolves when the record is durable in the log (Kafka: acks=all). */
  publish(record: LogRecord): Promise<void>;
  /**
   * A group commit's records, in this order, in one go (Kafka: one produce request, rather
   * than one round trip each); resolves when every one is durable in the log.
   */
  publishAll(records: LogRecord[]): Promise<void>;
  /** A named consumer (a consumer group in Kafka terms); call before `start`. */
  subscribe(consumer: string, handler: LogConsumer): void;
  /** Begins consuming for every subscribed consumer. */
  start(): Promise<void>;
  /**
   * True when a publish can fail after the store committed (an outside log): a retried
   * send of a stored message then publishes it again, and consumers must be idempotent.
   */
  readonly republishOnRetry: boolean;
  /**
   * How far each named consumer is, for health checks: who runs it and what it has left.
   * Any process may ask, not only one that runs the consumers (an api node asks about the
   * workers' consumer groups).
   */
  describeConsumers(consumers: readonly string[]): Promise<LogConsumerState[]>;
  close(): Promise<void>;
}

export interface LogConsumerState {
  consumer: string;
  /** Processes running it now (Kafka: members of its consumer group). 0: its effects wait. */
  members: number;
  /**
   * Records published and not yet handled, as far as the log knows (Kafka: committed
   * offsets, which trail the handlers by up to 100 ms). null where there is nothing to count.
   */
  lag: number | null;
}

export const MESSAGE_LOG = Symbol('MessageLog');

/**
 * The consumers of the log. A workers process runs every one its profile needs, or only
 * those WORKERS_CONSUMERS names (say, fan-out apart from the indexer, to scale each alone).
 */
export const LOG_CONSUMERS = ['fanout', 'notify', 'history', 'indexer'] as const;
export type LogConsumerName = (typeof LOG_CONSUMERS)[number];

/**
 * The consumers a profile needs, wherever they run: fan-out and the notifier (Web Push)
 * always; with Kafka and Cassandra the history writer (history trails the log); with
 * Elasticsearch the indexer (PostgreSQL full-text search needs none).
 */
export function logConsumersFor(profile: { kafka: unknown; cassandra: unknown; elasticsearch: unknown }): LogConsumerName[] {
  const needed: Record<LogConsumerName, boolean> = {
    fanout: true,
    notify: true,
    history: !!profile.kafka && !!profile.cassandra,
    indexer: !!profile.elasticsearch,
  };
  return LOG_CONSUMERS.filter((name) => needed[name]);
}

/** Whether a process told to run `only` these consumers (null or undefined: all) runs `name`. */
export const runsLogConsumer = (only: readonly LogConsumerName[] | null | undefined, name: LogConsumerName) => !only || only.includes(name);
