#!/usr/bin/env node
// `npm run bench [-- --quick] [--seed N] [--only product,socketio,ws,mix,overload,storm,idle] [--profile]`:
// the product and the two baselines, one after the other, under the same seeded workloads from
// the same forked load generators: chat mix stepped up, overload at twice saturation, a reconnect
// storm, idle connections (`--only` names the targets and workloads to run, all by default).
// Writes bench/results/<stamp>.{json,md,svg}; exits 1 when any acked message was
// lost, duplicated or out of order, or a target could not be driven.
import { spawn, fork } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  largeRoomCost,
  mergeAcked,
  mergeEncoded,
  newHistogram,
  percentiles,
  perConnectionKiB,
  seqsAckedTwice,
  WireCount,
} from './accounting.mjs';
import { between, machine, machineBusyPct, sample } from './procstat.mjs';
import { parseOnly } from './options.mjs';
import { flameGraphSvg, newestProfile, readProfile, summarise, window } from './profile.mjs';
import { markdown, ratios, svgChart } from './report.mjs';
import { repoRoot, startBaseline, startDistributed, startProduct } from './targets.mjs';
import { baselineIdentities, productIdentities, SIZES, topology } from './workload.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const WANTED_FDS = 262_144;

function flag(name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** `--set users=2000,idle=10000,steps=100/200/400`: sizes other than the quick or full ones. */
function overrides(text) {
  const out = {};
  for (const pair of (text ?? '').split(',').filter(Boolean)) {
    const [key, value] = pair.split('=');
    if (!(key in SIZES.full)) throw new Error(`--set ${key}: not a size (one of ${Object.keys(SIZES.full).join(', ')})`);
    const parsed = key === 'steps' ? value.split('/').map(Number) : Number(value);
    if ([parsed].flat().some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`--set ${key}=${value}: not a number`);
    out[key] = parsed;
  }
  return out;
}

function fdLimit() {
  const m = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\d+|unlimited)/m);
  return m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : null;
}

/** The product's CPU profile, kept, summed up (markdown) and drawn (flame graph SVG) beside the results. */
function writeProfile(profileDir, dir, stamp, say, steps) {
  const file = newestProfile(profileDir);
  if (!file) {
    say(`no CPU profile was written in ${profileDir} (did the product stop cleanly?)`);
    return;
  }
  const profile = readProfile(file);
  copyFileSync(file, path.join(dir, `${stamp}-product.cpuprofile`));
  // The whole run is mostly sign-up, room making and audits; each step's sends are what the chat mix costs.
  const perStep = steps
    .filter((f) => f.sendWindowMs)
    .map(
      (f) =>
        `## During ${f.step} (${f.offeredPerSec} msg/s offered)\n\n${summarise(window(profile, ...f.sendWindowMs), { top: 15, packages: 8 })}`,
    );
  writeFileSync(
    path.join(dir, `${stamp}-profile.md`),
    [`# Where the product's CPU went (${stamp})`, '', '## The whole run', '', summarise(profile), ...perStep].join('\n'),
  );
  writeFileSync(path.join(dir, `${stamp}-flame.svg`), flameGraphSvg(profile, { title: `Quantum Chat api under the bench (${stamp})` }));
  rmSync(profileDir, { recursive: true, force: true });
  say(`profile: ${stamp}-product.cpuprofile, ${stamp}-profile.md, ${stamp}-flame.svg`);
}

