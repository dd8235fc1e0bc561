// A run's figures as ratios, a markdown table and an SVG chart (drawn here from the numbers:
// a few lines and labels need no charting library).
import { ratio } from './accounting.mjs';

const BASELINES = ['socketio', 'ws'];
const NAMES = { product: 'product', distributed: 'product, distributed', socketio: 'plain Socket.IO', ws: 'raw ws' };

/**
 * The product's figures over each baseline's: per chat-mix step at the same offered rate
 * (delivered/s, ack and receive p50/p99, server CPU), saturation, overload and RSS per connection.
 * Above 1 is "the product has more": good for throughput, bad for latency, CPU and memory.
 */
export function ratios(targets, of = 'product') {
  const p = targets[of];
  const out = {};
  if (!p) return out;
  for (const b of BASELINES) {
    const base = targets[b];
    if (!base) continue;
    const steps = p.steps
      .map((s) => {
        const o = base.steps.find((x) => x.offeredPerSec === s.offeredPerSec);
        if (!o) return null;
        return {
          offeredPerSec: s.offeredPerSec,
          deliveredPerSec: ratio(s.deliveredPerSec, o.deliveredPerSec),
          ackP50: ratio(s.ack.p50, o.ack.p50),
          ackP99: ratio(s.ack.p99, o.ack.p99),
          receiveP50: ratio(s.receive.p50, o.receive.p50),
          receiveP99: ratio(s.receive.p99, o.receive.p99),
          serverCpu: ratio(s.server.cpuPct, o.server.cpuPct),
          serverRss: ratio(s.server.rssMiB, o.server.rssMiB),
          serverPss: ratio(s.server.pssMiB, o.server.pssMiB),
        };
      })
      .filter(Boolean);
    out[b] = {
      steps,
      saturation: ratio(p.saturationPerSec, base.saturationPerSec),
      overloadReceiveP99: ratio(p.overload?.receive.p99, base.overload?.receive.p99),
      overloadAnsweredWithin1s: ratio(p.overload?.answeredWithin1s, base.overload?.answeredWithin1s),
      stormCaughtUpP99: ratio(p.storm?.side?.caughtUp.p99, base.storm?.side?.caughtUp.p99),
      rssPerConn: ratio(p.connections?.rssPerConnKiB, base.connections?.rssPerConnKiB),
      openedPerSec: ratio(p.connections?.openedPerSec, base.connections?.openedPerSec),
    };
  }
  return out;
}

const q = (v) => (v === null || v === undefined ? '—' : String(v));
const lat = (h) => `${q(h.p50)} / ${q(h.p95)} / ${q(h.p99)} / ${q(h.max)}`;
const row = (cells) => `| ${cells.join(' | ')} |`;

