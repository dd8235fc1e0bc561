/**
 * The dashboard overview's messages-per-minute chart as numbers: bar heights on a scale with
 * a round top, and the sentence a screen reader hears instead of the bars. Kept apart from
 * the component so the arithmetic has tests of its own.
 */

/** The smallest 1, 2 or 5 × 10^n at or above `max` (at least 5): the chart's top line. */
export function niceCeiling(max: number): number {
  if (max <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export interface ChartBar {
  /** The minute's start. */
  at: Date;
  count: number;
  /** 0–1 of the chart's height. */
  height: number;
}

export function chartBars(since: string, counts: readonly number[]): { bars: ChartBar[]; top: number } {
  const start = Date.parse(since);
  const top = niceCeiling(Math.max(0, ...counts));
  return { top, bars: counts.map((count, i) => ({ at: new Date(start + i * 60_000), count, height: count / top })) };
}

/** "312 messages in the last hour; busiest minute 14:05 with 40; 12 so far this minute." */
export function chartSummary(bars: readonly ChartBar[], formatTime: (d: Date) => string): string {
  const total = bars.reduce((n, b) => n + b.count, 0);
  if (total === 0) return 'No messages in the last hour.';
  const busiest = bars.reduce((best, b) => (b.count > best.count ? b : best), bars[0]!);
  const now = bars[bars.length - 1]?.count ?? 0;
  return `${total} message${total === 1 ? '' : 's'} in the last hour; busiest minute ${formatTime(busiest.at)} with ${busiest.count}; ${now} so far this minute.`;
}
