import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise, window } from '../src/profile.mjs';

// root → (idle), root → handler → writev; one sample per 10 ms: idle for the first 100 ms,
// then writev for 50 ms, then the handler itself for 50 ms.
const frame = (id, functionName, children = []) => ({ id, callFrame: { functionName, url: '', lineNumber: 0 }, children });
const profile = {
  nodes: [frame(1, '(root)', [2, 3]), frame(2, '(idle)'), frame(3, 'handler', [4]), frame(4, 'writev')],
  samples: [...Array(10).fill(2), ...Array(5).fill(4), ...Array(5).fill(3)],
  timeDeltas: Array(20).fill(10_000),
};

test('a window keeps only the samples taken within it', () => {
  const w = window(profile, 105, 150);
  assert.deepEqual(w.samples, [4, 4, 4, 4, 4]);
  assert.equal(w.timeDeltas.length, 5);
  assert.equal(w.nodes, profile.nodes, 'the call tree is shared, not copied');
});

test('a summary of a window counts that window’s busy time only', () => {
  const md = summarise(window(profile, 0, 150), { top: 5, packages: 3 });
  assert.match(md, /busy 0\.1 s \(idle 0\.1 s\)/);
  assert.match(md, /\| writev \| 50 \| 100\.0 \|/);
  assert.doesNotMatch(md, /\| handler/, 'the handler ran only after the window');
});
