#!/usr/bin/env node
// `npm run engines -- up|down|status|env [kafka|cassandra|elasticsearch|s3mock|redis|postgres …]`
//
// Brings the distributed engines up on loopback without Docker (DESIGN.md, "Real engines on
// this machine"). PostgreSQL and Redis are the machine's own services: `up` checks them and
// starts one that is down, `down` leaves them alone. Kafka, Cassandra, Elasticsearch and S3Mock come
// from Maven Central through `mvn` (cached in ~/.m2) and run on the machine's Java as
// detached processes whose pid, log and throwaway data live in `.engines/`.
//
// Tests can import { up, down, status, engineEnv, cqlQuery } instead of shelling out.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Buffer } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// Pinned so every machine runs the same engines; each is the newest of its line that Maven
// Central served when this was written (Kafka 4.1.x, Cassandra 5.0.x, Elasticsearch 8.x).
const KAFKA_VERSION = '4.1.2';
// kafka_2.13's pom brings log4j-core and slf4j-api 1.7 but no binding between them (the
// Kafka tarball ships one in libs/); without it the broker would log nothing at all.
const KAFKA_LOG4J_VERSION = '2.25.3';
const CASSANDRA_VERSION = '5.0.9';
const ELASTICSEARCH_VERSION = '8.19.21';
// Adobe's S3Mock stands in for the object store (media); its "exec" jar is a whole Spring Boot app.
const S3MOCK_VERSION = '4.7.0';
// The dependency plugin is named with its version so mvn needs no project plugin setup.
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Elasticsearch refuses to run as root; as root we run it as this system user. */
const ES_USER = 'qc-engines';
/** The database the printed DATABASE_URL points at; `up postgres` creates it if missing. */
const PG_DATABASE = 'quantumchat';

const paths = () => {
  const stateRoot = path.resolve(process.env.QC_ENGINES_DIR || path.join(root, '.engines'));
  // The cache outlives clones and `down` (CI works in a fresh clone each run). As root it is
  // outside /root, whose mode 700 would keep the Elasticsearch user from reading its own home.
  const cacheRoot = path.resolve(
    process.env.QC_ENGINES_CACHE ||
      (isRoot ? '/var/cache/quantum-chat-engines' : path.join(os.homedir(), '.cache', 'quantum-chat-engines')),
  );
  return { stateRoot, cacheRoot };
};

function portFromEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new EngineError(`${name} must be a port number from 1 to 65535, got "${v}"`);
  return n;
}

/** How long `up` waits for an engine to answer: its *_WAIT_SECONDS variable, else the default. */
const waitMs = (engine) => {
  const [name, dflt] = engine.waitEnv;
  const n = Number(process.env[name]);
  return (Number.isFinite(n) && n > 0 ? n : dflt) * 1000;
};

// ---------------------------------------------------------------------------------------
// Small process and file helpers
// ---------------------------------------------------------------------------------------

class EngineError extends Error {}

/** Runs a command to completion, capturing its output; rejects with the output's tail. */
function run(cmd, args, { env = process.env, cwd = root, what = `${cmd} ${args.join(' ')}` } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) =>
      reject(new EngineError(e.code === 'ENOENT' ? `${cmd} is not installed (needed for: ${what})` : `${what}: ${e.message}`)),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new EngineError(`${what} failed (${signal ?? `exit code ${code}`}):\n${tail(out, 30)}`));
    });
  });
}

