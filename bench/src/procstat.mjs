// CPU and memory of a process and everything under it, read from /proc (Linux): the product
// is a node process with an embedded PostgreSQL and its backends beneath it.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSec = 100;
try {
  ticksPerSec = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // 100 on every Linux this runs on
}

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    // The children's times count too: a PostgreSQL backend that ends takes its CPU out of the
    // tree, and its parent's cutime/cstime is where that CPU is kept once it is reaped.
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

function rssKiB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional set size: RSS with each shared page split between the processes sharing it.
 * PostgreSQL's backends all map its shared buffers, so their summed RSS counts them many times.
 */
function pssKiB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : rssKiB(pid);
  } catch {
    return rssKiB(pid);
  }
}

/** `root` and its descendants, alive now. */
export function processTree(root) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  const out = [];
  const walk = (pid) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/**
 * CPU seconds so far and resident memory of the tree under `root`, or of the trees under
 * several roots (the distributed profile: api nodes, workers and engines side by side).
 */
export function sample(root) {
  let ticks = 0;
  let rss = 0;
  let pss = 0;
  const pids = new Set([root].flat().flatMap((r) => (r ? processTree(r) : [])));
  for (const pid of pids) {
    const s = stat(pid);
    if (!s) continue;
    ticks += s.ticks;
    rss += rssKiB(pid);
    pss += pssKiB(pid);
  }
  return { at: Date.now(), cpuSec: ticks / ticksPerSec, rssKiB: rss, pssKiB: pss };
}

const mib = (kib) => Math.round(kib / 102.4) / 10;

/** From two samples: % of one core used in between, and the later RSS and PSS (the sum over the tree). */
export function between(a, b) {
  const wall = Math.max(1, b.at - a.at) / 1000;
  return { cpuPct: Math.round(((b.cpuSec - a.cpuSec) / wall) * 1000) / 10, rssMiB: mib(b.rssKiB), pssMiB: mib(b.pssKiB) };
}

/** Busy and total time of the whole machine so far (all cores), from the first line of /proc/stat. */
export function machine() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * % of all the machine's cores busy between two machine() readings. Near 100 the figures are
 * the machine's (the bench, the servers and whatever else runs share its cores), not a target's.
 */
export function machineBusyPct(a, b) {
  const total = b.total - a.total;
  return total > 0 ? Math.round(((b.busy - a.busy) / total) * 1000) / 10 : null;
}
