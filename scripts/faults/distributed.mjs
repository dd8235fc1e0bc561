// Scenarios `redis` and `kafka`: the distributed profile's Redis, and its Kafka broker,
// killed and started again while people send. Both are this suite's own, on free ports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../launcher-testkit.mjs';
import { clusterSupport, health, LOAD_LIMITS, people, run, say, senders, underLoad, watchLive } from '../lib/fault-scenario-kit.mjs';

export async function redisRestart() {
  const { ApiNode, startSharedEngines } = await clusterSupport();
  say('starting a PostgreSQL, a private redis-server and two api nodes sharing them');
  const engines = await startSharedEngines();
  const env = { ...engines.env, ...LOAD_LIMITS };
  const nodes = [];
  let list = [];
  try {
    nodes.push(...(await Promise.all([ApiNode.start('api-a', env), ApiNode.start('api-b', env)])));
    say(`api nodes on ${nodes.map((n) => n.port).join(' and ')}, Redis on ${engines.redis.port}; 8 people in 2 rooms, on both nodes`);
    list = await senders(
      nodes.map((n) => n.base),
      await people(nodes[0].base, 8, 'redis'),
      4,
      'r',
    );
    // r1 is on api-b; r0, in its room, sends through api-a.
    const liveResumed = watchLive(list[1], list[0], 'from api-a to api-b through Redis');
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        await engines.redis.kill();
        say('Redis killed (SIGKILL); sending on for 3 s without it');
        await sleep(3000);
        await engines.redis.up();
        say('redis-server started again on the same port');
      },
      afterLoad: (problems) => liveResumed(problems),
    });
    for (const n of nodes) if (!n.alive) totals.problems.push(`${n.name} died:\n${n.log}`);
    const h = await health(nodes[1].base);
    if (h.status !== 200) totals.problems.push(`GET /health on api-b after Redis came back: ${h.status || h.why}`);
    return totals;
  } finally {
    for (const s of list) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await engines.stop();
  }
}

/**
 * A Kafka of this suite's own, in a folder and on ports of its own, so it may be killed and
 * restarted without touching one somebody else (npm test, another checkout) is using. It
 * boots in the background from the suite's start (a JVM takes a while); the scenario waits.
 */
export async function startPrivateKafka() {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-faults-engines-'));
  process.env.QC_ENGINES_DIR = dir;
  process.env.KAFKA_PORT = String(await freePort());
  process.env.KAFKA_CONTROLLER_PORT = String(await freePort());
  const engines = await import('../engines.mjs');
  const lines = [];
  const ready = engines.up(['kafka'], { log: (line) => lines.push(line) });
  ready.catch(() => undefined); // awaited by the scenario, which reports the failure
  let stopped = null;
  return {
    engines,
    port: process.env.KAFKA_PORT,
    lines,
    ready,
    stop: () =>
      (stopped ??= engines
        .down(['kafka'], { log: () => undefined })
        .catch((e) => say(`could not stop the private Kafka: ${e.message}`))
        .finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
}
/** `kafka` is the handle startPrivateKafka gave (the runner starts it early). */
export async function kafkaRestart(kafka) {
  const { ApiNode, startSharedEngines } = await clusterSupport();
  const { engines } = kafka;
  const log = (line) => say(line);
  let shared = null;
  const nodes = [];
  let list = [];
  try {
    say(`waiting for the private Kafka on ${kafka.port} (KRaft, from ~/.m2; started with the suite)`);
    await kafka.ready.finally(() => kafka.lines.forEach(log));
    shared = await startSharedEngines();
    const env = {
      ...shared.env,
      KAFKA_BROKERS: `127.0.0.1:${kafka.port}`,
      KAFKA_TOPIC: `faults.chat.${run}`,
      KAFKA_TOPIC_PARTITIONS: '2',
      ...LOAD_LIMITS,
    };
    say('starting an api node and an apps/workers process (fan-out) on Kafka, Redis and PostgreSQL');
    nodes.push(
      ...(await Promise.all([ApiNode.start('api', env), ApiNode.startWorkers('workers', { ...env, WORKERS_CONSUMERS: 'fanout' })])),
    );
    const api = nodes[0];
    list = await senders([api.base], await people(api.base, 8, 'kafka'), 4, 'q');
    const liveResumed = watchLive(list[1], list[0], 'through Kafka and the workers');
    let restartMs = 0;
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        restartMs = await engines.restart('kafka', {
          log,
          signal: 'SIGKILL',
          whileDown: async () => {
            say('Kafka killed (SIGKILL); sending on for 3 s without it');
            await sleep(3000);
          },
        });
      },
      recoverMs: 120_000,
      afterLoad: (problems) => liveResumed(problems),
    });
    say(`the broker was back in ${(restartMs / 1000).toFixed(1)} s`);
    for (const n of nodes) if (!n.alive) totals.problems.push(`${n.name} died:\n${n.log}`);
    return totals;
  } finally {
    for (const s of list) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await shared?.stop();
    await kafka.stop();
  }
}