/** The last lines of a log, each cut to 300 characters: the JVM command line (a classpath of ~100 jars) would bury the cause. */
const tail = (text, lines) =>
  text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}… (${l.length - 300} more characters)` : l))
    .join('\n');
const readTail = (file, lines) => {
  try {
    return tail(fs.readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no log written)';
  }
};
const commandExists = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const shortPath = (p) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p));
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Pids of every process in a process group (an engine's launcher and whatever it forked). */
function groupMembers(pgid) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after "(comm)": state, ppid, pgrp…; comm itself may contain spaces or ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** True when some live process in the group has `marker` (its conf folder) on its command line: not a reused pid. */
function groupIsOurs(pgid, marker) {
  return groupMembers(pgid).some((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

function groupRssMiB(pgid) {
  let kib = 0;
  for (const pid of groupMembers(pgid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // gone
    }
  }
  return Math.round(kib / 1024);
}

/** SIGTERM to the whole group (a launcher may have forked the real server), SIGKILL after a grace period. */
async function stopGroup(pgid, graceMs, say) {
  const signalGroup = (sig) => {
    try {
      process.kill(-pgid, sig);
      return true;
    } catch (e) {
      if (e.code === 'ESRCH') return false;
      throw e;
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return;
    await sleep(250);
  }
  say(`did not stop within ${seconds(graceMs)} of SIGTERM: sending SIGKILL`);
  signalGroup('SIGKILL');
  for (let i = 0; i < 40 && groupMembers(pgid).length > 0; i++) await sleep(250);
}

/** Is anything listening on the port? (A bind attempt would race with TIME_WAIT; a connect does not.) */
function portTaken(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    sock.setTimeout(1000);
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('timeout', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

/** The variable that moves one of an engine's ports: KAFKA_PORT for its main port, KAFKA_CONTROLLER_PORT… */
const portSetting = (name, role) => (role === 'main' ? `${name.toUpperCase()}_PORT` : `${name.toUpperCase()}_${role.toUpperCase()}_PORT`);

/** A port nobody listens on right now, from the kernel's ephemeral range. */
function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Port settings that give a test run JVM engines of its own, on free ports, wherever one of an
 * engine's usual ports is held by anything this checkout did not start: another checkout's
 * engine, one a shell session started and will stop when it ends (a CI run once borrowed such
 * a Kafka, which went away with its session: every Kafka suite failed), or any other program
 * (Kafka's controller port, say, which `up` would refuse to share). An engine this checkout
 * runs is used as it is. Pass `{ all: true }` to move every engine not this checkout's
 * (a retry after a start that failed).
 * Takes `status()` entries; returns { KAFKA_PORT: '…', KAFKA_CONTROLLER_PORT: '…' } and the like.
 */
export async function portsForThisRun(statuses, { all = false } = {}) {
  const settings = {};
  const picked = new Set();
  for (const s of statuses) {
    const engine = jvmEngines[s.name];
    if (!engine || s.runBy === 'engines.mjs') continue;
    const usual = Object.values(engine.ports());
    const held = all || s.runBy === 'other' || (await Promise.all(usual.map(portTaken))).some(Boolean);
    if (!held) continue;
    for (const role of Object.keys(engine.ports())) {
      let port;
      do port = await freeLoopbackPort();
      while (picked.has(port) || usual.includes(port)); // free one by one, so the kernel may hand out one twice
      picked.add(port);
      settings[portSetting(s.name, role)] = String(port);
    }
  }
  return settings;
}

/**
 * A per-engine lock file, so two `up`s at once (say, parallel test files) start one engine,
 * not two. A lock whose owner died is taken over.
 */
async function withLock(file, say, fn) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let told = false;
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(file, 'utf8')) || 0;
      if (!owner || !pidAlive(owner)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new EngineError(`another engines.mjs (pid ${owner}) holds ${file}; stop it or delete the file`);
      if (!told && owner !== process.pid) say(`waiting for another engines.mjs (pid ${owner}) working on it…`);
      told = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

// mvn runs one at a time: Maven 3.8's local repository is not safe for concurrent writers.
let mavenQueue = Promise.resolve();
const oneMavenAtATime = (fn) => {
  const p = mavenQueue.then(fn);
  mavenQueue = p.catch(() => {});
  return p;
};

// ---------------------------------------------------------------------------------------
// Wire-protocol checks: each proves the engine itself answers, not just that a port is open
// ---------------------------------------------------------------------------------------

/** Opens a TCP connection and hands `talk` a writer and a frame reader; all within timeoutMs. */
async function withSocket(port, timeoutMs, talk) {
  const sock = net.connect({ host: HOST, port });
  let buf = Buffer.alloc(0);
  let failure = null;
  let wake = null;
  const poke = () => wake?.();
  sock.on('data', (d) => ((buf = Buffer.concat([buf, d])), poke()));
  sock.on('error', (e) => ((failure ??= e), poke()));
  sock.on('close', () => ((failure ??= new Error('connection closed')), poke()));
  const timer = setTimeout(() => ((failure ??= new Error(`no answer within ${timeoutMs} ms`)), sock.destroy(), poke()), timeoutMs);
  // frameLength(buf) says how long the next frame is (-1: not known yet); read() waits for it.
  const read = async (frameLength) => {
    for (;;) {
      const n = frameLength(buf);
      if (n >= 0 && buf.length >= n) {
        const frame = buf.subarray(0, n);
        buf = buf.subarray(n);
        return frame;
      }
      if (failure) throw failure;
      await new Promise((r) => (wake = r));
      wake = null;
    }
  };
  try {
    await new Promise((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('close', () => reject(failure ?? new Error('connection closed')));
    });
    return await talk((b) => sock.write(b), read);
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}

/** PostgreSQL: a StartupMessage, then (optionally) one simple query; returns the server version. */
async function pgTalk(port, { user = 'postgres', database = 'postgres', query = null } = {}) {
  const cstr = (s) => Buffer.from(`${s}\0`);
  const params = Buffer.concat([
    cstr('user'),
    cstr(user),
    cstr('database'),
    cstr(database),
    cstr('application_name'),
    cstr('engines.mjs'),
    cstr(''),
  ]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4); // protocol 3.0
  const msgLength = (b) => (b.length >= 5 ? 1 + b.readInt32BE(1) : -1);
  return withSocket(port, 3000, async (write, read) => {
    write(Buffer.concat([head, params]));
    const serverParams = {};
    const rows = [];
    const readUntilReady = async () => {
      for (;;) {
        const m = await read(msgLength);
        const type = String.fromCharCode(m[0]);
        const body = m.subarray(5);
        if (type === 'R' && body.readInt32BE(0) !== 0) return { ok: true, needsPassword: true };
        if (type === 'S') {
          const [k, v] = body.toString('utf8').split('\0');
          serverParams[k] = v;
        }
        if (type === 'D') {
          const cells = [];
          let off = 2;
          for (let i = 0; i < body.readInt16BE(0); i++) {
            const len = body.readInt32BE(off);
            off += 4;
            cells.push(len < 0 ? null : body.toString('utf8', off, off + len));
            off += Math.max(len, 0);
          }
          rows.push(cells);
        }
        if (type === 'E') {
          const fields = Object.fromEntries(
            body
              .toString('utf8')
              .split('\0')
              .filter(Boolean)
              .map((f) => [f[0], f.slice(1)]),
          );
          throw new Error(`PostgreSQL said ${fields.C}: ${fields.M}`);
        }
        if (type === 'Z') return { ok: true };
      }
    };
    const hello = await readUntilReady();
    if (hello.needsPassword || !query) return { ok: true, version: serverParams.server_version ?? null, rows };
    const sql = cstr(query);
    const q = Buffer.alloc(5);
    q.write('Q', 0);
    q.writeInt32BE(4 + sql.length, 1);
    write(Buffer.concat([q, sql]));
    await readUntilReady();
    return { ok: true, version: serverParams.server_version ?? null, rows };
  });
}

/** Redis: INFO server over RESP; a '$' bulk answer carries redis_version. */
async function redisInfo(port) {
  const bulkLength = (b) => {
    const eol = b.indexOf('\r\n');
    if (eol < 0) return -1;
    if (b[0] !== 0x24 /* $ */) return eol + 2;
    return eol + 2 + Number(b.toString('utf8', 1, eol)) + 2;
  };
  return withSocket(port, 3000, async (write, read) => {
    write(Buffer.from('INFO server\r\n'));
    const answer = (await read(bulkLength)).toString('utf8');
    if (!answer.startsWith('$')) throw new Error(`Redis said ${answer.trim()}`);
    return { ok: true, version: /redis_version:(\S+)/.exec(answer)?.[1] ?? null };
  });
}

/**
 * Kafka: ApiVersions v0 (answered by any broker), then Metadata v4, which the broker only
 * answers with itself listed once it has joined its KRaft controller.
 */
async function kafkaMetadata(port) {
  const request = (apiKey, apiVersion, correlationId, body) => {
    const clientId = Buffer.from('engines.mjs');
    const b = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
    b.writeInt32BE(b.length - 4 + body.length, 0);
    b.writeInt16BE(apiKey, 4);
    b.writeInt16BE(apiVersion, 6);
    b.writeInt32BE(correlationId, 8);
    b.writeInt16BE(clientId.length, 12);
    clientId.copy(b, 14);
    return Buffer.concat([b, body]);
  };
  const frameLength = (b) => (b.length >= 4 ? 4 + b.readInt32BE(0) : -1);
  return withSocket(port, 3000, async (write, read) => {
    write(request(18, 0, 1, Buffer.alloc(0)));
    const versions = await read(frameLength);
    const error = versions.readInt16BE(8);
    if (error !== 0) throw new Error(`ApiVersions error code ${error}`);
    const metadataBody = Buffer.alloc(5);
    metadataBody.writeInt32BE(-1, 0); // all topics
    metadataBody.writeInt8(0, 4); // allow_auto_topic_creation = false
    write(request(3, 4, 2, metadataBody));
    const m = await read(frameLength);
    let off = 8 + 4; // size, correlation id, throttle_time_ms
    const brokers = m.readInt32BE(off);
    off += 4;
    for (let i = 0; i < brokers; i++) {
      off += 4; // node_id
      off += 2 + m.readInt16BE(off); // host
      off += 4; // port
      const rack = m.readInt16BE(off);
      off += 2 + Math.max(rack, 0);
    }
    const clusterIdLength = m.readInt16BE(off);
    const clusterId = clusterIdLength < 0 ? null : m.toString('utf8', off + 2, off + 2 + clusterIdLength);
    off += 2 + Math.max(clusterIdLength, 0);
    const controller = m.readInt32BE(off);
    if (brokers < 1 || controller < 0) throw new Error(`metadata lists ${brokers} broker(s), controller ${controller}: not ready yet`);
    return { ok: true, clusterId };
  });
}

/**
 * Runs one CQL statement over the native protocol (v4): STARTUP, then QUERY at consistency ONE.
 * Returns { kind, columns, rows } with every cell decoded as UTF-8 text (fine for the
 * text/identifier columns this script and smoke tests read), or throws Cassandra's error.
 */
export async function cqlQuery(query, { port = portFromEnv('CASSANDRA_PORT', 9042), timeoutMs = 10_000 } = {}) {
  const frame = (opcode, body) => {
    const h = Buffer.alloc(9);
    h.writeUInt8(0x04, 0); // protocol v4, request
    h.writeInt16BE(0, 2); // stream id
    h.writeUInt8(opcode, 4);
    h.writeInt32BE(body.length, 5);
    return Buffer.concat([h, body]);
  };
  const str = (s) => {
    const b = Buffer.from(s);
    const l = Buffer.alloc(2);
    l.writeUInt16BE(b.length);
    return Buffer.concat([l, b]);
  };
  const frameLength = (b) => (b.length >= 9 ? 9 + b.readInt32BE(5) : -1);
  const failOnError = (f) => {
    if (f[4] === 0x00)
      throw new Error(`Cassandra error 0x${f.readInt32BE(9).toString(16)}: ${f.toString('utf8', 15, 15 + f.readUInt16BE(13))}`);
    return f;
  };
  return withSocket(port, timeoutMs, async (write, read) => {
    const startup = Buffer.concat([Buffer.from([0, 1]), str('CQL_VERSION'), str('3.0.0')]);
    write(frame(0x01, startup));
    const ready = failOnError(await read(frameLength));
    if (ready[4] !== 0x02)
      throw new Error(`Cassandra answered STARTUP with opcode 0x${ready[4].toString(16)} (authentication is not expected here)`);
    const q = Buffer.from(query);
    const qlen = Buffer.alloc(4);
    qlen.writeInt32BE(q.length);
    write(frame(0x07, Buffer.concat([qlen, q, Buffer.from([0x00, 0x01, 0x00])]))); // consistency ONE, no flags
    const result = failOnError(await read(frameLength));
    return parseCqlResult(result.subarray(9));
  });
}

function parseCqlResult(body) {
  let off = 0;
  const int = () => ((off += 4), body.readInt32BE(off - 4));
  const short = () => ((off += 2), body.readUInt16BE(off - 2));
  const string = () => {
    const n = short();
    off += n;
    return body.toString('utf8', off - n, off);
  };
  const skipKeyspaceAndTable = () => {
    string();
    string();
  };
  const kinds = { 1: 'void', 2: 'rows', 3: 'set_keyspace', 4: 'prepared', 5: 'schema_change' };
  const kind = kinds[int()] ?? 'unknown';
  if (kind !== 'rows') return { kind, columns: [], rows: [] };
  const skipType = () => {
    const id = short();
    if (id === 0x0000) string();
    else if (id === 0x0020 || id === 0x0022) skipType();
    else if (id === 0x0021) {
      skipType();
      skipType();
    } else if (id === 0x0030 || id === 0x0031) throw new Error('cqlQuery reads no UDT or tuple columns');
  };
  const flags = int();
  const columnCount = int();
  if (flags & 0x0002) off += 4 + Math.max(body.readInt32BE(off), 0); // paging state
  const columns = [];
  if (!(flags & 0x0004)) {
    const globalSpec = flags & 0x0001;
    if (globalSpec) skipKeyspaceAndTable();
    for (let i = 0; i < columnCount; i++) {
      if (!globalSpec) skipKeyspaceAndTable();
      columns.push(string());
      skipType();
    }
  }
  const rows = [];
  for (let r = int(); r > 0; r--) {
    const row = [];
    for (let c = 0; c < columnCount; c++) {
      const n = int();
      row.push(n < 0 ? null : body.toString('utf8', off, off + n));
      off += Math.max(n, 0);
    }
    rows.push(row);
  }
  return { kind, columns, rows };
}

async function elasticsearchHealth(port) {
  const base = `http://${HOST}:${port}`;
  const res = await fetch(`${base}/_cluster/health`, { signal: globalThis.AbortSignal.timeout(3000) });
  const health = await res.json();
  if (!['green', 'yellow'].includes(health.status)) throw new Error(`cluster health is ${health.status ?? res.status}`);
  // The integ-test zip has no `GET /` handler (that module is not in it); the nodes API names the version.
  const nodes = await (
    await fetch(`${base}/_nodes/_local?filter_path=nodes.*.version`, { signal: globalThis.AbortSignal.timeout(3000) })
  ).json();
  const version = Object.values(nodes.nodes ?? {})[0]?.version;
  if (!version) throw new Error('the nodes API named no version: is this Elasticsearch?');
  return { ok: true, version, health: health.status };
}

