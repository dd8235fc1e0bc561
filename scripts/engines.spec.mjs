// node:test spec for the test runner's engine choice (npm test runs scripts/*.spec.mjs too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { portsForThisRun } from './engines.mjs';

const listen = (port = 0) =>
  new Promise((resolve, reject) => {
    const srv = net.createServer((sock) => sock.destroy());
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
const close = (srv) => new Promise((resolve) => srv.close(resolve));
const canListen = (port) =>
  listen(port).then(
    (srv) => close(srv).then(() => true),
    () => false,
  );

/** Points Kafka's usual ports (as engines.mjs reads them) at two ports of the test's own choosing. */
async function withKafkaPorts(fn) {
  const a = await listen();
  const b = await listen();
  const ports = [a.address().port, b.address().port];
  await Promise.all([close(a), close(b)]);
  const saved = { main: process.env.KAFKA_PORT, controller: process.env.KAFKA_CONTROLLER_PORT };
  process.env.KAFKA_PORT = String(ports[0]);
  process.env.KAFKA_CONTROLLER_PORT = String(ports[1]);
  try {
    return await fn(ports);
  } finally {
    for (const [k, v] of [
      ['KAFKA_PORT', saved.main],
      ['KAFKA_CONTROLLER_PORT', saved.controller],
    ])
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

test('a test run gets free ports of its own for each JVM engine someone else runs, and only for those', async () => {
  const settings = await portsForThisRun([
    { name: 'kafka', runBy: 'other' }, // another checkout's, or a shell's that may stop mid-run
    { name: 'elasticsearch', runBy: 'other' },
    { name: 'cassandra', runBy: 'engines.mjs' }, // this checkout's own: used as it is
    { name: 'redis', runBy: 'machine' }, // the machine's services are shared on purpose
    { name: 'postgres', runBy: 'machine' },
  ]);
  assert.deepEqual(Object.keys(settings).sort(), [
    'ELASTICSEARCH_PORT',
    'ELASTICSEARCH_TRANSPORT_PORT',
    'KAFKA_CONTROLLER_PORT',
    'KAFKA_PORT',
  ]);
  const ports = Object.values(settings).map(Number);
  assert.equal(new Set(ports).size, ports.length, `four different ports: ${ports.join(', ')}`);
  for (const port of ports) assert.ok(await canListen(port), `port ${port} is free`);
});

test('an engine whose usual ports are free keeps them', () =>
  withKafkaPorts(async () => {
    assert.deepEqual(await portsForThisRun([{ name: 'kafka', runBy: null }]), {});
  }));

test("any program on one of an engine's usual ports (not only an engine) moves all of them", () =>
  withKafkaPorts(async ([, controller]) => {
    const squatter = await listen(controller); // answers nothing Kafka would say
    try {
      const settings = await portsForThisRun([{ name: 'kafka', runBy: null }]);
      assert.deepEqual(Object.keys(settings).sort(), ['KAFKA_CONTROLLER_PORT', 'KAFKA_PORT']);
      assert.notEqual(Number(settings.KAFKA_CONTROLLER_PORT), controller);
      for (const port of Object.values(settings).map(Number)) assert.ok(await canListen(port), `port ${port} is free`);
    } finally {
      await close(squatter);
    }
  }));

test('a retry after a failed start moves the ports even when they look free', () =>
  withKafkaPorts(async ([main, controller]) => {
    const settings = await portsForThisRun([{ name: 'kafka', runBy: null }], { all: true });
    assert.deepEqual(Object.keys(settings).sort(), ['KAFKA_CONTROLLER_PORT', 'KAFKA_PORT']);
    assert.ok(
      !Object.values(settings)
        .map(Number)
        .some((p) => p === main || p === controller),
    );
  }));
