// The whole harness against a baseline broken on purpose (BASELINE_FAULT): every 7th broadcast
// skips a recipient, or reaches one twice. The run must say so and exit 1; the same run
// against the sound baseline exits 0. Tiny sizes: a few seconds per run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const run = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/run.mjs');
const TINY =
  'users=40,channelSize=20,steps=40,stepMs=800,drainMs=400,overloadMs=500,storm=8,stormRate=20,stormMs=1200,stormJitterMs=200,idle=10,holdMs=100,settleMs=1500';

function bench(only, fault) {
  const out = mkdtempSync(path.join(tmpdir(), 'qc-bench-spec-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [run, '--quick', '--only', only, '--set', TINY, '--out', out], {
      env: { ...process.env, BASELINE_FAULT: fault ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('exit', (code) => {
      rmSync(out, { recursive: true, force: true });
      resolve({ code, text });
    });
  });
}

// Started together: each run is mostly waiting, and three at once take the time of one.
const runs = { sound: bench('ws'), drop: bench('ws', 'drop'), duplicate: bench('socketio', 'duplicate') };

test('a sound baseline: exit 0, and it says 0 lost, 0 duplicated', async () => {
  const r = await runs.sound;
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /0 lost, 0 duplicated, 0 out of order/);
});

test('a baseline that drops a recipient now and then: the run reports losses and exits 1', async () => {
  const r = await runs.drop;
  assert.equal(r.code, 1, r.text);
  assert.match(r.text, /ws: mix\d+: [1-9]\d* lost/);
});

test('a baseline that delivers twice now and then: the run reports duplicates and exits 1', async () => {
  const r = await runs.duplicate;
  assert.equal(r.code, 1, r.text);
  assert.match(r.text, /socketio: mix\d+: 0 lost, [1-9]\d* duplicated/);
});
