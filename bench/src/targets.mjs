// The servers under test: the product booted the way `npm start` boots it (scripts/start.mjs
// with QC_SKIP_BUILD=1, a data folder of its own, limits raised so the load is not refused by
// the abuse guards), and the two baselines. Each is started by this process and stopped by it.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/launcher-testkit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

/** The limits of the product's abuse guards, raised: the bench measures the send path, not the guards. */
export const PRODUCT_LIMITS = {
  SIGNUPS_PER_ADDRESS: '10000000',
  RATE_LIMIT_MESSAGES_PER_SEC: '100000',
  RATE_LIMIT_MESSAGES_BURST: '100000',
  SOCKETS_PER_PERSON: '100000',
  ROOMS_CREATED_PER_PERSON: '10000000',
};

/**
 * `profileDir`: run the product under `node --cpu-prof`, its profile written there when it stops.
 * `env`: settings of the product under test beyond the limits (the bench's LARGE_ROOM_MEMBERS).
 */
export async function startProduct({ say, profileDir, env = {} }) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-bench-'));
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  // The CPU profile's clock starts with the process: a step's place in it is its wall time less this.
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...profiling, path.join(repoRoot, 'scripts/start.mjs')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...PRODUCT_LIMITS,
      ...env,
      QC_SKIP_BUILD: '1',
      QC_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the product was not ready within 180 s:\n${output.slice(-4000)}`)), 180_000);
    const check = () => {
      if (/Quantum Chat is ready at/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the product ended (${code}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
  say(`product ready on port ${port} (data in ${dataDir})`);
  return {
    kind: 'product',
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    spawnedAt,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(late);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBaseline(kind) {
  const file = path.join(repoRoot, 'bench/baselines', kind === 'ws' ? 'ws-server.mjs' : 'socketio-server.mjs');
  const child = fork(file, ['0'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the ${kind} baseline ended (${code}) before it was ready`)));
  });
  return {
    kind,
    url: kind === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The engines of the distributed profile the bench needs beside its own PostgreSQL and Redis. */
const SHARED_ENGINES = ['kafka', 'cassandra', 'elasticsearch'];

/**
 * The distributed profile on this one machine, as the issue measures it: two api nodes and
 * two workers processes (fan-out alone, as in production; history, notify and indexer in the
 * other), an embedded PostgreSQL and a redis-server of the bench's own, and the Kafka,
 * Cassandra and Elasticsearch that `npm run engines` runs (those given by `npm test` through
 * TEST_*, else the checkout's, started here when down and stopped again after). Each run
 * gets its own topic, keyspace and index, dropped at the end.
 *
 * `parts` names every process tree with its root pids, so each step can say what each
 * engine cost per message.
 */
export async function startDistributed({ say, env = {} }) {
  const cluster = path.join(repoRoot, 'apps/api/dist/test/support/node-cluster.js');
  const { ApiNode, startSharedEngines } = await import(cluster).catch((e) => {
    throw new Error(`${cluster} is missing (${e.message}): build first (npm run build)`);
  });
  const engines = await import('../../scripts/engines.mjs');
  const given = {
    KAFKA_BROKERS: process.env.TEST_KAFKA_BROKERS,
    CASSANDRA_CONTACT_POINTS: process.env.TEST_CASSANDRA_CONTACT_POINTS,
    ELASTICSEARCH_URL: process.env.TEST_ELASTICSEARCH_URL,
  };
  let startedHere = [];
  let engineEnv;
  if (Object.values(given).every(Boolean)) {
    engineEnv = given;
    say(
      `distributed: Kafka ${given.KAFKA_BROKERS}, Cassandra ${given.CASSANDRA_CONTACT_POINTS}, Elasticsearch ${given.ELASTICSEARCH_URL} (from TEST_*)`,
    );
  } else {
    const before = await engines.status(SHARED_ENGINES);
    startedHere = before.filter((s) => !s.up).map((s) => s.name);
    if (startedHere.length) {
      say(`distributed: starting ${startedHere.join(', ')} (npm run engines -- up; a minute or more, longer the first time)`);
      await engines.up(startedHere, { log: (line) => say(`  ${line}`) });
    }
    engineEnv = engines.engineEnv(await engines.status(SHARED_ENGINES));
  }
  const enginePids = async () => {
    const list = await engines.status(SHARED_ENGINES);
    return Object.fromEntries(list.map((s) => [s.name, s.pid ?? null]));
  };

  const run = Math.random().toString(36).slice(2, 8);
  say('distributed: starting an embedded PostgreSQL and a redis-server of its own');
  const shared = await startSharedEngines();
  const nodeEnv = {
    ...shared.env,
    ...engineEnv,
    ...PRODUCT_LIMITS,
    ...env,
    KAFKA_TOPIC: `bench.chat.${run}`,
    CASSANDRA_KEYSPACE: `qc_bench_${run}`,
    ELASTICSEARCH_INDEX: `bench-${run}`,
  };
  const started = [];
  const stopNodes = () => Promise.allSettled(started.map((n) => n.kill('SIGTERM')));
  try {
    say('distributed: starting api-a, api-b, workers (fanout) and workers (history, notify, indexer)');
    // api-a first: it creates the topic, keyspace and index the others then find.
    started.push(await ApiNode.start('api-a', nodeEnv));
    started.push(
      ...(await Promise.all([
        ApiNode.start('api-b', nodeEnv),
        ApiNode.startWorkers('workers-fanout', { ...nodeEnv, WORKERS_CONSUMERS: 'fanout' }),
        ApiNode.startWorkers('workers-rest', { ...nodeEnv, WORKERS_CONSUMERS: 'history,notify,indexer' }),
      ])),
    );
  } catch (e) {
    await stopNodes();
    await shared.stop();
    throw e;
  }
  const [a, b, fanout, rest] = started;
  const pids = await enginePids();
  const parts = [
    { name: 'api-a', pids: [a.pid] },
    { name: 'api-b', pids: [b.pid] },
    { name: 'workers: fanout', pids: [fanout.pid] },
    { name: 'workers: history, notify, indexer', pids: [rest.pid] },
    { name: 'PostgreSQL', pids: [shared.pg.pid] },
    { name: 'Redis', pids: [shared.redis.pid] },
    { name: 'Kafka', pids: [pids.kafka] },
    { name: 'Cassandra', pids: [pids.cassandra] },
    { name: 'Elasticsearch', pids: [pids.elasticsearch] },
  ];
  const unmeasured = parts.filter((p) => !p.pids.every(Boolean)).map((p) => p.name);
  if (unmeasured.length) say(`distributed: no pid for ${unmeasured.join(', ')} (not started by this checkout): its CPU is not counted`);
  say(
    `distributed: ready, api nodes at ${a.base} and ${b.base}; pids ${parts
      .filter((p) => p.pids.every(Boolean))
      .map((p) => `${p.name} ${p.pids.join(',')}`)
      .join(', ')}`,
  );
  return {
    kind: 'distributed',
    url: a.base,
    urls: [a.base, b.base],
    pid: parts.flatMap((p) => p.pids).filter(Boolean),
    parts,
    async stop() {
      await stopNodes();
      await shared.stop();
      await dropRunData(nodeEnv).catch((e) => say(`distributed: could not drop this run's keyspace and index: ${e.message}`));
      if (startedHere.length) {
        say(`distributed: stopping ${startedHere.join(', ')}, which the bench started`);
        await engines.down(startedHere, { log: () => undefined });
      }
    },
  };
}

/** The run's Cassandra keyspace and Elasticsearch index (its Kafka topics are small and left to the broker's retention). */
async function dropRunData(env) {
  const { cqlQuery } = await import('../../scripts/engines.mjs');
  const port = Number(env.CASSANDRA_CONTACT_POINTS.split(',')[0].split(':')[1] ?? 9042);
  await cqlQuery(`DROP KEYSPACE IF EXISTS ${env.CASSANDRA_KEYSPACE}`, { port, timeoutMs: 60_000 });
  await fetch(`${env.ELASTICSEARCH_URL.replace(/\/$/, '')}/${env.ELASTICSEARCH_INDEX}`, { method: 'DELETE' });
}
