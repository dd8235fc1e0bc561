import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LogConsumerState } from '../../ports/message-log.port';
import type { RuntimeMetrics } from '../../ports/metrics.port';
import type { ChatServer } from '../socketio/socketio-broadcaster.adapter';

/** What the gauges read at each scrape. */
export interface MetricsSources {
  /** Fan-out runs in this process (the in-process log): commit→emit can be timed here. */
  localFanout: boolean;
  /** Entries in this process's room commit queues (sends and changes), waiting or committing. */
  roomQueueDepth(): number;
  /** The message log's consumers: who runs them and their lag. */
  consumers(): Promise<LogConsumerState[]>;
  /** Age of the oldest message committed but not yet in its history store (Cassandra's outbox); absent elsewhere. */
  outboxAgeSeconds?(): Promise<number | null>;
}

/** 1 ms … 10 s: an in-process commit takes a few ms, one waiting for a stalled pool up to its timeout. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A scrape must not hang on a log that is away (Kafka's admin retries for ~13 s). */
const SOURCE_TIMEOUT_MS = 2000;
/** Commits waiting for their emit; past this the oldest are dropped (a fan-out that failed never emits). */
const MAX_AWAITING_EMIT = 10_000;
const ERROR_CODE = /^[A-Z_]{1,32}$/;

/**
 * prom-client metrics for one api runtime, in a Registry of its own (not prom-client's global
 * one), so several runtimes in one process (the specs' nodes) never share or collide.
 * Socket acks are counted by a Socket.IO middleware that wraps each event's ack callback,
 * so every gateway's answers are seen without touching them.
 */
