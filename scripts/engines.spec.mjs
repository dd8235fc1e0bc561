// node:test spec for the test runner's engine choice (npm test runs scripts/*.spec.mjs too).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { portsAwayFromForeignEngines } from './engines.mjs';

const canListen = (port) =>
  new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

test('a test run gets free ports of its own for each JVM engine someone else runs, and only for those', async () => {
  const settings = await portsAwayFromForeignEngines([
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

test('nothing foreign, nothing moved', async () => {
  assert.deepEqual(
    await portsAwayFromForeignEngines([
      { name: 'kafka', runBy: null },
      { name: 'cassandra', runBy: 'engines.mjs' },
    ]),
    {},
  );
});