async function main() {
  const quick = argv.includes('--quick');
  const size = { ...SIZES[quick ? 'quick' : 'full'], ...overrides(flag('--set')) };
  const seed = Number(flag('--seed') ?? 42);
  const only = parseOnly(flag('--only'));
  const t0 = Date.now();
  const say = (line) => console.log(`[bench +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
  const fds = fdLimit();
  const neededFds = size.idle + size.users + 1000;
  if (fds >= WANTED_FDS) say(`open files: raised to ${fds}`);
  else say(`open files: could not raise the limit past ${fds} (wanted ${WANTED_FDS}); connections beyond it will fail`);
  if (fds < neededFds) {
    // The server holds every connection in one process, so the idle workload cannot pass the
    // limit: it is cut to what fits (the people online and a margin for the database, logs
    // and listeners stay), and the results say so rather than counting refused sockets.
    const fits = Math.max(0, fds - size.users - 1000);
    say(
      `WARNING: ${neededFds} open files are needed for these sizes, the limit is ${fds}: ` +
        `idle connections cut from ${size.idle} to ${fits} (raise the hard limit, as root: ulimit -Hn ${WANTED_FDS})`,
    );
    size.idleAsked = size.idle;
    size.idle = fits;
  }
  const topo = topology(size, seed);
  const outDir = path.resolve(flag('--out') ?? path.join(repoRoot, 'bench/results'));
  // --profile: the product runs under node --cpu-prof; the profile is summed up after the run.
  const profileDir = argv.includes('--profile') ? mkdtempSync(path.join(os.tmpdir(), 'qc-bench-prof-')) : undefined;
  if (profileDir) say(`profiling the product (node --cpu-prof into ${profileDir})`);
  say(`${quick ? 'quick' : 'full'} sizes, seed ${seed}: ${size.users} people, ${topo.rooms.length} rooms, ${size.generators} generators`);
  const large = topo.rooms.filter((r) => r.large);
  say(
    `hybrid fan-out: LARGE_ROOM_MEMBERS=${topo.threshold}; ${large.length} large room(s) of ${large.map((r) => r.members.length).join(', ') || '—'} ` +
      `members, ${topo.openRoomOf.filter((i) => i !== null).length} of whom have it open`,
  );

  const results = {
    meta: {
      startedAt: new Date(t0).toISOString(),
      quick,
      seed,
      sizes: size,
      workloads: only.workloads,
      rooms: topo.rooms.length,
      hybridFanout: {
        largeRoomMembers: topo.threshold,
        largeRooms: large.map((r) => ({ members: r.members.length })),
        openers: topo.openRoomOf.filter((i) => i !== null).length,
      },
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      fdLimit: fds,
    },
    targets: {},
    problems: [],
  };
  for (const kind of only.targets) {
    say(`── ${kind} ──`);
    try {
      results.targets[kind] = await benchTarget(kind, size, topo, seed, say, only.workloads, kind === 'product' ? profileDir : undefined);
    } catch (e) {
      say(`${kind}: ${e.stack ?? e}`);
      results.problems.push(`${kind}: could not be driven: ${e.message}`);
    }
    for (const p of results.targets[kind]?.problems ?? []) results.problems.push(`${kind}: ${p}`);
  }
  results.ratios = ratios(results.targets);
  results.distributedRatios = ratios(results.targets, 'distributed');
  results.meta.seconds = Math.round((Date.now() - t0) / 1000);

  const dir = outDir;
  mkdirSync(dir, { recursive: true });
  const stamp = `${new Date(t0).toISOString().replace(/[:.]/g, '-').slice(0, 19)}${quick ? '-quick' : ''}`;
  const md = markdown(results);
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  writeFileSync(path.join(dir, `${stamp}.svg`), svgChart(results));
  if (profileDir) writeProfile(profileDir, dir, stamp, say, results.targets.product?.steps ?? []);
  console.log(`\n${md}`);
  say(`results: ${path.relative(process.cwd(), dir) || '.'}/${stamp}.{json,md,svg}`);
  if (results.problems.length) {
    console.error(`\nbench: ${results.problems.length} problem(s):\n  ${results.problems.join('\n  ')}`);
    process.exit(1);
  }
  say('0 lost, 0 duplicated, 0 out of order');
  process.exit(0);
}

const q = (v) => (v === null || v === undefined ? '—' : String(v));

/** The generators: child processes each holding a share of the clients, answering numbered commands. */
function startGenerators(n) {
  return Array.from({ length: n }, () => {
    const child = fork(path.join(here, 'generator.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const waiting = new Map();
    let next = 1;
    child.on('message', (m) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) w?.resolve(m.out);
      else w?.reject(new Error(`generator ${child.pid}: ${m.error}`));
    });
    child.on('exit', (code) => {
      for (const [, w] of waiting) w.reject(new Error(`generator ${child.pid} ended (${code})`));
      waiting.clear();
    });
    return {
      pid: child.pid,
      ask(cmd, body = {}) {
        const id = next++;
        return new Promise((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          child.send({ ...body, cmd, id });
        });
      },
      stop: () => child.kill('SIGTERM'),
    };
  });
}

/** What is running now, stopped on Ctrl-C or a CI timeout's SIGTERM so no server outlives the bench. */
const running = new Set();
// Only in the run that does the work: the outer one (before `ulimit`) forwards its signals.
for (const sig of process.env.QC_BENCH_FDS_RAISED ? ['SIGINT', 'SIGTERM'] : []) {
  process.on(sig, async () => {
    console.error(`bench: ${sig}: stopping what it started`);
    await Promise.allSettled([...running].map((stop) => stop()));
    process.exit(1);
  });
}

async function benchTarget(kind, size, topo, seed, say, workloads, profileDir) {
  // The product in either profile: signs people up, has hybrid fan-out.
  const hybrid = kind === 'product' || kind === 'distributed';
  const productEnv = { LARGE_ROOM_MEMBERS: String(topo.threshold) };
  const server =
    kind === 'product'
      ? await startProduct({ say, profileDir, env: productEnv })
      : kind === 'distributed'
        ? await startDistributed({ say, env: productEnv })
        : await startBaseline(kind);
  const gens = startGenerators(size.generators);
  const stopAll = async () => {
    for (const g of gens) g.stop();
    await server.stop();
  };
  running.add(stopAll);
  const out = { steps: [], overload: null, storm: null, connections: null, problems: [] };
  try {
    const ids = hybrid ? await productIdentities(server.url, topo, size.users, seed, say) : baselineIdentities(topo, size.users);
    await ids.refresh?.();
    const target = { kind, url: server.url };
    const clientsOf = gens.map(() => []);
    const largeRoomIds = topo.rooms.flatMap((r, k) => (r.large ? [ids.roomIds[k]] : []));
    for (let i = 0; i < size.users; i++) {
      const rooms = topo.roomsOf[i].map((r) => ids.roomIds[r]);
      const open = topo.openRoomOf[i];
      // Only the product has hybrid fan-out: the baselines push every room to every member.
      const openRoom = hybrid && open !== null ? ids.roomIds[open] : null;
      clientsOf[i % gens.length].push({
        id: i,
        userId: ids.users[i].userId,
        token: ids.users[i].token,
        rooms,
        sendRooms: rooms,
        openRoom,
        pullRooms: hybrid
          ? topo.roomsOf[i].filter((r) => topo.rooms[r].large && ids.roomIds[r] !== openRoom).map((r) => ids.roomIds[r])
          : [],
        storm: topo.storm.has(i),
        // Two api nodes (distributed): every other person on each, so rooms span both.
        url: server.urls?.[i % server.urls.length],
        localAddress: `127.0.0.${2 + (i % size.addresses)}`,
      });
    }
    const before = sample(server.pid);
    const inits = await Promise.all(gens.map((g, i) => g.ask('init', { target, index: i, clients: clientsOf[i], largeRoomIds })));
    const failed = inits.reduce((n, r) => n + r.failed, 0);
    const connectMs = Math.max(...inits.map((r) => r.ms));
    const retried = inits.reduce((n, r) => n + (r.retried ?? 0), 0);
    say(
      `${size.users - failed} of ${size.users} clients connected in ${(connectMs / 1000).toFixed(1)} s` +
        (retried ? ` (${retried} handshakes refused for now and tried again)` : ''),
    );
    if (failed) throw new Error(`${failed} clients could not connect: ${JSON.stringify(inits.map((r) => r.errors))}`);
    const online = between(before, sample(server.pid));
    out.online = {
      users: size.users,
      connectSeconds: Math.round(connectMs / 100) / 10,
      handshakesRetried: retried,
      rssMiB: online.rssMiB,
      pssMiB: online.pssMiB,
    };
    // The distributed profile's engines are busy with no load at all (JVM housekeeping,
    // Cassandra's compactions, Kafka's group coordinator): measured first, so each step's cost
    // per message is what the messages added.
    if (server.parts) {
      const p0 = server.parts.map((p) => sample(p.pids));
      await new Promise((r) => setTimeout(r, size.stepMs));
      out.idleParts = server.parts.map((p, i) => ({ name: p.name, cpuPct: between(p0[i], sample(p.pids)).cpuPct }));
      say(`distributed, no load (${size.stepMs / 1000} s): ${out.idleParts.map((p) => `${p.name} ${p.cpuPct}%`).join(', ')}`);
    }

    let stepNo = 0;
    const runStep = async (name, ratePerSec, durationMs, extra = {}) => {
      const step = `${name}${stepNo++}`;
      const s0 = sample(server.pid);
      const parts0 = server.parts?.map((p) => sample(p.pids));
      const m0 = machine();
      const during = extra.during ? extra.during() : Promise.resolve(null);
      const sent = await Promise.all(
        gens.map((g) =>
          g.ask('send', {
            step,
            ratePerSec: ratePerSec / gens.length,
            durationMs,
            who: extra.who ?? 'all',
            ackTimeoutMs: size.ackTimeoutMs,
            seed: seed + stepNo,
          }),
        ),
      );
      const side = await during;
      const s1 = sample(server.pid);
      const parts1 = server.parts?.map((p) => sample(p.pids));
      const machinePct = machineBusyPct(m0, machine());
      await new Promise((r) => setTimeout(r, size.drainMs));
      const acked = new Map();
      for (const s of sent) mergeAcked(acked, s.acked);
      const ackedObj = Object.fromEntries(acked);
      // A delivery can trail its ack on a busy machine: what is missing after the drain is
      // asked for again, once a second, for up to settleMs, before it counts as lost.
      const settleEnd = Date.now() + size.settleMs;
      let audits;
      for (;;) {
        const last = Date.now() >= settleEnd;
        audits = await Promise.all(gens.map((g) => g.ask('audit', { step, acked: ackedObj, forget: last })));
        if (last) break;
        if (audits.every((a) => a.lost === 0)) {
          await Promise.all(gens.map((g) => g.ask('audit', { step, acked: ackedObj, forget: true })));
          break;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
      const ackHist = newHistogram();
      const recvHist = newHistogram();
      for (const s of sent) mergeEncoded(ackHist, s.ackHist);
      for (const a of audits) mergeEncoded(recvHist, a.receiveHist);
      const sum = (list, k) => list.reduce((n, x) => n + x[k], 0);
      const secs = Math.max(...sent.map((s) => s.sendMs)) / 1000;
      const firstSend = Math.min(...sent.map((s) => s.startedAt));
      const deliverySecs = (Math.max(firstSend, ...audits.map((a) => a.lastDeliveryAt ?? 0)) - firstSend) / 1000;
      const failures = {};
      for (const s of sent) for (const [code, n] of Object.entries(s.failures)) failures[code] = (failures[code] ?? 0) + n;
      const offered = sum(sent, 'offered');
      const figures = {
        step,
        offeredPerSec: ratePerSec,
        offered,
        acked: sum(sent, 'okCount'),
        ackedPerSec: Math.round(sum(sent, 'okCount') / secs),
        // Over the time from the first send to the last delivery: a server that falls behind
        // delivers after the sends have stopped, and that time counts.
        deliveredPerSec: Math.round(sum(audits, 'delivered') / Math.max(secs, deliverySecs)),
        failed: offered - sum(sent, 'okCount'),
        failures,
        answeredWithin1s: offered ? Math.round((sum(sent, 'answeredWithin1s') / offered) * 1000) / 10 : null,
        ack: percentiles(ackHist),
        receive: percentiles(recvHist),
        expectedDeliveries: sum(audits, 'expected'),
        lost: sum(audits, 'lost'),
        duplicated: sum(audits, 'duplicated') + seqsAckedTwice(acked),
        outOfOrder: sum(audits, 'outOfOrder'),
        lostSamples: audits.flatMap((a) => a.lostSamples).slice(0, 5),
        // Hybrid fan-out's large room(s): members without it open fetched by room:sync after room:activity.
        pulled: sum(audits, 'pulled'),
        unannounced: sum(audits, 'unannounced'),
        largeRooms: largeRoomCost(
          audits.reduce((w, a) => w.add(a.large.wire), new WireCount()),
          audits[0]?.large.messages ?? 0,
          sum(
            audits.map((a) => a.large),
            'memberDeliveries',
          ),
        ),
        server: between(s0, s1),
        // Where the sends ran, in ms since the server process started (its CPU profile's clock).
        sendWindowMs: server.spawnedAt ? [firstSend - server.spawnedAt, firstSend - server.spawnedAt + secs * 1000] : undefined,
        // The distributed profile: each engine's share, and its CPU per message acked.
        parts: server.parts ? partsCost(server.parts, parts0, parts1, sum(sent, 'okCount'), out.idleParts) : undefined,
        // What the server grew by since before the clients connected, per online client.
        pssPerOnlineClientKiB: Math.round(((s1.pssKiB - before.pssKiB) / size.users) * 10) / 10,
        generatorCpuPct: sent.map((s) => s.cpuPct),
        generatorSaturated: sent.some((s) => s.cpuPct > 90),
        machineBusyPct: machinePct,
        machineSaturated: machinePct !== null && machinePct > 90,
        side,
      };
      const r = figures.receive;
      say(
        `${step}: offered ${ratePerSec}/s, acked ${figures.ackedPerSec}/s, delivered ${figures.deliveredPerSec}/s, ` +
          `receive p50 ${r.p50} p99 ${r.p99} ms, lost ${figures.lost}, dup ${figures.duplicated}, failed ${figures.failed}, ` +
          (figures.largeRooms
            ? `large room ${figures.largeRooms.emitsPerMessage} emits ${figures.largeRooms.bytesPerMessage} B per message ` +
              `(push to all: ${figures.largeRooms.pushAllEmitsPerMessage}, ${q(figures.largeRooms.pushAllBytesPerMessage)} B), ${figures.pulled} pulled, `
            : '') +
          `server ${figures.server.cpuPct}% CPU ${figures.server.rssMiB} MiB, generators ${figures.generatorCpuPct.join('/')}% CPU` +
          `, machine ${machinePct}% busy` +
          (figures.generatorSaturated ? ' (A GENERATOR WAS SATURATED: these figures measure it, not the server)' : '') +
          (figures.machineSaturated ? ' (THE MACHINE WAS SATURATED: the server shared its cores with the generators and more)' : ''),
      );
      if (figures.lost || figures.duplicated || figures.outOfOrder)
        out.problems.push(
          `${step}: ${figures.lost} lost${figures.unannounced ? ` (${figures.unannounced} of them fetched but never announced by room:activity)` : ''}, ` +
            `${figures.duplicated} duplicated, ${figures.outOfOrder} out of order (e.g. ${JSON.stringify(figures.lostSamples)})`,
        );
      return figures;
    };

    // A warm-up at the first step's rate, audited like a step but not reported as one: the
    // first messages through a freshly started process pay for V8 compiling its hot paths
    // (and, in the distributed profile, the JVMs' JIT), which is start-up, not throughput.
    if (workloads.includes('mix') && size.warmupMs > 0) {
      const w = await runStep('warmup', size.steps[0], size.warmupMs);
      out.warmup = { ackedPerSec: w.ackedPerSec, receive: w.receive, lost: w.lost, duplicated: w.duplicated };
    }

    // Chat mix, stepped up until p99 or loss breaks.
    let saturation = 0;
    for (const rate of workloads.includes('mix') ? size.steps : []) {
      const f = await runStep('mix', rate, size.stepMs);
      out.steps.push(f);
      const broke = f.receive.p99 === null || f.receive.p99 > size.breakP99Ms || f.lost > 0 || f.failed > f.offered * 0.01;
      if (!broke) saturation = Math.max(saturation, f.ackedPerSec);
      if (broke) {
        say(`${kind} broke at ${rate}/s (p99 ${f.receive.p99} ms, ${f.failed} failed, ${f.lost} lost)`);
        break;
      }
    }
    // A target that broke at the first step has no saturation found: the first step's rate
    // stands in for it (the overload's base), and the table says so.
    if (out.steps.length) {
      out.saturationFound = saturation > 0;
      out.saturationPerSec = saturation || out.steps[0].ackedPerSec;
    }

    // Overload: twice saturation.
    if (workloads.includes('overload')) out.overload = await runStep('overload', 2 * out.saturationPerSec, size.overloadMs);

    // Reconnect storm: senders outside the storm keep going while the storm's clients drop and come back.
    if (workloads.includes('storm'))
      out.storm = await runStep('storm', size.stormRate, size.stormMs, {
        who: 'calm',
        during: async () => {
          await new Promise((r) => setTimeout(r, size.stormMs / 4));
          const rs = await Promise.all(gens.map((g) => g.ask('storm', { jitterMaxMs: size.stormJitterMs, deadlineMs: 240_000, seed })));
          const h = newHistogram();
          for (const r of rs) mergeEncoded(h, r.caughtUpHist);
          const side = {
            clients: rs.reduce((n, r) => n + r.clients, 0),
            failed: rs.reduce((n, r) => n + r.failed, 0),
            attempts: rs.reduce((n, r) => n + r.attempts, 0),
            syncRetries: rs.reduce((n, r) => n + r.syncRetries, 0),
            synced: rs.reduce((n, r) => n + r.synced, 0),
            caughtUp: percentiles(h),
            generatorCpuPct: rs.map((r) => r.cpuPct),
          };
          say(
            `storm: ${side.clients} dropped, caught up p50 ${side.caughtUp.p50} p99 ${side.caughtUp.p99} ms, ${side.failed} failed, ${side.synced} messages by room:sync`,
          );
          if (side.failed) out.problems.push(`storm: ${side.failed} clients did not reconnect and catch up`);
          return side;
        },
      });

    // Idle connections: opened on top of the online users, held, closed.
    if (workloads.includes('idle')) out.connections = await idleConnections(gens, server, size, say);
  } finally {
    running.delete(stopAll);
    await stopAll();
  }
  return out;
}

/**
 * Per part of the distributed profile between two samples: % of one core, CPU ms per message
 * acked above what the part burns with no load (what a fleet's capacity is projected from: a
 * core of that engine serves about 1000 / ms messages a second), and its memory.
 */
function partsCost(parts, before, after, acked, idle = []) {
  return parts.map((p, i) => {
    const { cpuPct, rssMiB } = between(before[i], after[i]);
    const wallSec = Math.max(1, after[i].at - before[i].at) / 1000;
    const idlePct = idle[i]?.cpuPct ?? 0;
    const addedSec = Math.max(0, after[i].cpuSec - before[i].cpuSec - (idlePct / 100) * wallSec);
    return { name: p.name, cpuPct, idlePct, rssMiB, cpuMsPerMessage: acked ? Math.round((addedSec / acked) * 1e5) / 100 : null };
  });
}

/** `size.idle` more authenticated connections on the people's tokens, held `holdMs`, closed; RSS and PSS grown per connection. */
async function idleConnections(gens, server, size, say) {
  const i0 = sample(server.pid);
  const opened = await Promise.all(gens.map((g) => g.ask('openIdle', { count: Math.ceil(size.idle / gens.length) })));
  const i1 = sample(server.pid);
  await new Promise((r) => setTimeout(r, size.holdMs));
  const i2 = sample(server.pid);
  const n = opened.reduce((k, r) => k + r.opened, 0);
  const openMs = Math.max(...opened.map((r) => r.ms));
  const c = {
    asked: size.idle,
    opened: n,
    failed: opened.reduce((k, r) => k + r.failed, 0),
    errors: opened.map((r) => r.errors),
    openedPerSec: Math.round(n / (openMs / 1000)),
    rssBeforeMiB: Math.round(i0.rssKiB / 102.4) / 10,
    rssHeldMiB: Math.round(i2.rssKiB / 102.4) / 10,
    rssPerConnKiB: perConnectionKiB(i2.rssKiB - i0.rssKiB, n),
    pssPerConnKiB: perConnectionKiB(i2.pssKiB - i0.pssKiB, n),
    serverCpuWhileOpeningPct: between(i0, i1).cpuPct,
    serverCpuWhileHeldPct: between(i1, i2).cpuPct,
    generatorCpuPct: opened.map((r) => r.cpuPct),
  };
  say(
    `connections: ${n} idle opened at ${c.openedPerSec}/s, ${c.rssPerConnKiB ?? 'no measurable'} KiB each` +
      `${c.rssPerConnKiB === null ? ' (memory did not grow: garbage collection outweighed them; use more connections)' : ''}, ${c.failed} failed`,
  );
  await Promise.all(gens.map((g) => g.ask('closeIdle')));
  return c;
}

// Raise the open-file limit by re-running under `ulimit -n` (the servers and generators this
// process starts inherit it). Once only: the environment marks the second run.
if (!process.env.QC_BENCH_FDS_RAISED) {
  const child = spawn(
    'sh',
    [
      '-c',
      `ulimit -n ${WANTED_FDS} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`,
      process.execPath,
      fileURLToPath(import.meta.url),
      ...argv,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, QC_BENCH_FDS_RAISED: '1' },
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  await main().catch((e) => {
    console.error(`bench: ${e.message}`);
    process.exit(2);
  });
}
