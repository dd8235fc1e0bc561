import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, NotifyLevel, RoomKind } from '@qc/shared';
import { MemoryPresenceStore } from '../adapters/memory/memory-presence.adapter';
import type { LogRecord } from '../ports/message-log.port';
import type { MembershipRecord, RoomRecord, UserRecord } from '../ports/metadata.port';
import type { OfflineNotification } from '../ports/notification-sink.port';
import { createNotifyHandler, previewOf } from './notify.handler';

const roomId = '01a20792-8333-7000-85fe-754887c65700';
// Members as ids; their display names are the same words capitalised.
const [ann, bob, cat, dan] = [
  '01a20792-8333-7000-85fe-0000000000a1',
  '01a20792-8333-7000-85fe-0000000000b2',
  '01a20792-8333-7000-85fe-0000000000c3',
  '01a20792-8333-7000-85fe-0000000000d4',
] as const;
const NAMES: Record<string, string> = { [ann]: 'Ann', [bob]: 'Bob', [cat]: 'Cat', [dan]: 'Dan' };

const message = (seq: number, senderId: string, content = `message ${seq}`, more: Partial<Message> = {}): Message => ({
  id: `01a20792-8333-7000-85fe-7548870001${String(seq).padStart(2, '0')}`,
  roomId,
  seq,
  senderId,
  clientMsgId: `c${seq}`,
  content,
  contentType: 'text',
  replyTo: null,
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, seq)).toISOString(),
  ...more,
});
const sent = (m: Message): LogRecord => ({ type: 'message.created', message: m });
const mentioning = (...ids: string[]) => ({ mentions: { userIds: ids, everyone: false } });

interface MemberSetup {
  id: string;
  level?: NotifyLevel | null;
  mutedUntil?: Date | null;
}

/**
 * A room of `kind` with these members (counting each read of the store), the in-memory
 * presence adapter (counting each read), and a sink that records what it is handed.
 */
