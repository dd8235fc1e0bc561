import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { InProcessMessageLog, RecordingBroadcaster } from '@qc/core';
import type { Message } from '@qc/shared';
import { WorkersModule } from './workers.module';
import { describeWorkersMode } from './main';

test('the workers context subscribes the fan-out consumer to the message log', async () => {
  const log = new InProcessMessageLog(() => assert.fail('a consumer failed'));
  const broadcaster = new RecordingBroadcaster();
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, broadcaster), { logger: false });
  const message: Message = {
    id: '01a20792-8333-7000-85fe-754887c65753',
    roomId: '01a20792-8333-7000-85fe-754887c65754',
    seq: 1,
    senderId: '01a20792-8333-7000-85fe-754887c65755',
    clientMsgId: 'c1',
    content: 'hi',
    contentType: 'text',
    replyTo: null,
    createdAt: new Date().toISOString(),
  };
  await log.publish({ type: 'message.created', message });
  assert.deepEqual(
    broadcaster.of('message:new').map((e) => [e.to.room, (e.payload as Message).id]),
    [[message.roomId, message.id]],
  );
  await ctx.close();
});

test('without a shared log the workers process explains that the api runs the consumers', () => {
  assert.equal(describeWorkersMode({ kafka: null }).runsHere, false);
  assert.match(describeWorkersMode({ kafka: null }).reason, /in-process/);
  assert.equal(
    describeWorkersMode({
      kafka: {
        brokers: ['127.0.0.1:9092'],
        topic: 'chat.messages',
        notificationsTopic: 'chat.notifications',
        partitions: 1,
        replicationFactor: 1,
      },
    }).runsHere,
    true,
  );
});
