#!/usr/bin/env node
// `npm test`: every suite of the project, in one run.
//   1. build every workspace (turbo; cached parts are reused)
//   2. unit, medium (real PostgreSQL) and api/socket contract specs with node:test
//   3. the bench's smoke run (`npm run bench -- --quick`): 0 acked messages lost or duplicated
//      under load, against the product (embedded, and distributed on the engines of step 2)
//      and both baselines (speed is reported, not asserted)
//   4. Playwright end-to-end specs in Debian's Chromium against `npm start`
//   5. the fault suite (scripts/faults.mjs, `npm run faults`), once the shared engines are stopped
// Flags: --no-build, --no-e2e, --only-e2e, --no-bench, --no-faults.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const t0 = Date.now();
const say = (line) => console.log(`\n[test +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' };

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit', env, ...opts });
    child.on('error', (e) => {
      console.error(`could not run ${cmd}: ${e.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function findSpecs(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) findSpecs(p, out);
    else if (name.endsWith('.spec.js')) out.push(p);
  }
  return out;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
/** Requests the OpenAPI fuzzer spec said it sent (`# fuzzer: K requests …`): bad inputs the fault suite's closing line adds up. */
let fuzzerRequests = 0;

if (!args.has('--no-build')) {
  say('building every workspace (turbo)');
  const code = await run(process.execPath, [
    path.join(root, 'node_modules/turbo/bin/turbo'),
    'run',
    'build',
    '--output-logs=errors-only',
    '--log-prefix=none',
  ]);
  if (code !== 0) {
    console.error('The build failed; fix the errors above and run "npm test" again.');
    process.exit(code);
  }
}

// The distributed suites (Redis contract, multi-node, Kafka pipeline) need these engines on
// loopback. Start the ones that are down; stop, at the end, the ones this run started.
// A Kafka, Cassandra or Elasticsearch this checkout did not start is not borrowed: whoever
// started it may stop it halfway through the run. Nor is a usual port shared with any other
// program. This run starts its own on free ports instead, and the specs are pointed at what
// is up through their TEST_* settings. An engine that fails to start gets one more try on
// fresh ports; if that fails too, the reason is repeated in the summary at the end, where a
// reader of a long log looks first.
const engineNames = ['postgres', 'redis', 'kafka', 'cassandra', 'elasticsearch', 's3mock'];
let startedEngines = [];
const engineFailures = [];
if (!args.has('--only-e2e')) {
  const { up, status, engineEnv, portsForThisRun } = await import('./engines.mjs');
  const before = await status(engineNames);
  const movePorts = async (statuses, opts) => {
    const ports = await portsForThisRun(statuses, opts);
    for (const [setting, port] of Object.entries(ports)) say(`${setting}=${port} for this run`);
    Object.assign(process.env, ports);
  };
  for (const s of before.filter((e) => e.runBy === 'other'))
    say(`${s.label} on ${s.port} was not started from this checkout: starting this run's own on a free port`);
  await movePorts(before);
  say(`engines: ${engineNames.join(', ')} (npm run engines -- up)`);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const wanted = attempt === 1 ? engineNames : engineFailures.splice(0).map((f) => f.name);
    try {
      await up(wanted);
      break;
    } catch (e) {
      const failed = e.failed ?? wanted;
      for (const name of failed) engineFailures.push({ name, why: e.reasons?.[name] ?? e.message });
      console.error(`Could not bring ${failed.join(', ')} up:\n${e.message}`);
      const retryable = attempt === 1 && failed.every((n) => !['postgres', 'redis'].includes(n));
      if (!retryable) break;
      say(`trying ${failed.join(', ')} once more, on fresh ports`);
      await movePorts(await status(failed), { all: true });
    }
  }
  const after = await status(engineNames);
  const ranBefore = new Set(before.filter((e) => e.runBy === 'engines.mjs').map((e) => e.name));
  startedEngines = after.filter((e) => e.runBy === 'engines.mjs' && !ranBefore.has(e.name)).map((e) => e.name);
  // Not DATABASE_URL: the PostgreSQL specs use an embedded cluster of their own unless told otherwise.
  // An engine that did not start is pointed at where it should be, so its specs fail plainly
  // instead of finding somebody else's on the usual port.
  for (const [name, value] of Object.entries(engineEnv(after, { evenIfDown: true }))) {
    if (name !== 'DATABASE_URL' && env[`TEST_${name}`] === undefined) env[`TEST_${name}`] = value;
  }
}