async function setup(kind: RoomKind, members: (string | MemberSetup)[], online: string[], opts: { recipients?: boolean } = {}) {
  const asked = { room: 0, listMembers: 0, presence: 0, users: 0 };
  const list = members.map((m) => (typeof m === 'string' ? { id: m } : m));
  const meta = {
    findRoomById: async (id: string): Promise<RoomRecord | null> => {
      asked.room++;
      return {
        id,
        kind,
        name: kind === 'direct' ? null : 'general',
        topic: null,
        createdBy: ann,
        createdAt: new Date(0),
        directKey: null,
        lastSeq: 0,
        lastMessageAt: null,
        memberCount: list.length,
      };
    },
    listMembers: async (id: string): Promise<MembershipRecord[]> => {
      asked.listMembers++;
      return list.map((m) => ({
        roomId: id,
        userId: m.id,
        role: 'member',
        joinedAt: new Date(0),
        readSeq: 0,
        deliveredSeq: 0,
        notifyLevel: m.level ?? null,
        mutedUntil: m.mutedUntil ?? null,
        silencedUntil: null,
        silenceReason: null,
      }));
    },
    findUsersByIds: async (ids: string[]): Promise<UserRecord[]> => {
      asked.users++;
      return ids.map((id) => ({
        id,
        username: NAMES[id]!.toLowerCase(),
        displayName: NAMES[id]!,
        avatarUrl: null,
        passwordHash: '',
        createdAt: new Date(0),
        lastSeenAt: null,
        deletedAt: null,
        timeZone: null,
        instanceRole: null,
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
  const sink = {
    hasRecipients: async () => opts.recipients ?? true,
    publish: async (batch: OfflineNotification[]) => void published.push(batch),
    close: async () => undefined,
  };
  return { handler: createNotifyHandler(meta, presence, sink), asked, published };
}

const told = (published: OfflineNotification[][]) => published.map((batch) => batch.map((n) => [n.seq, NAMES[n.userId]]));

test('in a DM every message is pushed to the other person when they have no device connected, not while they have one', async () => {
  const off = await setup('direct', [ann, bob], []);
  const first = message(1, ann, 'lunch?');
  await off.handler.run([sent(first)]);
  assert.deepEqual(off.published, [
    [
      {
        id: `${first.id}:${bob}`,
        userId: bob,
        roomId,
        roomKind: 'direct',
        roomTitle: 'Ann',
        messageId: first.id,
        seq: 1,
        senderId: ann,
        senderName: 'Ann',
        preview: 'lunch?',
        mention: true,
        inThread: false,
        createdAt: first.createdAt,
      },
    ],
  ]);
  const on = await setup('direct', [ann, bob], [bob]);
  await on.handler.run([sent(message(1, ann))]);
  assert.deepEqual(on.published, [], 'bob has a device connected: it tells him itself');
});

test("in a group a member who chose no level hears only what mentions them; 'all' hears everything, 'none' and a mute nothing", async () => {
  const later = new Date(Date.now() + 3600_000);
  const { handler, asked, published } = await setup('group', [ann, { id: bob, level: 'all' }, cat, { id: dan, level: 'none' }], []);
  await handler.run([
    sent(message(1, ann, 'plain')),
    sent(message(2, ann, `hi <@${cat}> and <@${dan}>`, mentioning(cat, dan))),
    { type: 'message.updated', update: { roomId, seq: 3, message: { ...message(1, ann), content: 'edited', version: 3 } } },
    sent(message(4, bob, 'from bob')),
  ]);
  assert.deepEqual(asked, { room: 1, listMembers: 1, presence: 1, users: 1 }, 'one read of each per run, whatever its length');
  assert.deepEqual(
    told(published),
    [
      [
        [1, 'Bob'],
        [2, 'Bob'],
        [2, 'Cat'],
      ],
    ],
    'bob chose all; cat is mentioned; dan chose none; a change pushes nothing; nobody hears their own',
  );
  assert.equal(published[0]![2]!.preview, 'hi @Cat and @Dan', 'mentions read as names');
  assert.equal(published[0]![2]!.roomTitle, 'general');

  const muted = await setup('channel', [ann, { id: bob, level: 'all', mutedUntil: later }, { id: cat, mutedUntil: new Date(0) }], []);
  await muted.handler.run([sent(message(1, ann, `<@${bob}> <@${cat}>`, mentioning(bob, cat)))]);
  assert.deepEqual(told(muted.published), [[[1, 'Cat']]], "bob's mute holds even for a mention; cat's ended long ago");
  assert.equal(muted.published[0]![0]!.roomTitle, '# general');
});

test('thread replies and @channel tell whom the message names; nothing is read when the sink reaches nobody', async () => {
  const { handler, published } = await setup('channel', [ann, bob, cat], []);
  await handler.run([
    sent(message(1, ann, 'in the thread', { threadRootId: 'root', ...mentioning(bob) })),
    sent(message(2, ann, '@channel hello', { mentions: { userIds: [], everyone: true } })),
  ]);
  assert.deepEqual(told(published), [
    [
      [1, 'Bob'],
      [2, 'Bob'],
      [2, 'Cat'],
    ],
  ]);
  assert.equal(published[0]![0]!.inThread, true);

  const nobody = await setup('direct', [ann, bob], [], { recipients: false });
  await nobody.handler.run([sent(message(1, ann))]);
  assert.deepEqual(nobody.asked, { room: 0, listMembers: 0, presence: 0, users: 0 });
  assert.deepEqual(nobody.published, []);

  const alone = await setup('group', [ann], []);
  await alone.handler.run([sent(message(1, ann)), sent(message(2, ann))]);
  assert.deepEqual(alone.asked.presence, 0, 'the only member sent the whole run: no presence read');
  assert.deepEqual(alone.published, []);
});

test('a preview is one line of at most 140 characters, and names the files of a message with no text', () => {
  const names = new Map(Object.entries(NAMES));
  assert.equal(previewOf(message(1, ann, `a\n\n  b ${'x'.repeat(300)}`), names).length, 140);
  assert.match(previewOf(message(1, ann, `a\n\n  b ${'x'.repeat(300)}`), names), /^a b x+…$/);
  const file = {
    id: 'f',
    name: 'plan.pdf',
    size: 1,
    mimeType: 'application/pdf',
    kind: 'file' as const,
    width: null,
    height: null,
    blurhash: null,
    thumbnails: [],
  };
  assert.equal(previewOf(message(1, ann, '', { attachments: [file] }), names), 'File: plan.pdf');
  assert.equal(previewOf(message(1, ann, '', { attachments: [{ ...file, kind: 'image', name: 'cat.jpg' }] }), names), 'Photo: cat.jpg');
  assert.equal(previewOf(message(1, ann, '', { attachments: [file, file] }), names), '2 files');
  assert.equal(previewOf(message(1, ann, `ping <@${dan}>`), new Map()), 'ping @someone');
});