/** S3's ListBuckets, which S3Mock answers without credentials; its version is in the actuator-less jar's name only. */
async function s3ListBuckets(port) {
  const res = await fetch(`http://${HOST}:${port}/`, { signal: globalThis.AbortSignal.timeout(3000) });
  const body = await res.text();
  if (!res.ok || !body.includes('ListAllMyBucketsResult')) throw new Error(`GET / answered ${res.status}, not an S3 bucket list`);
  return { ok: true };
}

// ---------------------------------------------------------------------------------------
// Fetching from Maven Central
// ---------------------------------------------------------------------------------------

function javaHome() {
  const fromEnv = process.env.JAVA_HOME;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'bin/java'))) return fromEnv;
  const which = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8' });
  if (which.status !== 0)
    throw new EngineError('java is not installed: install a JDK 17 (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME');
  return path.dirname(path.dirname(fs.realpathSync(which.stdout.trim())));
}

const pomXml = (name, deps) => `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/engines.mjs: only mvn's dependency resolution is used. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>quantum-chat.engines</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${deps
  .map(
    ([group, artifact, version, type, alone, classifier]) => `    <dependency>
      <groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version>${type ? `<type>${type}</type>` : ''}${
        classifier ? `<classifier>${classifier}</classifier>` : ''
      }${
        alone ? '\n      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>' : ''
      }
    </dependency>`,
  )
  .join('\n')}
  </dependencies>
</project>
`;

/**
 * The resolved files of `deps` (transitively), as mvn lists them: a tiny generated pom in the
 * cache and `dependency:build-classpath`. mvn downloads into ~/.m2 the first time; after
 * that the list is read from the cache (and checked, in case ~/.m2 was cleaned).
 */
