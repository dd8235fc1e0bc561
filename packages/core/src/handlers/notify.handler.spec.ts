import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import { MemoryPresenceStore } from '../adapters/memory/memory-presence.adapter';
import type { LogRecord } from '../ports/message-log.port';
import type { MembershipRecord } from '../ports/metadata.port';
import type { OfflineNotification } from '../ports/notification-sink.port';
import { createNotifyHandler } from './notify.handler';

const roomId = '01a20792-8333-7000-85fe-754887c65700';
// Members by name: the handler only compares ids.
const [ann, bob, cat, dan] = ['ann', 'bob', 'cat', 'dan'] as const;

const message = (seq: number, senderId: string, content = `message ${seq}`): Message => ({
  id: `01a20792-8333-7000-85fe-7548870001${String(seq).padStart(2, '0')}`,
  roomId,
  seq,
  senderId,
  clientMsgId: `c${seq}`,
  content,
  contentType: 'text',
  replyTo: null,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, seq)).toISOString(),
});
const sent = (m: Message): LogRecord => ({ type: 'message.created', message: m });

/**
 * The room's members (counting each listing), the in-memory presence adapter (counting each
 * read), and a sink that records what it is handed.
 */
async function setup(members: string[], online: string[]) {
  const asked = { listMembers: 0, presence: 0 };
  const meta = {
    listMembers: async (id: string): Promise<MembershipRecord[]> => {
      asked.listMembers++;
      return members.map((userId) => ({
        roomId: id,
        userId,
        role: 'member',
        joinedAt: new Date(0),
        readSeq: 0,
        notifyLevel: null,
        mutedUntil: null,
      }));
    },
  };
  const store = new MemoryPresenceStore();
  for (const userId of online) await store.setConnection(userId, `${userId}-tab`, 'online', 60_000);
  const presence = {
    get: (userIds: string[]) => {
      asked.presence++;
      return store.get(userIds);
    },
  };
  const published: OfflineNotification[][] = [];
  const sink = { publish: async (batch: OfflineNotification[]) => void published.push(batch), close: async () => undefined };
  return { handler: createNotifyHandler(meta, presence, sink), asked, published };
}

test("a room's run lists the members once and reads presence once; each message notifies the offline members but its sender", async () => {
  const { handler, asked, published } = await setup([ann, bob, cat, dan], [bob]);
  const first = message(1, ann);
  const edited = { ...first, content: 'edited', editedAt: new Date().toISOString(), version: 3 };
  await handler.run([
    sent(first),
    sent(message(2, cat)),
    { type: 'message.updated', update: { roomId, seq: 3, message: edited } },
    sent(message(4, ann)),
  ]);
  assert.deepEqual(asked, { listMembers: 1, presence: 1 });
  assert.deepEqual(
    published.map((batch) => batch.map((n) => [n.seq, n.userId])),
    [
      [
        [1, cat],
        [1, dan],
        [2, ann],
        [2, dan],
        [4, cat],
        [4, dan],
      ],
    ],
    'one batch for the run, in its order; bob is online, nobody hears of their own message, a change notifies no one',
  );
  assert.deepEqual(published[0]![0], {
    id: `${first.id}:${cat}`,
    userId: cat,
    roomId,
    messageId: first.id,
    seq: 1,
    senderId: ann,
    preview: 'message 1',
    createdAt: first.createdAt,
  });
});

test('a long message is previewed in 140 characters; a run that tells no one publishes nothing and reads no presence', async () => {
  const { handler, published } = await setup([ann, bob, cat], [bob]);
  await handler.run([sent(message(1, ann, 'x'.repeat(500)))]);
  assert.deepEqual(
    published.map((batch) => batch.map((n) => [n.userId, n.preview])),
    [[[cat, `${'x'.repeat(139)}…`]]],
  );
  const alone = await setup([ann], []);
  await alone.handler.run([sent(message(1, ann)), sent(message(2, ann))]);
  assert.deepEqual(alone.asked, { listMembers: 1, presence: 0 }, 'the only member sent the whole run');
  assert.deepEqual(alone.published, []);
  const allOnline = await setup([ann, bob], [ann, bob]);
  await allOnline.handler.run([sent(message(1, ann)), sent(message(2, bob))]);
  assert.deepEqual(allOnline.published, []);
});