if (!args.has('--only-e2e')) {
  // The web app's pure client logic (gap-free merge, link detection) has node:test specs of its own.
  const webSpecs = await run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'apps/web/tsconfig.test.json']);
  if (webSpecs !== 0) {
    console.error('Compiling the web specs failed; fix the errors above and run "npm test" again.');
    process.exit(webSpecs);
  }
  const dists = ['packages/shared', 'packages/core', 'apps/workers', 'apps/api', 'apps/web', 'apps/desktop'].map((w) =>
    path.join(root, w, 'dist'),
  );
  // …and the scripts' own (the engine runner) and the bench's accounting, plain ESM with no build step.
  const scriptSpecs = ['scripts', 'bench/test'].flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((n) => n.endsWith('.spec.mjs'))
      .map((n) => path.join(root, dir, n)),
  );
  const specs = [...dists.flatMap((d) => findSpecs(d)), ...scriptSpecs].sort();
  if (specs.length === 0) {
    console.error('No compiled spec files were found under */dist: did the build run?');
    process.exit(1);
  }
  say(`node:test — ${specs.length} spec files (unit, medium on real PostgreSQL, api and socket contract)`);
  const tap = path.join(mkdtempSync(path.join(tmpdir(), 'qc-tap-')), 'results.tap');
  const code = await run(process.execPath, [
    '--test',
    '--test-concurrency=1',
    // A spec file that hangs (a synchronous loop included: the runner kills the file's process) is
    // cancelled after 10 minutes and named, instead of holding the run until CI's own limit kills it
    // with no word of where. The slowest file takes about a minute.
    '--test-timeout=600000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...specs.map((s) => path.relative(root, s)),
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  // A spec's own `# …` output line reaches the TAP file as `# \# …`.
  fuzzerRequests = Number((text.match(/^# (?:\\# )?fuzzer: (\d+) requests/m) ?? [])[1] ?? 0);
  const count = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled') + (code !== 0 && count('fail') === 0 && count('cancelled') === 0 ? 1 : 0);
  const skipped = count('skipped') + count('todo');
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`node:test: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

// The bench at its quick sizes as a smoke test: it exits non-zero when an acked message was
// lost, duplicated or out of order at any online member, or a target could not be driven.
// It boots its own product (embedded PostgreSQL) and baselines on free ports. Bounded, so a
// hung run costs minutes, not the whole CI job.
if (!args.has('--only-e2e') && !args.has('--no-bench')) {
  // The distributed profile too, on the engines started above (the bench finds them through TEST_*).
  const distributed = !args.has('--only-e2e') && engineFailures.length === 0;
  const targets = distributed ? ['--only', 'product,distributed,socketio,ws'] : [];
  say(
    `bench smoke run (npm run bench -- --quick${targets.length ? ` ${targets.join(' ')}` : ''}): 0 lost and 0 duplicated, ` +
      `against the product${distributed ? ' in both profiles' : ''} and both baselines`,
  );
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(root, 'bench/src/run.mjs'), '--quick', ...targets], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  const limit = setTimeout(() => child.kill('SIGTERM'), 10 * 60_000);
  const code = await new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  clearTimeout(limit);
  if (code === 0) totals.passed += 1;
  else totals.failed += 1;
  lines.push(
    `bench --quick: ${code === 0 ? 'passed (0 lost, 0 duplicated)' : `FAILED (exit code ${code}; see its problems above)`} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

if (!args.has('--no-e2e')) {
  if (!existsSync('/usr/bin/chromium')) {
    console.error(
      'The e2e specs need Debian\'s Chromium at /usr/bin/chromium: install it with "apt-get install -y chromium" and run "npm test" again.',
    );
    totals.failed += 1;
    lines.push('playwright: not run (no /usr/bin/chromium)');
  } else {
    say('Playwright e2e in /usr/bin/chromium (boots the product with `npm start` on port 3100)');
    const results = path.join(root, 'e2e/test-results/results.json');
    rmSync(results, { force: true });
    // The product was built above; the web server Playwright starts must not build it again.
    const code = await run(process.execPath, [path.join(root, 'node_modules/@playwright/test/cli.js'), 'test'], {
      cwd: path.join(root, 'e2e'),
      env: { ...env, QC_SKIP_BUILD: args.has('--no-build') ? (process.env.QC_SKIP_BUILD ?? '') : '1' },
    });
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let flaky = 0;
    if (existsSync(results)) {
      const stats = JSON.parse(readFileSync(results, 'utf8')).stats ?? {};
      flaky = stats.flaky ?? 0;
      passed = (stats.expected ?? 0) + flaky;
      failed = stats.unexpected ?? 0;
      skipped = stats.skipped ?? 0;
    }
    if (code !== 0 && failed === 0) failed = 1;
    totals.passed += passed;
    totals.failed += failed;
    totals.skipped += skipped;
    lines.push(`playwright: ${passed} passed (${flaky} of them only on retry), ${failed} failed, ${skipped} skipped`);
  }
}

if (startedEngines.length) {
  const { down } = await import('./engines.mjs');
  say(`stopping the engines this run started: ${startedEngines.join(', ')}`);
  await down(startedEngines, { log: () => undefined }).catch((e) =>
    console.error(`could not stop ${startedEngines.join(', ')}: ${e.message}`),
  );
}

// Last, on a machine the shared engines have left: it starts (and breaks) engines of its own.
if (!args.has('--only-e2e') && !args.has('--no-faults')) {
  say('fault suite (npm run faults): kill -9, a PostgreSQL stall, Redis and Kafka restarts, a reconnect storm');
  const summaryFile = path.join(mkdtempSync(path.join(tmpdir(), 'qc-faults-')), 'summary.json');
  const code = await run(process.execPath, [path.join(root, 'scripts/faults.mjs')], {
    env: { ...env, FAULTS_SUMMARY_FILE: summaryFile, FAULTS_EXTRA_BAD_INPUTS: String(fuzzerRequests) },
  });
  const summary = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : null;
  const failed = summary ? summary.failed.length + (code !== 0 && summary.failed.length === 0 ? 1 : 0) : 1;
  totals.passed += summary?.survived ?? 0;
  totals.failed += failed;
  lines.push(summary ? summary.line : `faults: did not finish (exit code ${code})`);
}

say(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
totals.failed += engineFailures.length; // a run whose engines did not all start has not tested everything
for (const f of engineFailures) {
  console.log(
    `  engine ${f.name} did not start, so the suites that need it cannot pass; run "npm run engines -- up ${f.name}" to see it again:`,
  );
  for (const l of f.why.split('\n').slice(0, 30)) console.log(`    ${l}`);
}
for (const l of lines) console.log(`  ${l}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