async function mavenFiles(key, label, deps, say) {
  const dir = path.join(paths().cacheRoot, key);
  const listFile = path.join(dir, 'classpath.txt');
  const cached = fs.existsSync(listFile) ? fs.readFileSync(listFile, 'utf8').trim().split(':') : null;
  if (cached?.length && cached.every((f) => fs.existsSync(f))) return cached;
  return oneMavenAtATime(async () => {
    say(`fetching ${label} with mvn (downloads from Maven Central the first time, then reads ~/.m2)…`);
    const t0 = Date.now();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'pom.xml'), pomXml(key, deps));
    if (!commandExists('mvn'))
      throw new EngineError('mvn is not installed: apt-get install maven (it fetches the engines from Maven Central)');
    try {
      await run(
        'mvn',
        ['-B', '-q', '-f', path.join(dir, 'pom.xml'), `${DEPENDENCY_PLUGIN}:build-classpath`, `-Dmdep.outputFile=${listFile}.tmp`],
        { what: `mvn resolving ${label}` },
      );
    } catch (e) {
      throw new EngineError(
        `${e.message}\nmvn could not fetch ${label}. Check that Maven Central is reachable (mvn -B dependency:get -Dartifact=${deps[0].slice(0, 3).join(':')}) and that ~/.m2 has free space, then run up again.`,
      );
    }
    fs.renameSync(`${listFile}.tmp`, listFile);
    say(`${label} fetched in ${seconds(Date.now() - t0)}`);
    return fs.readFileSync(listFile, 'utf8').trim().split(':');
  });
}

// ---------------------------------------------------------------------------------------
// The engines
// ---------------------------------------------------------------------------------------

/** The machine's own services: checked, started if down, never stopped. */
const machineServices = {
  postgres: {
    label: 'PostgreSQL',
    port: () => 5432,
    probe: (port) => pgTalk(port),
    startCommand: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    startHint: 'start your PostgreSQL on 127.0.0.1:5432 with trust auth for the user postgres',
    // The printed DATABASE_URL names a database of the app's own, so its migrations never
    // land in the shared "postgres" or "test" databases.
    async afterUp(port, say) {
      const { rows } = await pgTalk(port, { query: `SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'` });
      if (rows.length === 0) {
        say(`creating database ${PG_DATABASE}`);
        await pgTalk(port, { query: `CREATE DATABASE ${PG_DATABASE}` });
      }
    },
    env: (port) => ({ DATABASE_URL: `postgres://postgres@${HOST}:${port}/${PG_DATABASE}` }),
  },
  redis: {
    label: 'Redis',
    port: () => 6379,
    probe: (port) => redisInfo(port),
    startCommand:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    startHint: 'start your Redis on 127.0.0.1:6379',
    env: (port) => ({ REDIS_URL: `redis://${HOST}:${port}` }),
  },
};

/**
 * JVM engines. Each says which ports it binds, how to fetch itself, how to write its
 * configuration into a fresh data folder and which command to run, and how to tell it answers.
 */