export function markdown(results) {
  const { meta, targets } = results;
  const lines = [];
  lines.push(`# Bench ${meta.quick ? '(quick)' : '(full)'} — ${meta.startedAt}`);
  lines.push('');
  lines.push(
    `Seed ${meta.seed}; ${meta.sizes.users} online people in ${meta.rooms} rooms (groups of ${meta.sizes.groupSize}, ` +
      `${meta.sizes.dmsPerUser} DMs each, ${meta.sizes.channels} channel(s) of ${meta.sizes.channelSize}); ` +
      `${meta.sizes.generators} generator processes; ${meta.machine.cpus} cores (${meta.machine.model}), node ${meta.machine.node}; ` +
      `open files ${meta.fdLimit}; ${meta.seconds} s. Latencies in ms: p50 / p95 / p99 / max.`,
  );
  lines.push('');
  lines.push('## Chat mix, stepped up');
  lines.push('');
  lines.push(
    row([
      'target',
      'offered/s',
      'acked/s',
      'delivered/s',
      'send→ack',
      'send→receive',
      'lost',
      'dup',
      'out of order',
      'failed',
      'server CPU %',
      'server RSS (PSS) MiB',
      'PSS per person online KiB',
      'generators CPU %',
      'machine busy %',
    ]),
  );
  lines.push(row(Array(15).fill('---')));
  for (const [kind, t] of Object.entries(targets)) {
    for (const s of t.steps) {
      lines.push(
        row([
          NAMES[kind],
          s.offeredPerSec,
          s.ackedPerSec,
          s.deliveredPerSec,
          lat(s.ack),
          lat(s.receive),
          s.lost,
          s.duplicated,
          s.outOfOrder,
          s.failed,
          s.server.cpuPct,
          `${s.server.rssMiB} (${q(s.server.pssMiB)})`,
          q(s.pssPerOnlineClientKiB),
          s.generatorCpuPct.join(', ') + (s.generatorSaturated ? ' ⚠ saturated' : ''),
          q(s.machineBusyPct) + (s.machineSaturated ? ' ⚠ saturated' : ''),
        ]),
      );
    }
  }
  lines.push('');
  lines.push('## Overload (twice the saturation rate), reconnect storm, idle connections');
  lines.push('');
  lines.push(
    row([
      'target',
      'saturation acked/s',
      'overload offered/s',
      'answered ≤ 1 s %',
      'overload send→receive',
      'overload lost / dup',
      'storm clients',
      'storm drop→caught up',
      'storm lost / dup',
      'idle conns',
      'opened/s',
      'RSS (PSS) per idle conn KiB',
    ]),
  );
  lines.push(row(Array(12).fill('---')));
  for (const [kind, t] of Object.entries(targets)) {
    const o = t.overload;
    const s = t.storm;
    const c = t.connections;
    lines.push(
      row([
        NAMES[kind],
        t.saturationFound === false ? `${t.saturationPerSec} (broke at the first step)` : q(t.saturationPerSec),
        q(o?.offeredPerSec),
        q(o?.answeredWithin1s),
        o ? lat(o.receive) : '—',
        o ? `${o.lost} / ${o.duplicated}` : '—',
        q(s?.side?.clients),
        s?.side ? lat(s.side.caughtUp) : '—',
        s ? `${s.lost} / ${s.duplicated}` : '—',
        c
          ? `${c.opened} of ${c.asked}${meta.sizes.idleAsked ? ` (${meta.sizes.idleAsked} wanted; the open-file limit is ${meta.fdLimit})` : ''}`
          : '—',
        q(c?.openedPerSec),
        c ? `${q(c.rssPerConnKiB)} (${q(c.pssPerConnKiB)})` : '—',
      ]),
    );
  }
  const hf = meta.hybridFanout;
  if (hf?.largeRooms?.length) {
    lines.push('');
    lines.push('## Large room: hybrid fan-out');
    lines.push('');
    lines.push(
      `LARGE_ROOM_MEMBERS=${hf.largeRoomMembers}; ${hf.largeRooms.length} large room(s) of ${hf.largeRooms.map((r) => r.members).join(', ')} members, ` +
        `${hf.openers} of whom have it open. The product pushes a large room's messages only to the sockets that have it open ` +
        `and to the author's; the other members get a coalesced \`room:activity\` and fetch by \`room:sync\` (here at each ` +
        `audit, as if they opened the room then; a message only counts as received if a room:activity announced it). The ` +
        `baselines push every message to every member. Per message acked in the large room(s): the emits and bytes sent to ` +
        `members' sockets, against pushing it to every online member; the catch-up by room:sync is counted apart.`,
    );
    lines.push('');
    lines.push(
      row([
        'target',
        'step',
        'messages',
        'emits / msg',
        'bytes / msg',
        'push to all: emits / msg',
        'push to all: bytes / msg',
        'bytes saved',
        'pushed live',
        'room:activity',
        'pulled by room:sync: msgs in answers, KiB',
      ]),
    );
    lines.push(row(Array(11).fill('---')));
    for (const [kind, t] of Object.entries(targets)) {
      for (const s of [...t.steps, ...(t.overload ? [t.overload] : []), ...(t.storm ? [t.storm] : [])]) {
        const c = s.largeRooms;
        if (!c) continue;
        lines.push(
          row([
            NAMES[kind],
            s.step,
            c.messages,
            c.emitsPerMessage,
            c.bytesPerMessage,
            c.pushAllEmitsPerMessage,
            q(c.pushAllBytesPerMessage),
            c.bytesSaved === null ? '—' : `${Math.round(c.bytesSaved * 1000) / 10} %`,
            c.wire.live,
            c.wire.activity,
            `${c.wire.pulled} in ${c.wire.syncs}, ${Math.round(c.wire.pulledBytes / 102.4) / 10}`,
          ]),
        );
      }
    }
  }
  const costs = targets.distributed ? engineCosts(targets.distributed) : [];
  if (costs.length) {
    lines.push('');
    lines.push('## Distributed profile: what each part costs per message');
    lines.push('');
    lines.push(
      "Per step, every part's CPU (% of one core) and its CPU milliseconds per message acked above what it burns with no " +
        'load (measured first, in the "no load" row): a core of that part serves about 1000 ÷ ms messages a second, so a ' +
        "fleet's size can be projected from these. All parts share this 2-core machine with the load generators, so near " +
        'saturation they also wait for a core.',
    );
    lines.push('');
    const names = costs[0].parts.map((p) => p.name);
    lines.push(row(['step', 'acked/s', ...names.map((n) => `${n} % / ms per msg`), 'all: ms per msg']));
    lines.push(row(Array(names.length + 3).fill('---')));
    const idle = targets.distributed.idleParts;
    if (idle) lines.push(row(['no load', 0, ...idle.map((p) => `${p.cpuPct} / —`), '—']));
    for (const c of costs) {
      const total = c.parts.reduce((n, p) => n + (p.cpuMsPerMessage ?? 0), 0);
      lines.push(
        row([c.step, c.ackedPerSec, ...c.parts.map((p) => `${p.cpuPct} / ${q(p.cpuMsPerMessage)}`), Math.round(total * 100) / 100]),
      );
    }
  }
  const ratioSections = [
    ...Object.entries(results.ratios ?? {}).map(([b, r]) => ['Product', b, r]),
    ...Object.entries(results.distributedRatios ?? {}).map(([b, r]) => ['Distributed profile', b, r]),
  ];
  for (const [who, b, r] of ratioSections) {
    lines.push('');
    lines.push(`## ${who} ÷ ${NAMES[b]}`);
    lines.push('');
    lines.push(
      `Saturation ${q(r.saturation)}×; overload answered ≤ 1 s ${q(r.overloadAnsweredWithin1s)}×, its p99 ${q(r.overloadReceiveP99)}×; ` +
        `storm catch-up p99 ${q(r.stormCaughtUpP99)}×; RSS per idle connection ${q(r.rssPerConn)}×, connections opened per second ${q(r.openedPerSec)}×.`,
    );
    lines.push('');
    lines.push(
      row(['offered/s', 'delivered/s', 'ack p50', 'ack p99', 'receive p50', 'receive p99', 'server CPU', 'server RSS', 'server PSS']),
    );
    lines.push(row(Array(9).fill('---')));
    for (const s of r.steps)
      lines.push(
        row(
          [s.offeredPerSec, s.deliveredPerSec, s.ackP50, s.ackP99, s.receiveP50, s.receiveP99, s.serverCpu, s.serverRss, s.serverPss].map(
            q,
          ),
        ),
      );
  }
  if (results.problems.length) {
    lines.push('');
    lines.push('## Problems');
    lines.push('');
    for (const p of results.problems) lines.push(`- ${p}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The distributed target's steps that carry a per-part breakdown. */
function engineCosts(t) {
  return [...t.steps, ...(t.overload ? [t.overload] : []), ...(t.storm ? [t.storm] : [])]
    .filter((s) => s.parts?.length)
    .map((s) => ({ step: s.step, ackedPerSec: s.ackedPerSec, parts: s.parts }));
}

const COLORS = { product: '#d62728', distributed: '#9467bd', socketio: '#1f77b4', ws: '#2ca02c' };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Latency p50 (dashed) and p99 (solid) of send→receive against offered msg/s, log-log, one
 * colour per target: the chat-mix steps and the overload run (twice saturation) as the last point.
 */
export function svgChart(results) {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 170, t: 40, b: 50 };
  const series = [];
  for (const [kind, t] of Object.entries(results.targets)) {
    for (const pct of ['p50', 'p99']) {
      const pts = [...t.steps, ...(t.overload ? [t.overload] : [])]
        .filter((s) => s.receive[pct] !== null)
        .map((s) => [s.offeredPerSec, s.receive[pct]])
        .sort((a, b) => a[0] - b[0]);
      if (pts.length) series.push({ kind, pct, pts });
    }
  }
  const xs = series.flatMap((s) => s.pts.map((p) => p[0]));
  const ys = series.flatMap((s) => s.pts.map((p) => p[1]));
  const x0 = Math.log10(Math.min(...xs, 100) / 1.25);
  const x1 = Math.log10(Math.max(...xs, 10) * 1.15);
  const y0 = Math.floor(Math.log10(Math.max(0.01, Math.min(...ys, 1))));
  const y1 = Math.ceil(Math.log10(Math.max(...ys, 10)));
  const X = (v) => m.l + ((Math.log10(v) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (v) => H - m.b - ((Math.log10(Math.max(v, 10 ** y0)) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2 - 80}" y="20" font-size="14">send→receive latency against offered load</text>`);
  for (let e = y0; e <= y1; e++) {
    const y = Y(10 ** e);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)} ms</text>`);
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const v of ticks) {
    out.push(`<line x1="${X(v)}" x2="${X(v)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
    out.push(`<text x="${X(v)}" y="${H - m.b + 16}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<text x="${(W - m.r + m.l) / 2}" y="${H - 12}" text-anchor="middle">offered messages per second (log)</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  series.forEach((s, i) => {
    const d = s.pts.map((p, k) => `${k ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' ');
    const dash = s.pct === 'p50' ? ' stroke-dasharray="5,4"' : '';
    out.push(`<path d="${d}" fill="none" stroke="${COLORS[s.kind] ?? '#000'}" stroke-width="2"${dash}/>`);
    for (const p of s.pts)
      out.push(`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3" fill="${COLORS[s.kind] ?? '#000'}"/>`);
    const ly = m.t + 10 + i * 18;
    out.push(
      `<line x1="${W - m.r + 12}" x2="${W - m.r + 40}" y1="${ly}" y2="${ly}" stroke="${COLORS[s.kind] ?? '#000'}" stroke-width="2"${dash}/>`,
    );
    out.push(`<text x="${W - m.r + 46}" y="${ly + 4}">${esc(NAMES[s.kind] ?? s.kind)} ${s.pct}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
