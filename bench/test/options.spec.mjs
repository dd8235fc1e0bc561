import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TARGETS, parseOnly, WORKLOADS } from '../src/options.mjs';

test('no --only: the embedded product and both baselines, every workload', () => {
  assert.deepEqual(parseOnly(undefined), { targets: ['product', 'socketio', 'ws'], workloads: WORKLOADS });
});

test('the distributed profile runs only when named (it needs Kafka, Cassandra and Elasticsearch)', () => {
  assert.ok(!DEFAULT_TARGETS.includes('distributed'));
  assert.deepEqual(parseOnly('distributed,socketio,mix'), { targets: ['distributed', 'socketio'], workloads: ['mix'] });
});

test('targets only: those targets, every workload (the flag as it was before workloads could be named)', () => {
  assert.deepEqual(parseOnly('product,ws'), { targets: ['product', 'ws'], workloads: WORKLOADS });
});

test('a workload only: every target, that workload', () => {
  assert.deepEqual(parseOnly('idle'), { targets: DEFAULT_TARGETS, workloads: ['idle'] });
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
    /--only idel: not a target \(product, distributed, socketio, ws\) nor a workload \(mix, overload, storm, idle\)/,
  );
});