const jvmEngines = {
  kafka: {
    label: 'Kafka',
    version: KAFKA_VERSION,
    ports: () => ({ main: portFromEnv('KAFKA_PORT', 9092), controller: portFromEnv('KAFKA_CONTROLLER_PORT', 9093) }),
    waitEnv: ['KAFKA_WAIT_SECONDS', 120],
    probe: (port) => kafkaMetadata(port),
    async fetch(say) {
      const files = await mavenFiles(
        `kafka-${KAFKA_VERSION}`,
        `Kafka ${KAFKA_VERSION}`,
        [
          ['org.apache.kafka', 'kafka_2.13', KAFKA_VERSION],
          // the CLI classes (TopicCommand, ConsoleProducer…) on the broker's own classpath
          ['org.apache.kafka', 'kafka-tools', KAFKA_VERSION],
          ['org.apache.logging.log4j', 'log4j-slf4j-impl', KAFKA_LOG4J_VERSION],
        ],
        say,
      );
      return { classpath: files.join(':') };
    },
    async prepare({ dirs, ports, fetched, java, say }) {
      const logDirs = path.join(dirs.data, 'kraft');
      const props = path.join(dirs.conf, 'server.properties');
      fs.writeFileSync(props, kafkaServerProperties(ports, logDirs));
      const log4j = path.join(dirs.conf, 'log4j2.properties');
      fs.writeFileSync(log4j, log4j2Properties());
      // KRaft refuses unformatted storage: format it with a fresh cluster id. Kafka's Uuid
      // text form is 16 random bytes in URL-safe base64 without padding.
      const clusterId = randomBytes(16).toString('base64url');
      say('formatting KRaft storage…');
      await run(
        java,
        [
          '-Xmx256m',
          '-XX:TieredStopAtLevel=1', // a short-lived tool: the C1 compiler alone costs less CPU
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          fetched.classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId,
          '-c',
          props,
        ],
        { what: 'Kafka StorageTool format' },
      );
      return {
        cmd: java,
        args: [
          '-Xms256m',
          '-Xmx512m',
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-Djava.awt.headless=true',
          `-Dlog4j2.configurationFile=${log4j}`,
          '-cp',
          fetched.classpath,
          'kafka.Kafka',
          props,
        ],
      };
    },
    env: (port) => ({ KAFKA_BROKERS: `${HOST}:${port}` }),
  },

  cassandra: {
    label: 'Cassandra',
    version: CASSANDRA_VERSION,
    ports: () => ({ main: portFromEnv('CASSANDRA_PORT', 9042), storage: portFromEnv('CASSANDRA_STORAGE_PORT', 7000) }),
    waitEnv: ['CASSANDRA_WAIT_SECONDS', 240],
    probe: async (port) => {
      const { rows } = await cqlQuery('SELECT release_version FROM system.local', { port, timeoutMs: 3000 });
      return { ok: true, version: rows[0]?.[0] ?? null };
    },
    async fetch(say) {
      const files = await mavenFiles(
        `cassandra-${CASSANDRA_VERSION}`,
        `Cassandra ${CASSANDRA_VERSION}`,
        [['org.apache.cassandra', 'cassandra-all', CASSANDRA_VERSION]],
        say,
      );
      const jamm = files.find((f) => /\/jamm-[\d.]+\.jar$/.test(f));
      return { classpath: files.join(':'), jamm };
    },
    async prepare({ dirs, ports, fetched, java }) {
      const yaml = path.join(dirs.conf, 'cassandra.yaml');
      fs.writeFileSync(yaml, cassandraYaml(ports, dirs.data));
      const logback = path.join(dirs.conf, 'logback.xml');
      const triggers = path.join(dirs.conf, 'triggers'); // it looks for one and warns when there is none
      fs.mkdirSync(triggers);
      fs.writeFileSync(logback, cassandraLogback());
      return {
        cmd: java,
        args: [
          '-Xms1G',
          '-Xmx1G',
          '-Xss256k',
          // A test engine out of heap should die loudly, not limp on or dump a 1 GB heap.
          '-XX:+ExitOnOutOfMemoryError',
          ...CASSANDRA_JVM17_OPTIONS,
          // jamm measures memtable sizes; Cassandra's own scripts load it as an agent.
          ...(fetched.jamm ? [`-javaagent:${fetched.jamm}`] : []),
          '-Djava.net.preferIPv4Stack=true',
          `-Dcassandra.config=${pathToFileURL(yaml).href}`,
          `-Dcassandra.storagedir=${dirs.data}`,
          `-Dlogback.configurationFile=${logback}`,
          `-Dcassandra.triggers_dir=${triggers}`,
          '-Dcassandra-foreground=yes',
          // One node: nothing to gossip with, so do not sit out the settle period.
          '-Dcassandra.skip_wait_for_gossip_to_settle=0',
          '-cp',
          fetched.classpath,
          'org.apache.cassandra.service.CassandraDaemon',
        ],
      };
    },
    env: (port) => ({ CASSANDRA_CONTACT_POINTS: `${HOST}:${port}` }),
  },

  elasticsearch: {
    label: 'Elasticsearch',
    version: ELASTICSEARCH_VERSION,
    ports: () => ({ main: portFromEnv('ELASTICSEARCH_PORT', 9200), transport: portFromEnv('ELASTICSEARCH_TRANSPORT_PORT', 9300) }),
    waitEnv: ['ELASTICSEARCH_WAIT_SECONDS', 240],
    probe: (port) => elasticsearchHealth(port),
    async fetch(say) {
      const [zip] = await mavenFiles(
        `elasticsearch-${ELASTICSEARCH_VERSION}`,
        `Elasticsearch ${ELASTICSEARCH_VERSION}`,
        [['org.elasticsearch.distribution.integ-test-zip', 'elasticsearch', ELASTICSEARCH_VERSION, 'zip', true]],
        say,
      );
      return { home: await unpackElasticsearch(zip, say) };
    },
    async prepare({ dirs, ports, fetched, java, say }) {
      const config = path.join(dirs.conf, 'config');
      // ES writes into its config folder (a keystore), so each run gets its own copy.
      fs.cpSync(path.join(fetched.home, 'config'), config, { recursive: true });
      const hasSecurity = fs.existsSync(path.join(fetched.home, 'modules/x-pack-security'));
      fs.writeFileSync(path.join(config, 'elasticsearch.yml'), elasticsearchYml(ports, dirs, hasSecurity));
      const tmp = path.join(dirs.data, 'tmp');
      const logs = path.join(dirs.data, 'logs');
      for (const d of [tmp, logs, path.join(dirs.data, 'nodes')]) fs.mkdirSync(d, { recursive: true });
      const env = {
        ...process.env,
        ES_JAVA_HOME: path.dirname(path.dirname(java)),
        ES_PATH_CONF: config,
        ES_JAVA_OPTS: '-Xms512m -Xmx512m',
        ES_TMPDIR: tmp,
        HOME: tmp,
      };
      // It would ignore these and warn about each on every start.
      for (const k of ['JAVA_HOME', 'JAVA_TOOL_OPTIONS', '_JAVA_OPTIONS', 'JAVA_OPTS']) delete env[k];
      const bin = path.join(fetched.home, 'bin/elasticsearch');
      if (!isRoot) return { cmd: bin, args: [], env, cwd: logs };
      if (!commandExists('setpriv'))
        throw new EngineError('setpriv is not installed: apt-get install util-linux (it runs Elasticsearch as a non-root user)');
      const { uid, gid } = await ensureSystemUser(ES_USER, say);
      await run('chown', ['-R', `${uid}:${gid}`, dirs.data, config], { what: 'chown the Elasticsearch folders' });
      const asUser = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'];
      try {
        await run(asUser[0], [...asUser.slice(1), 'sh', '-c', 'test -x "$0" && test -w "$1" && test -w "$2"', bin, dirs.data, config], {
          what: 'access check',
        });
      } catch {
        throw new EngineError(
          `the ${ES_USER} user cannot reach ${bin} or write ${dirs.data}: some parent folder is closed to other users. ` +
            'Set QC_ENGINES_DIR and QC_ENGINES_CACHE to folders under /tmp or /var, then run up again.',
        );
      }
      return { cmd: asUser[0], args: [...asUser.slice(1), bin], env, cwd: logs };
    },
    env: (port) => ({ ELASTICSEARCH_URL: `http://${HOST}:${port}` }),
  },

  s3mock: {
    label: 'S3Mock',
    version: S3MOCK_VERSION,
    // Plain HTTP on loopback is Spring's own connector, with TLS off. S3Mock always opens a
    // second HTTP connector of its own on every interface (it takes no address): it gets a
    // port too, and holds only this run's throwaway objects.
    ports: () => ({ main: portFromEnv('S3MOCK_PORT', 9090), extra: portFromEnv('S3MOCK_EXTRA_PORT', 9191) }),
    waitEnv: ['S3MOCK_WAIT_SECONDS', 120],
    probe: (port) => s3ListBuckets(port),
    async fetch(say) {
      const [jar] = await mavenFiles(
        `s3mock-${S3MOCK_VERSION}`,
        `S3Mock ${S3MOCK_VERSION}`,
        [['com.adobe.testing', 's3mock', S3MOCK_VERSION, 'jar', true, 'exec']],
        say,
      );
      return { jar };
    },
    async prepare({ dirs, ports, fetched, java }) {
      fs.writeFileSync(path.join(dirs.conf, 'application.properties'), s3mockProperties(ports, path.join(dirs.data, 'store')));
      return {
        cmd: java,
        args: [
          '-Xms64m',
          '-Xmx256m',
          '-XX:+UseSerialGC',
          '-XX:TieredStopAtLevel=1', // a test double: the C1 compiler alone starts it sooner and costs less CPU
          '-Djava.awt.headless=true',
          '-jar',
          fetched.jar,
          `--spring.config.additional-location=file:${dirs.conf}/`,
        ],
      };
    },
    env: (port) => ({ S3_ENDPOINT: `http://${HOST}:${port}` }),
  },
};

const ENGINES = { ...machineServices, ...jvmEngines };
export const ENGINE_NAMES = Object.keys(ENGINES);

// ---------------------------------------------------------------------------------------
// Generated configuration
// ---------------------------------------------------------------------------------------

