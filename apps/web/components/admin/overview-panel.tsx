'use client';

import { useCallback, useEffect, useId, useState } from 'react';
import type { AdminOverview, HealthReport } from '@qc/shared';
import { api } from '@/lib/api';
import { chartBars, chartSummary } from '@/lib/moderation/overview-chart';
import { FormError } from '../form-error';

/** How often the overview reads itself again while it is open. */
const REFRESH_MS = 30_000;

const time = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * The dashboard's first page: people online, messages per minute over the last hour, the
 * case queue, and each engine's health and each log consumer's lag (from GET /health, as this
 * node sees them). Read again every 30 seconds and on "Refresh".
 */
export function OverviewPanel({ onOpenCases }: { onOpenCases: () => void }) {
  const id = useId();
  const [overview, setOverview] = useState<AdminOverview | null>(null);
  const [health, setHealth] = useState<HealthReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [o, h] = await Promise.allSettled([api.adminOverview(), api.health()]);
    if (o.status === 'fulfilled') setOverview(o.value);
    if (h.status === 'fulfilled') setHealth(h.value);
    const failed = [o, h].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    setError(failed ? (failed.reason instanceof Error ? failed.reason.message : 'Could not read the overview.') : null);
  }, []);
  useEffect(() => {
    void reload();
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const chart = overview ? chartBars(overview.messagesPerMinute.since, overview.messagesPerMinute.counts) : null;
  const lastHour = overview?.messagesPerMinute.counts.reduce((a, b) => a + b, 0) ?? 0;

  return (
    <section className="admin__panel" aria-labelledby={`${id}-title`}>
      <div className="admin__panel-head">
        <h2 id={`${id}-title`}>Overview</h2>
        <button type="button" className="button button--small" onClick={() => void reload()}>
          Refresh
        </button>
      </div>
      <FormError error={error} />
      <dl className="admin__stats">
        <div className="admin__stat" data-testid="stat-online">
          <dt>Online now</dt>
          <dd>{overview?.online ?? '–'}</dd>
        </div>
        <div className="admin__stat" data-testid="stat-messages">
          <dt>Messages, last hour</dt>
          <dd>{overview ? lastHour : '–'}</dd>
        </div>
        <div className="admin__stat" data-testid="stat-cases">
          <dt>Open cases</dt>
          <dd>
            {overview ? (
              <button type="button" className="admin__stat-link" onClick={onOpenCases}>
                {overview.cases.open + overview.cases.assigned}
                <span className="muted"> ({overview.cases.assigned} assigned)</span>
              </button>
            ) : (
              '–'
            )}
          </dd>
        </div>
      </dl>

      <h3 id={`${id}-chart`}>Messages per minute</h3>
      {chart && (
        <figure className="admin__chart" aria-labelledby={`${id}-chart`}>
          <svg
            viewBox={`0 0 ${chart.bars.length * 10} 100`}
            preserveAspectRatio="none"
            role="img"
            aria-label={chartSummary(chart.bars, time)}
            data-testid="messages-chart"
          >
            {chart.bars.map((b, i) => (
              <rect key={b.at.getTime()} x={i * 10 + 1} y={100 - b.height * 100} width={8} height={b.height * 100} className="admin__bar">
                <title>{`${time(b.at)}: ${b.count}`}</title>
              </rect>
            ))}
          </svg>
          <figcaption className="admin__chart-axis muted">
            <span>{time(chart.bars[0]!.at)}</span>
            <span>top {chart.top} a minute</span>
            <span>now</span>
          </figcaption>
        </figure>
      )}

      <h3>Engines</h3>
      {health && (
        <>
          <p data-testid="health-status">
            This server is <strong className={`admin__health admin__health--${health.status}`}>{health.status}</strong>, up{' '}
            {Math.round(health.uptimeSeconds / 60)} min; its send queues hold {health.queues.commits.depth} of {health.queues.commits.limit}
            .
          </p>
          <div className="admin__table-wrap">
            <table className="admin__table" data-testid="health-checks">
              <thead>
                <tr>
                  <th scope="col">Engine</th>
                  <th scope="col">Status</th>
                  <th scope="col">Answered in</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(health.checks).map(([name, c]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    <td className={`admin__health admin__health--${c.status}`}>{c.status}</td>
                    <td>{c.latencyMs !== undefined ? `${c.latencyMs} ms` : '–'}</td>
                    <td>
                      {c.error ?? (c.pool ? `pool ${c.pool.total - c.pool.idle} busy of ${c.pool.max}, ${c.pool.waiting} waiting` : '')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {Object.keys(health.consumers).length > 0 && (
            <div className="admin__table-wrap">
              <table className="admin__table" data-testid="health-consumers">
                <thead>
                  <tr>
                    <th scope="col">Log consumer</th>
                    <th scope="col">Running</th>
                    <th scope="col">Lag (messages)</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(health.consumers).map(([name, c]) => (
                    <tr key={name}>
                      <th scope="row">{name}</th>
                      <td className={c.members === 0 ? 'admin__health admin__health--down' : undefined}>
                        {c.members === 0 ? 'nobody' : c.members}
                      </td>
                      <td>{c.lag ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
