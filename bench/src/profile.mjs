// `npm run bench -- --profile`: the product runs under `node --cpu-prof`; its V8 CPU profile
// (open the .cpuprofile in Chrome DevTools or speedscope.app) is summed up here into where the
// time went (a markdown table by function and by package) and drawn as a flame graph (SVG).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The newest .cpuprofile in `dir`, or null. */
export function newestProfile(dir) {
  let best = null;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.cpuprofile')) continue;
    const p = path.join(dir, f);
    const at = statSync(p).mtimeMs;
    if (!best || at > best.at) best = { p, at };
  }
  return best?.p ?? null;
}

/** Which package a frame's code belongs to: ours by workspace, else the node_modules package, else node's own. */
export function packageOf(url) {
  if (!url) return '(native or V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ours = url.match(/\/(packages|apps)\/([^/]+)\//);
  if (ours) return `@qc/${ours[2]}`;
  if (url.startsWith('node:')) return 'node (core)';
  return path.basename(url);
}

const label = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url ? `${path.basename(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();

/**
 * The profile as a tree of sampled time: each node's self and total microseconds, from the
 * samples and their time deltas (V8 writes the sampled node per tick, not per node).
 */
export function analyse(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, { ...n, selfUs: 0, totalUs: 0, kids: [] }]));
  for (const n of byId.values()) for (const c of n.children ?? []) byId.get(c).parent = n;
  for (const n of byId.values()) n.kids = (n.children ?? []).map((c) => byId.get(c));
  const { samples = [], timeDeltas = [] } = profile;
  for (let i = 0; i < samples.length; i++) {
    const n = byId.get(samples[i]);
    if (n) n.selfUs += Math.max(0, timeDeltas[i] ?? 0);
  }
  const root = byId.get(profile.nodes[0].id);
  const total = (n) => (n.totalUs = n.selfUs + n.kids.reduce((s, k) => s + total(k), 0));
  total(root);
  return { root, nodes: [...byId.values()] };
}

/**
 * The part of a profile sampled between `fromMs` and `toMs` after it started: the same call
 * tree, with only that time's samples (the first sample's delta counts from the profile's start).
 */
export function window(profile, fromMs, toMs) {
  const samples = [];
  const timeDeltas = [];
  let at = 0;
  const { samples: all = [], timeDeltas: deltas = [] } = profile;
  for (let i = 0; i < all.length; i++) {
    at += (deltas[i] ?? 0) / 1000;
    if (at < fromMs || at > toMs) continue;
    samples.push(all[i]);
    timeDeltas.push(deltas[i] ?? 0);
  }
  return { ...profile, samples, timeDeltas };
}

/** Markdown: busy time (not idle), the top functions by self time, and time by package. */
export function summarise(profile, { top = 25, packages = 20 } = {}) {
  const { root, nodes } = analyse(profile);
  const idle = nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + n.selfUs, 0);
  const busy = root.totalUs - idle;
  const pct = (us) => ((100 * us) / Math.max(1, busy)).toFixed(1);
  const fns = new Map();
  const pkgs = new Map();
  for (const n of nodes) {
    if (n.callFrame.functionName === '(idle)' || n.selfUs === 0) continue;
    const key = label(n.callFrame);
    fns.set(key, (fns.get(key) ?? 0) + n.selfUs);
    const pkg = ['(garbage collector)', '(program)'].includes(n.callFrame.functionName)
      ? n.callFrame.functionName
      : packageOf(n.callFrame.url);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + n.selfUs);
  }
  const rows = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `| ${k.replace(/\|/g, '\\|')} | ${(us / 1000).toFixed(0)} | ${pct(us)} |`)
      .join('\n');
  return [
    `Sampled ${(root.totalUs / 1e6).toFixed(1)} s, of which busy ${(busy / 1e6).toFixed(1)} s (idle ${(idle / 1e6).toFixed(1)} s). Shares are of busy time.`,
    '',
    '### By package (self time)',
    '',
    '| package | ms | % busy |',
    '| --- | --- | --- |',
    rows(pkgs, packages),
    '',
    `### Top ${top} functions (self time)`,
    '',
    '| function | ms | % busy |',
    '| --- | --- | --- |',
    rows(fns, top),
    '',
  ].join('\n');
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A flame graph (root at the bottom, width = total time, idle left out), as a standalone SVG. */
export function flameGraphSvg(profile, { width = 1600, rowPx = 16, minPx = 0.5, title = 'CPU flame graph' } = {}) {
  const { root } = analyse(profile);
  const busyKids = root.kids.filter((k) => k.callFrame.functionName !== '(idle)');
  const busy = busyKids.reduce((s, k) => s + k.totalUs, 0) || 1;
  const scale = width / busy;
  const rects = [];
  let depthMax = 0;
  const walk = (n, x, depth) => {
    const w = n.totalUs * scale;
    if (w < minPx) return;
    depthMax = Math.max(depthMax, depth);
    rects.push({ n, x, w, depth });
    let cx = x;
    for (const k of [...n.kids].sort((a, b) => label(a.callFrame).localeCompare(label(b.callFrame)))) {
      walk(k, cx, depth + 1);
      cx += k.totalUs * scale;
    }
  };
  let x = 0;
  for (const k of busyKids) {
    walk(k, x, 0);
    x += k.totalUs * scale;
  }
  const height = (depthMax + 2) * rowPx + 24;
  const hue = (pkg) => {
    let h = 0;
    for (const c of pkg) h = (h * 31 + c.charCodeAt(0)) % 360;
    return pkg.startsWith('@qc/') ? 20 + (h % 30) : 180 + (h % 120);
  };
  const body = rects
    .map(({ n, x: rx, w, depth }) => {
      const y = height - (depth + 2) * rowPx;
      const pkg = packageOf(n.callFrame.url);
      const name = label(n.callFrame);
      const tip = `${name} [${pkg}] ${(n.totalUs / 1000).toFixed(1)} ms (${((100 * n.totalUs) / busy).toFixed(1)} %)`;
      const text =
        w > 40
          ? `<text x="${(rx + 3).toFixed(1)}" y="${y + rowPx - 4}" font-size="11">${esc(name.slice(0, Math.floor(w / 6.5)))}</text>`
          : '';
      return `<g><title>${esc(tip)}</title><rect x="${rx.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${rowPx - 1}" fill="hsl(${hue(pkg)},70%,65%)"/>${text}</g>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace">
<text x="4" y="16" font-size="13">${esc(title)} (busy time only; warm colours are Quantum Chat's own code, hover for figures)</text>
${body}
</svg>
`;
}

export function readProfile(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}