// auto.create.topics.enable=false: topics belong to the app, which creates them; a missing
// create step then fails here as it would on a production cluster, rather than passing by luck.
const kafkaServerProperties = (ports, logDirs) => `# Generated by scripts/engines.mjs: one node, broker and KRaft controller, on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${ports.controller}
listeners=PLAINTEXT://${HOST}:${ports.main},CONTROLLER://${HOST}:${ports.controller}
advertised.listeners=PLAINTEXT://${HOST}:${ports.main}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDirs}
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
# One node: internal topics with one replica, and one partition each (fewer files, faster first use).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups constantly: do not wait 3 s for more members on each.
group.initial.rebalance.delay.ms=0
# Two cores: fewer threads than the defaults.
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
background.threads=2
`;

const log4j2Properties = () => `# Generated by scripts/engines.mjs: INFO to stdout, which is the engine's log file.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
`;

const s3mockProperties = (ports, store) => `# Generated by scripts/engines.mjs: plain HTTP on loopback, objects in a throwaway folder.
server.address=${HOST}
server.port=${ports.main}
server.ssl.enabled=false
com.adobe.testing.s3mock.httpPort=${ports.extra}
com.adobe.testing.s3mock.store.root=${store}
com.adobe.testing.s3mock.store.retainFilesOnExit=false
spring.main.banner-mode=off
`;

const cassandraYaml = (ports, data) => `# Generated by scripts/engines.mjs: one node on loopback, small memory, throwaway folders.
cluster_name: 'Quantum Chat engines'
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
# A fresh cluster: no older nodes to stay compatible with, so all of 5.0's features.
storage_compatibility_mode: NONE
auto_bootstrap: false
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
network_authorizer: AllowAllNetworkAuthorizer
data_file_directories:
  - ${data}/data
commitlog_directory: ${data}/commitlog
saved_caches_directory: ${data}/saved_caches
hints_directory: ${data}/hints
cdc_raw_directory: ${data}/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
commitlog_total_space: 128MiB
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${HOST}:${ports.storage}"
listen_address: ${HOST}
rpc_address: ${HOST}
storage_port: ${ports.storage}
start_native_transport: true
native_transport_port: ${ports.main}
endpoint_snitch: SimpleSnitch
memtable_allocation_type: heap_buffers
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
key_cache_size: 16MiB
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_compactors: 1
`;

const cassandraLogback = () => `<!-- Generated by scripts/engines.mjs: INFO to stdout, which is the engine's log file. -->
<configuration scan="false">
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT" /></root>
</configuration>
`;

// From Cassandra's conf/jvm17-server.options (the tarball's, not in the cassandra-all jar):
// Java 17 closes the JDK internals Cassandra reaches into unless these open them.
const CASSANDRA_JVM17_OPTIONS = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:MaxGCPauseMillis=300',
  '-Djdk.attach.allowAttachSelf=true',
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

const elasticsearchYml = (ports, dirs, hasSecurity) => `# Generated by scripts/engines.mjs: one node on loopback, throwaway folders.
cluster.name: quantum-chat-engines
node.name: engines-1
path.data: ${dirs.data}/nodes
path.logs: ${dirs.data}/logs
network.host: ${HOST}
http.port: ${ports.main}
transport.port: ${ports.transport}
discovery.type: single-node
# A nearly full disk must not turn test indices read-only halfway through a run.
cluster.routing.allocation.disk.threshold_enabled: false
${hasSecurity ? '# Plain HTTP on loopback, no users: a test engine, not a deployment.\nxpack.security.enabled: false\n' : ''}`;

async function unpackElasticsearch(zip, say) {
  const home = path.join(paths().cacheRoot, `elasticsearch-${ELASTICSEARCH_VERSION}`, 'home');
  if (fs.existsSync(path.join(home, 'bin/elasticsearch'))) return home;
  say(`unpacking Elasticsearch ${ELASTICSEARCH_VERSION} (first time only)…`);
  const scratch = `${home}.unpacking-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  if (commandExists('unzip')) await run('unzip', ['-q', zip, '-d', scratch], { what: 'unzip Elasticsearch' });
  else await run(path.join(javaHome(), 'bin/jar'), ['xf', zip], { cwd: scratch, what: 'jar xf Elasticsearch' });
  const [top] = fs.readdirSync(scratch);
  // jar xf drops the executable bits; and the ES user (not root) must read everything.
  await run('chmod', ['-R', 'a+rX', path.join(scratch, top)]);
  await run('sh', ['-c', 'chmod a+x "$0"/bin/* "$0"/lib/tools/*/* 2>/dev/null || true', path.join(scratch, top)]);
  fs.renameSync(path.join(scratch, top), home); // whole or not at all
  fs.rmSync(scratch, { recursive: true, force: true });
  return home;
}

async function ensureSystemUser(name, say) {
  const id = (flag) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    say(`creating system user ${name} (Elasticsearch refuses to run as root)…`);
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ]);
  }
  return { uid: Number(id('-u').stdout), gid: Number(id('-g').stdout) };
}

// ---------------------------------------------------------------------------------------
// up / down / status
// ---------------------------------------------------------------------------------------

/** Can users other than the owner reach `dir`, i.e. may every folder above it be traversed? */
function traversableByOthers(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if (!(fs.statSync(d).mode & 0o001)) return false;
    } catch {
      // not created yet: its parents decide
    }
    if (d === path.dirname(d)) return true;
  }
}

function dirsOf(name) {
  const { stateRoot } = paths();
  const base = path.join(stateRoot, name);
  // Elasticsearch runs as another user when we are root; if the state folder is closed to
  // that user (a clone under /root, say), its data and config go to a folder under /tmp.
  const work =
    name === 'elasticsearch' && isRoot && !traversableByOthers(base)
      ? path.join(os.tmpdir(), `quantum-chat-engines-${createHash('sha1').update(stateRoot).digest('hex').slice(0, 10)}-${name}`)
      : base;
  return {
    base,
    data: path.join(work, 'data'),
    conf: path.join(work, 'conf'),
    log: path.join(base, `${name}.log`),
    state: path.join(base, 'state.json'),
    lock: path.join(stateRoot, `${name}.lock`),
  };
}

function selectEngines(names) {
  const wanted = names?.length ? names : ENGINE_NAMES;
  const unknown = wanted.filter((n) => !ENGINES[n]);
  if (unknown.length) throw new EngineError(`unknown engine ${unknown.join(', ')}: choose from ${ENGINE_NAMES.join(', ')}`);
  return [...new Set(wanted)];
}

const sayFor = (name, log) => (msg) => log(`[engines] ${name}: ${msg}`);

/** The running process that `up` recorded, if it is still alive and still ours. */
function runningOf(name) {
  const dirs = dirsOf(name);
  const state = readJson(dirs.state);
  const r = state?.running;
  return r && groupIsOurs(r.pid, dirs.conf) ? r : null; // each engine's command line names its conf folder
}

async function probeQuietly(engine, port) {
  try {
    return await engine.probe(port);
  } catch (e) {
    return { ok: false, why: e.cause?.code ?? e.code ?? e.message }; // fetch hides ECONNREFUSED in cause
  }
}

async function waitUntilAnswering(engine, port, { deadlineMs, say, child = null, log = null }) {
  say(`waiting for ${engine.label} on ${HOST}:${port}…`);
  const t0 = Date.now();
  let nextNote = t0 + 20_000;
  let last;
  while (Date.now() < deadlineMs) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new EngineError(
        `${engine.label} exited (${child.signalCode ?? `exit code ${child.exitCode}`}) before it answered. Last lines of ${log}:\n${readTail(log, 25)}`,
      );
    }
    last = await probeQuietly(engine, port);
    if (last.ok) return last;
    if (Date.now() > nextNote) {
      say(`still waiting for ${engine.label} (${seconds(Date.now() - t0)}; last check: ${last.why})`);
      nextNote += 20_000;
    }
    await sleep(500);
  }
  throw new EngineError(
    `${engine.label} did not answer on ${HOST}:${port} within ${seconds(Date.now() - t0)} (last check: ${last?.why}).` +
      (engine.waitEnv ? ` If it is only slow (a busy machine), set ${engine.waitEnv[0]} higher.` : '') +
      (log ? ` Last lines of ${log}:\n${readTail(log, 25)}` : ''),
  );
}

async function upMachineService(name, log) {
  const engine = ENGINES[name];
  const say = sayFor(name, log);
  const port = engine.port();
  const t0 = Date.now();
  let answer = await probeQuietly(engine, port);
  if (!answer.ok) {
    const tool = engine.startCommand.split(' ')[0];
    if (!commandExists(tool)) {
      throw new EngineError(
        `${engine.label} is not answering on ${HOST}:${port} (${answer.why}) and ${tool} is not installed here: ${engine.startHint}`,
      );
    }
    say(`not answering (${answer.why}): starting the machine's service: ${engine.startCommand}`);
    try {
      await run('sh', ['-c', engine.startCommand], { what: `starting ${engine.label}` });
    } catch (e) {
      throw new EngineError(`${e.message}\nStart ${engine.label} by hand (${engine.startCommand}) and read its log for the cause.`);
    }
    answer = await waitUntilAnswering(engine, port, { deadlineMs: Date.now() + 60_000, say });
  }
  await engine.afterUp?.(port, say);
  say(`up on ${HOST}:${port} (${engine.label} ${answer.version ?? '?'}, the machine's service)`);
  const dirs = dirsOf(name);
  writeJson(dirs.state, { lastUp: { totalMs: Date.now() - t0, at: new Date().toISOString() }, version: answer.version });
}

