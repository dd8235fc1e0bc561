import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOnly, TARGETS, WORKLOADS } from '../src/options.mjs';

test('no --only: every target, every workload', () => {
  assert.deepEqual(parseOnly(undefined), { targets: TARGETS, workloads: WORKLOADS });
});

test('targets only: those targets, every workload (the flag as it was before workloads could be named)', () => {
  assert.deepEqual(parseOnly('product,ws'), { targets: ['product', 'ws'], workloads: WORKLOADS });
});

test('a workload only: every target, that workload', () => {
  assert.deepEqual(parseOnly('idle'), { targets: TARGETS, workloads: ['idle'] });
});

test('targets and workloads mixed, in any order, come back in the run order', () => {
  assert.deepEqual(parseOnly('idle,socketio,storm,product'), { targets: ['product', 'socketio'], workloads: ['storm', 'idle'] });
});

test('overload brings the chat mix it takes its rate from', () => {
  assert.deepEqual(parseOnly('overload').workloads, ['mix', 'overload']);
});

test('an unknown name is refused with the names there are', () => {
  assert.throws(
    () => parseOnly('product,idel'),
    /--only idel: not a target \(product, socketio, ws\) nor a workload \(mix, overload, storm, idle\)/,
  );
});
