import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogConsumerState } from '../../ports/message-log.port';
import { PrometheusMetrics, type MetricsSources } from './prometheus-metrics.adapter';

const sources = (over: Partial<MetricsSources> = {}): MetricsSources => ({
  localFanout: true,
  roomQueueDepth: () => 0,
  consumers: async () => [],
  ...over,
});

/** A sample's value in the text exposition, or undefined when there is none. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

test('commit→emit is timed for records this process committed, each once', async () => {
  const m = new PrometheusMetrics(sources());
  m.committed('r1', 1, 0.004);
  m.emitted('r1', 1);
  m.emitted('r1', 1); // a redelivery: no second sample
  m.emitted('r2', 7); // an edit's record, or one committed elsewhere: not a send of ours
  const { text } = await m.scrape();
  assert.equal(sample(text, 'qc_send_commit_seconds_count'), 1);
  assert.equal(sample(text, 'qc_send_commit_seconds_sum'), 0.004);
  assert.equal(sample(text, 'qc_commit_emit_seconds_count'), 1);
});

test('with fan-out in another process (Kafka) commits are not kept waiting for an emit', async () => {
  const m = new PrometheusMetrics(sources({ localFanout: false }));
  m.committed('r1', 1, 0.01);
  m.emitted('r1', 1);
  const { text } = await m.scrape();
  assert.equal(sample(text, 'qc_send_commit_seconds_count'), 1);
  assert.equal(sample(text, 'qc_commit_emit_seconds_count'), 0);
});

test('refusal codes become labels only when they look like our codes', async () => {
  const m = new PrometheusMetrics(sources());
  m.refused('RATE_LIMITED', 'socket');
  m.refused('RATE_LIMITED', 'socket');
  m.refused('<script>', 'rest');
  const { text } = await m.scrape();
  assert.equal(sample(text, 'qc_refusals_total{code="RATE_LIMITED",transport="socket"}'), 2);
  assert.equal(sample(text, 'qc_refusals_total{code="OTHER",transport="rest"}'), 1);
});

test('gauges read their sources at scrape time; a lag the log cannot count is left out', async () => {
  let depth = 3;
  const states: LogConsumerState[] = [
    { consumer: 'fanout', members: 2, lag: 5 },
    { consumer: 'indexer', members: 0, lag: null },
  ];
  const m = new PrometheusMetrics(
    sources({ roomQueueDepth: () => depth, consumers: async () => states, outboxAgeSeconds: async () => 12.5 }),
  );
  let { text } = await m.scrape();
  assert.equal(sample(text, 'qc_room_queue_depth'), 3);
  assert.equal(sample(text, 'qc_sockets_open'), 0);
  assert.equal(sample(text, 'qc_log_consumer_lag{consumer="fanout"}'), 5);
  assert.equal(sample(text, 'qc_log_consumer_lag{consumer="indexer"}'), undefined);
  assert.equal(sample(text, 'qc_log_consumer_members{consumer="indexer"}'), 0);
  assert.equal(sample(text, 'qc_outbox_oldest_age_seconds'), 12.5);
  depth = 0;
  ({ text } = await m.scrape());
  assert.equal(sample(text, 'qc_room_queue_depth'), 0);
});

test('a consumer source that fails leaves its gauges empty and the scrape still answers', async () => {
  const m = new PrometheusMetrics(sources({ consumers: () => Promise.reject(new Error('Kafka away')) }));
  const { text } = await m.scrape();
  assert.match(text, /^# TYPE qc_log_consumer_lag gauge$/m);
  assert.doesNotMatch(text, /^qc_log_consumer_lag\{/m);
  assert.doesNotMatch(text, /qc_outbox_oldest_age_seconds/, 'no outbox, no gauge');
});

test('two runtimes in one process keep their own registries', async () => {
  const [a, b] = [new PrometheusMetrics(sources()), new PrometheusMetrics(sources())];
  a.refused('FORBIDDEN', 'rest');
  assert.equal(sample((await a.scrape()).text, 'qc_refusals_total{code="FORBIDDEN",transport="rest"}'), 1);
  assert.equal(sample((await b.scrape()).text, 'qc_refusals_total{code="FORBIDDEN",transport="rest"}'), undefined);
});