/**
 * Starts an engine's command detached: its own process group, so `down` can signal the
 * launcher and anything it forks at once, and it outlives this command. Output goes to its log.
 */
async function spawnDetached(launch, dirs) {
  const out = fs.openSync(dirs.log, 'a');
  const child = spawn(launch.cmd, launch.args, {
    cwd: launch.cwd ?? dirs.data,
    env: launch.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) {
    const why = await new Promise((resolve) => child.once('error', resolve));
    throw new EngineError(`could not start ${launch.cmd}: ${why.message}`);
  }
  child.unref();
  child.on('error', () => {}); // a failure after start shows as exitCode to whoever waits on it
  return child;
}

async function upJvmEngine(name, log) {
  const engine = ENGINES[name];
  const say = sayFor(name, log);
  const dirs = dirsOf(name);
  const ports = engine.ports();
  const t0 = Date.now();
  return withLock(dirs.lock, say, async () => {
    const running = runningOf(name);
    if (running) {
      // Ours and alive: answering means a no-op; otherwise it is still starting, so wait.
      if (!(await probeQuietly(engine, running.port)).ok) {
        await waitUntilAnswering(engine, running.port, { deadlineMs: Date.now() + waitMs(engine), say, log: dirs.log });
      }
      say(`already up (pid ${running.pid}, ${HOST}:${running.port})`);
      return;
    }
    const foreign = await probeQuietly(engine, ports.main);
    if (foreign.ok) {
      say(`something not started by engines.mjs already answers as ${engine.label} on ${HOST}:${ports.main}: using it as it is`);
      return;
    }
    for (const [role, port] of Object.entries(ports)) {
      if (await portTaken(port)) {
        throw new EngineError(
          `port ${port} (${role}) is taken by another program: stop it, or set ${portSetting(name, role)} to a free port`,
        );
      }
    }

    const java = path.join(javaHome(), 'bin/java');
    const fetched = await engine.fetch(say);
    const tFetched = Date.now();

    fs.rmSync(dirs.data, { recursive: true, force: true });
    fs.rmSync(dirs.conf, { recursive: true, force: true });
    for (const d of [dirs.base, dirs.data, dirs.conf]) fs.mkdirSync(d, { recursive: true });
    const launch = await engine.prepare({ dirs, ports, fetched, java, say });

    say(`starting ${engine.label} ${engine.version} (log: ${shortPath(dirs.log)})…`);
    fs.writeFileSync(dirs.log, `# ${new Date().toISOString()} engines.mjs up ${name}\n# ${launch.cmd} ${launch.args.join(' ')}\n`);
    const child = await spawnDetached(launch, dirs);
    const state = readJson(dirs.state) ?? {};
    state.running = {
      pid: child.pid,
      port: ports.main,
      ports,
      version: engine.version,
      startedAt: new Date().toISOString(),
      log: dirs.log,
      // What `restart` runs again on the same data; an engine started with an environment of
      // its own (Elasticsearch) is not restarted, so no environment is written down here.
      launch: launch.env ? null : { cmd: launch.cmd, args: launch.args, cwd: launch.cwd ?? dirs.data },
    };
    writeJson(dirs.state, state);

    try {
      const answer = await waitUntilAnswering(engine, ports.main, {
        deadlineMs: Date.now() + waitMs(engine),
        say,
        child,
        log: dirs.log,
      });
      const done = Date.now();
      state.running.version = answer.version ?? engine.version;
      state.lastUp = { totalMs: done - t0, startMs: done - tFetched, at: new Date(done).toISOString() };
      writeJson(dirs.state, state);
      say(`up on ${HOST}:${ports.main} in ${seconds(done - tFetched)} (pid ${child.pid}, ${engine.label} ${state.running.version})`);
    } catch (e) {
      // Leave nothing half-started behind: the next `up` starts clean.
      await stopGroup(child.pid, 10_000, say);
      delete state.running;
      writeJson(dirs.state, state);
      throw new EngineError(`${e.message}\nWhole log: ${dirs.log}. Fix the cause, then run: npm run engines -- up ${name}`);
    }
  });
}

/**
 * Brings the named engines up (all when none are named) and resolves to their status.
 * Engines start in parallel; mvn fetches run one at a time. Rejects, once all have
 * finished trying, with every engine's failure.
 */
export async function up(names = [], { log = console.log } = {}) {
  const list = selectEngines(names);
  const results = await Promise.allSettled(list.map((n) => (machineServices[n] ? upMachineService(n, log) : upJvmEngine(n, log))));
  const failures = results.map((r, i) => [list[i], r]).filter(([, r]) => r.status === 'rejected');
  if (failures.length) {
    const err = new EngineError(failures.map(([n, r]) => `${n}: ${r.reason.message}`).join('\n\n'));
    err.failed = failures.map(([n]) => n);
    err.reasons = Object.fromEntries(failures.map(([n, r]) => [n, r.reason.message]));
    throw err;
  }
  return status(list);
}

/** Stops what `up` started (never the machine's PostgreSQL or Redis) and deletes its data. */
export async function down(names = [], { log = console.log, graceMs = 30_000 } = {}) {
  for (const name of selectEngines(names)) {
    const say = sayFor(name, log);
    if (machineServices[name]) {
      say('left running (the machine service is not ours to stop)');
      continue;
    }
    const dirs = dirsOf(name);
    await withLock(dirs.lock, say, async () => {
      const state = readJson(dirs.state) ?? {};
      if (state.running && groupIsOurs(state.running.pid, dirs.conf)) {
        say(`stopping pid ${state.running.pid}…`);
        await stopGroup(state.running.pid, graceMs, say);
        say('stopped');
      } else {
        say('not running');
      }
      delete state.running;
      if (fs.existsSync(dirs.base)) writeJson(dirs.state, state);
      const work = path.dirname(dirs.data);
      // Data and config are throwaway; a folder of ours under /tmp goes whole.
      for (const d of work === dirs.base ? [dirs.data, dirs.conf] : [work]) fs.rmSync(d, { recursive: true, force: true });
    });
  }
}

/**
 * Stops a JVM engine this checkout runs and starts it again on the same data and ports: a
 * broker restart, for the fault suite. `signal` SIGKILL is a crash, SIGTERM a clean stop;
 * `whileDown` runs between the stop and the start (the engine is away meanwhile).
 */
export async function restart(name, { log = console.log, signal = 'SIGTERM', whileDown = async () => undefined } = {}) {
  const engine = jvmEngines[name];
  if (!engine) throw new EngineError(`restart: ${name} is not one of ${Object.keys(jvmEngines).join(', ')}`);
  const say = sayFor(name, log);
  const dirs = dirsOf(name);
  const running = runningOf(name);
  if (!running?.launch) throw new EngineError(`restart: ${engine.label} is not running from this checkout (npm run engines -- up ${name})`);
  say(`${signal} to pid ${running.pid} (data kept)…`);
  if (signal === 'SIGTERM') await stopGroup(running.pid, 30_000, say);
  else {
    process.kill(-running.pid, signal);
    for (let i = 0; i < 80 && groupMembers(running.pid).length > 0; i++) await sleep(250);
  }
  await whileDown();
  const t0 = Date.now();
  fs.appendFileSync(dirs.log, `# ${new Date().toISOString()} engines.mjs restart ${name} (after ${signal})\n`);
  const child = await spawnDetached(running.launch, dirs);
  const state = readJson(dirs.state) ?? {};
  state.running = { ...running, pid: child.pid, startedAt: new Date().toISOString() };
  writeJson(dirs.state, state);
  await waitUntilAnswering(engine, running.port, { deadlineMs: Date.now() + waitMs(engine), say, child, log: dirs.log });
  say(`up again on ${HOST}:${running.port} in ${seconds(Date.now() - t0)} (pid ${child.pid})`);
  return Date.now() - t0;
}

/** One entry per engine: is it up, who runs it, pid, port, version, resident memory, last `up`. */
export async function status(names = []) {
  return Promise.all(
    selectEngines(names).map(async (name) => {
      const engine = ENGINES[name];
      const dirs = dirsOf(name);
      const state = readJson(dirs.state);
      const running = machineServices[name] ? null : runningOf(name);
      const port = running?.port ?? (engine.port ? engine.port() : engine.ports().main);
      const answer = await probeQuietly(engine, port);
      return {
        name,
        label: engine.label,
        up: answer.ok,
        runBy: machineServices[name] ? 'machine' : running ? 'engines.mjs' : answer.ok ? 'other' : null,
        pid: running?.pid ?? null,
        port,
        // What answers, else what up recorded, else what up would start.
        version: answer.version ?? running?.version ?? (answer.ok ? null : (engine.version ?? state?.version)) ?? null,
        rssMiB: running ? groupRssMiB(running.pid) : null,
        lastUp: state?.lastUp ?? null,
        log: running ? dirs.log : null,
        why: answer.ok ? null : answer.why,
      };
    }),
  );
}

/** The environment that points the app at the engines that are up. */
export function engineEnv(statuses, { evenIfDown = false } = {}) {
  return Object.assign({}, ...statuses.filter((s) => s.up || evenIfDown).map((s) => ENGINES[s.name].env(s.port)));
}

// ---------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------

function printStatus(list) {
  const rows = list.map((s) => [
    s.name,
    s.up ? 'up' : 'down',
    s.pid ? `pid ${s.pid}` : s.runBy === 'machine' ? 'machine service' : s.runBy === 'other' ? 'not ours' : '-',
    `${HOST}:${s.port}`,
    s.version ?? '?',
    s.rssMiB !== null ? `rss ${s.rssMiB} MiB` : '',
    s.lastUp ? `last up ${seconds(s.lastUp.totalMs)}${s.lastUp.startMs !== undefined ? ` (start ${seconds(s.lastUp.startMs)})` : ''}` : '',
    s.up ? '' : `(${s.why})`,
  ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

const envLine = (list) =>
  Object.entries(engineEnv(list))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

async function main(argv) {
  const [command, ...names] = argv;
  const t0 = Date.now();
  switch (command) {
    case 'up': {
      const list = await up(names);
      console.log(`\n[engines] ready in ${seconds(Date.now() - t0)}:`);
      printStatus(list);
      console.log(`\nPoint the app at them (DATABASE_URL also needs JWT_SECRET):\n${envLine(await status())}`);
      return;
    }
    case 'down':
      await down(names);
      return;
    case 'status':
      printStatus(await status(names));
      return;
    case 'env':
      console.log(envLine(await status(names)));
      return;
    default:
      console.error(
        'usage: npm run engines -- up|down|status|env [kafka|cassandra|elasticsearch|s3mock|redis|postgres …]\n' +
          '  up      start the named engines (all when none are named); a running one is left as it is\n' +
          '  down    stop what up started and delete its data (PostgreSQL and Redis are left running)\n' +
          '  status  up/down, pid, port, version, memory and how long the last up took\n' +
          '  env     the REDIS_URL=… KAFKA_BROKERS=… line for the engines that are up',
      );
      process.exitCode = command ? 2 : 0;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  // `… status | head` closes the pipe early: that is not a failure.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(process.argv.slice(2)).catch((e) => {
    console.error(`\n[engines] ${e instanceof EngineError ? e.message : e.stack}`);
    process.exitCode = 1;
  });
}
