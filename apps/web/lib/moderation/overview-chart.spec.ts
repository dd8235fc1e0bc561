import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartBars, chartSummary, niceCeiling } from './overview-chart';

test('the chart tops out at a round number at or above the busiest minute', () => {
  assert.deepEqual(
    [0, 3, 5, 6, 10, 11, 19, 20, 21, 49, 50, 51, 99, 100, 101, 1234].map(niceCeiling),
    [5, 5, 5, 10, 10, 20, 20, 20, 50, 50, 50, 100, 100, 100, 200, 2000],
  );
});

test('one bar per minute from the start, each its share of the top', () => {
  const { bars, top } = chartBars('2026-12-03T10:00:00.000Z', [0, 10, 20]);
  assert.equal(top, 20);
  assert.deepEqual(
    bars.map((b) => [b.at.toISOString(), b.count, b.height]),
    [
      ['2026-12-03T10:00:00.000Z', 0, 0],
      ['2026-12-03T10:01:00.000Z', 10, 0.5],
      ['2026-12-03T10:02:00.000Z', 20, 1],
    ],
  );
});

test('what a screen reader hears: the total, the busiest minute, and this minute', () => {
  const time = (d: Date) => d.toISOString().slice(11, 16);
  assert.equal(chartSummary(chartBars('2026-12-03T10:00:00.000Z', [0, 0, 0]).bars, time), 'No messages in the last hour.');
  assert.equal(
    chartSummary(chartBars('2026-12-03T10:00:00.000Z', [2, 7, 1]).bars, time),
    '10 messages in the last hour; busiest minute 10:01 with 7; 1 so far this minute.',
  );
  assert.match(chartSummary(chartBars('2026-12-03T10:00:00.000Z', [1, 0]).bars, time), /^1 message in/);
});