export class PrometheusMetrics implements RuntimeMetrics {
  private readonly registry = new Registry();
  private readonly sent: Counter;
  private readonly acked: Counter;
  private readonly refusals: Counter<'code' | 'transport'>;
  private readonly sendToCommit: Histogram;
  private readonly commitToEmit: Histogram;
  private readonly pushes: Histogram<'status'>;
  /** `roomId:seq` → when it was committed (performance.now()), until fan-out emits it. */
  private readonly awaitingEmit = new Map<string, number>();
  private server: ChatServer | null = null;
  /** One read of the consumers per scrape, shared by the gauges that show it. */
  private consumersRead: { at: number; states: Promise<LogConsumerState[] | undefined> } | null = null;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.sent = new Counter({ name: 'qc_messages_sent_total', help: 'message:send events received', registers });
    this.acked = new Counter({ name: 'qc_messages_acked_total', help: 'message:send events answered ok (committed)', registers });
    this.refusals = new Counter({
      name: 'qc_refusals_total',
      help: 'Error answers by code: REST error envelopes and socket acks with ok: false',
      labelNames: ['code', 'transport'],
      registers,
    });
    this.sendToCommit = new Histogram({
      name: 'qc_send_commit_seconds',
      help: 'From a send reaching the messages service to its commit',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.commitToEmit = new Histogram({
      name: 'qc_commit_emit_seconds',
      help: 'From a sent message’s commit to fan-out emitting it (fan-out in this process only)',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.pushes = new Histogram({
      name: 'qc_push_seconds',
      help: 'Web Push sends by outcome (sent, failed, expired): from the request to the push service’s answer',
      labelNames: ['status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // Gauges read on each scrape; their collect() is called with the gauge as `this`.
    const socketsOpen = () => this.server?.of('/').sockets.size ?? 0;
    const consumerStates = () => this.consumerStates();
    new Gauge({
      name: 'qc_sockets_open',
      help: 'Socket.IO connections this node holds',
      registers,
      collect() {
        this.set(socketsOpen());
      },
    });
    new Gauge({
      name: 'qc_room_queue_depth',
      help: 'Room tasks (sends, changes) waiting or running in this node’s per-room queues',
      registers,
      collect() {
        this.set(sources.roomQueueDepth());
      },
    });
    new Gauge({
      name: 'qc_log_consumer_lag',
      help: 'Records of the message log not yet handled, per consumer (absent where the log cannot count)',
      labelNames: ['consumer'],
      registers,
      async collect() {
        this.reset();
        for (const c of (await consumerStates()) ?? []) if (c.lag !== null) this.set({ consumer: c.consumer }, c.lag);
      },
    });
    new Gauge({
      name: 'qc_log_consumer_members',
      help: 'Processes running each consumer of the message log (0: its effects wait)',
      labelNames: ['consumer'],
      registers,
      async collect() {
        this.reset();
        for (const c of (await consumerStates()) ?? []) this.set({ consumer: c.consumer }, c.members);
      },
    });
    if (sources.outboxAgeSeconds) {
      const outboxAge = sources.outboxAgeSeconds;
      new Gauge({
        name: 'qc_outbox_oldest_age_seconds',
        help: 'Age of the oldest committed message not yet written to Cassandra (0: none waiting)',
        registers,
        async collect() {
          const age = await withTimeout(outboxAge());
          if (age !== undefined) this.set(age ?? 0);
        },
      });
    }
  }

  /** Counts this server's sockets and the acks of every client event (called once, as the server is created). */
  attach(server: ChatServer): void {
    this.server = server;
    // One middleware function for every socket (made here, not per connection): an idle
    // connection should cost no closure of its own.
    const countEvent = (packet: unknown[], next: (err?: Error) => void) => {
      const [event] = packet as [string];
      if (event === 'message:send') this.sent.inc();
      const last = packet.length - 1;
      const ack: unknown = packet[last];
      if (last > 0 && typeof ack === 'function') {
        packet[last] = (...answer: unknown[]) => {
          this.countAck(event, answer[0]);
          (ack as (...a: unknown[]) => void)(...answer);
        };
      }
      next();
    };
    server.on('connection', (socket) => socket.use(countEvent));
  }

  private countAck(event: string, answer: unknown) {
    const a = answer as { ok?: unknown; error?: { code?: unknown } } | null;
    if (a?.ok === true && event === 'message:send') this.acked.inc();
    if (a?.ok === false && typeof a.error?.code === 'string') this.refused(a.error.code, 'socket');
  }

  /** A Web Push's outcome and how long its push service took to answer. */
  pushed(status: 'sent' | 'failed' | 'expired', seconds: number): void {
    this.pushes.observe({ status }, seconds);
  }

  refused(code: string, transport: 'rest' | 'socket'): void {
    // Codes come from our own answers; the check keeps a label's values few whatever happens.
    this.refusals.inc({ code: ERROR_CODE.test(code) ? code : 'OTHER', transport });
  }

  committed(roomId: string, seq: number, seconds: number): void {
    this.sendToCommit.observe(seconds);
    if (!this.sources.localFanout) return;
    if (this.awaitingEmit.size >= MAX_AWAITING_EMIT) this.awaitingEmit.delete(this.awaitingEmit.keys().next().value!);
    this.awaitingEmit.set(`${roomId}:${seq}`, performance.now());
  }

  emitted(roomId: string, seq: number): void {
    const key = `${roomId}:${seq}`;
    const at = this.awaitingEmit.get(key);
    if (at === undefined) return;
    this.awaitingEmit.delete(key);
    this.commitToEmit.observe((performance.now() - at) / 1000);
  }

  private consumerStates(): Promise<LogConsumerState[] | undefined> {
    const now = performance.now();
    if (!this.consumersRead || now - this.consumersRead.at > 1000) {
      this.consumersRead = { at: now, states: withTimeout(this.sources.consumers()) };
    }
    return this.consumersRead.states;
  }

  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}

/** The source's answer, or undefined when it fails or is slow (its gauge then shows nothing this scrape). */
async function withTimeout<T>(p: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), SOURCE_TIMEOUT_MS)))]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
