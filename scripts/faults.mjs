#!/usr/bin/env node
// `npm run faults`: the fault suite (issue #10). Breaks a running Quantum Chat while people
// keep sending, then counts, per client, what the server acked against what it kept:
//   kill    `kill -9` of `npm start` under send load, restarted by the same command
//   stall   the embedded PostgreSQL frozen (SIGSTOP) for a few seconds during sends
//   redis   the distributed profile's Redis killed and started again during sends
//   kafka   the distributed profile's Kafka broker killed and started again during sends
//   storm   2,000 sockets dropping and reconnecting at once, then a burst of bad payloads
// Every sender resends an un-acked message with the same clientMsgId until it is acked (the
// product's idempotent send), so afterwards every room must hold exactly the acked messages,
// once each, at seqs 1..N. Ends with one line:
//   faults: N survived, M bad inputs tried, 0 acked lost, 0 duplicated
// and exits non-zero if a scenario failed or anything acked was lost or duplicated.
// Runs against the existing build (npm test builds first, then runs this last). Flags:
// --only kill,stall,… Settings: FAULTS_STORM_SOCKETS (2000); FAULTS_EXTRA_BAD_INPUTS, bad
// inputs another suite tried, added to M (npm test passes the OpenAPI fuzzer's request
// count); FAULTS_SUMMARY_FILE, where to write the counts as JSON.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './launcher-testkit.mjs';
import { say } from './lib/fault-scenario-kit.mjs';
import { killNine } from './faults/kill.mjs';
import { postgresStall, STALL_MS } from './faults/stall.mjs';
import { kafkaRestart, redisRestart, startPrivateKafka } from './faults/distributed.mjs';
import { reconnectStorm, STORM_SOCKETS } from './faults/storm.mjs';

const SCENARIOS = [
  ['kill', 'kill -9 of npm start under send load, restarted by the same command', killNine],
  ['stall', `PostgreSQL frozen (SIGSTOP) for ${STALL_MS / 1000} s during sends`, postgresStall],
  ['redis', 'Redis killed and restarted during sends (distributed profile, two api nodes)', redisRestart],
  ['kafka', 'Kafka broker killed and restarted during sends (distributed profile)', () => kafkaRestart(privateKafka)],
  ['storm', `reconnect storm of ${STORM_SOCKETS} sockets, then bad payloads`, reconnectStorm],
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : null;
if (!existsSync(path.join(root, 'apps/api/dist/src/main.js'))) {
  console.error('The api is not built: run "npm run build" (or npm test) first, then "npm run faults".');
  process.exit(1);
}

let privateKafka = null;
const wanted = SCENARIOS.filter(([key]) => !only || only.has(key));
// The private Kafka boots while the first scenarios run (a JVM takes a while).
if (wanted.some(([key]) => key === 'kafka')) privateKafka = await startPrivateKafka();
// Kafka runs detached (its own process group): a Ctrl-C must not leave it behind.
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    say(`${sig}: stopping the private Kafka, then exiting`);
    void (privateKafka?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

let survived = 0;
let badInputsTried = Number(process.env.FAULTS_EXTRA_BAD_INPUTS || 0);
let lost = 0;
let duplicated = 0;
const failed = [];
for (const [key, title, scenario] of wanted) {
  say(`=== ${key}: ${title}`);
  const started = Date.now();
  try {
    const r = await scenario();
    lost += r.lost;
    duplicated += r.duplicated;
    badInputsTried += r.badInputs ?? 0;
    const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (r.problems.length) {
      failed.push(key);
      say(`=== ${key}: FAILED in ${took}:\n  - ${r.problems.slice(0, 20).join('\n  - ')}`);
    } else {
      survived++;
      say(
        `=== ${key}: survived in ${took} (${r.acked} acked, ${r.found} found, ${r.lost} lost, ${r.duplicated} duplicated${r.note ? `; ${r.note}` : ''})`,
      );
    }
  } catch (e) {
    failed.push(key);
    lost += e?.totals?.lost ?? 0;
    duplicated += e?.totals?.duplicated ?? 0;
    say(`=== ${key}: FAILED: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
if (failed.length) say(`failed: ${failed.join(', ')}`);
const line = `faults: ${survived} survived, ${badInputsTried} bad inputs tried, ${lost} acked lost, ${duplicated} duplicated`;
// npm test reads the counts from here rather than from this process's output.
if (process.env.FAULTS_SUMMARY_FILE)
  writeFileSync(
    process.env.FAULTS_SUMMARY_FILE,
    JSON.stringify({ survived, failed, badInputs: badInputsTried, lost, duplicated, line }) + '\n',
  );
console.log(line);
process.exit(failed.length || lost || duplicated ? 1 : 0);
