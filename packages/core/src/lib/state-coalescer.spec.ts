import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateCoalescer } from './state-coalescer';

const GAP = 150;

function recorder() {
  const told: [string, string][] = [];
  const c = new StateCoalescer<string>(
    GAP,
    (k, s) => void told.push([k, s]),
    (a, b) => a === b,
  );
  return { c, told };
}

test('a flood of offers within the gap is told once at once, and its last differing state at the gap end', async () => {
  const { c, told } = recorder();
  const started = Date.now();
  for (let i = 0; i < 1000; i++) await c.offer('k', i % 2 ? 'away' : 'online');
  await c.offer('k', 'away');
  assert.deepEqual(told, [['k', 'online']]);
  await sleep(GAP * 3);
  assert.deepEqual(told, [
    ['k', 'online'],
    ['k', 'away'],
  ]);
  assert.ok(Date.now() - started >= GAP, 'the second came no sooner than a gap after the first');
  c.close();
});

test('back to the state told within the gap: nothing more is told', async () => {
  const { c, told } = recorder();
  await c.offer('k', 'online');
  await c.offer('k', 'away');
  await c.offer('k', 'online');
  await sleep(GAP * 3);
  assert.deepEqual(told, [['k', 'online']]);
  c.close();
});

test('the same state is told again only when renewed and the gap is over; keys are apart', async () => {
  const { c, told } = recorder();
  await c.offer('a', 'typing', { renew: true });
  await c.offer('a', 'typing', { renew: true });
  assert.equal(c.settled('a', 'typing'), true);
  await c.offer('b', 'typing', { renew: true });
  assert.deepEqual(told, [
    ['a', 'typing'],
    ['b', 'typing'],
  ]);
  await sleep(GAP + 50);
  assert.equal(c.settled('a', 'typing'), false);
  await c.offer('a', 'typing', { renew: true });
  await c.offer('a', 'typing', { renew: true });
  assert.equal(told.filter(([k]) => k === 'a').length, 2);
  c.close();
});

test('a renewal bouncing back after a different state within the gap is told again at its end', async () => {
  const { c, told } = recorder();
  await c.offer('k', 'typing', { renew: true });
  await c.offer('k', 'stopped'); // waits for the gap end
  await c.offer('k', 'typing', { renew: true }); // typing again before it was told
  assert.equal(c.settled('k', 'typing'), false, 'something waits, so a renewal may not be skipped');
  assert.deepEqual(told, [['k', 'typing']]);
  await sleep(GAP * 3);
  // The receivers may have dropped the first "typing" by themselves (a message landed): told again.
  assert.deepEqual(told, [
    ['k', 'typing'],
    ['k', 'typing'],
  ]);
  c.close();
});
