import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseEvidence, Message } from '@qc/shared';
import { PostgresCaseStore } from '../../src/adapters/postgres/postgres-case-store.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * The case store on real PostgreSQL: one open case per message however many reports arrive
 * at once, a case closed once only, the queue paged in order, and a case's evidence kept
 * whatever later happens to the message.
 */

let t: TestCore;
let store: PostgresCaseStore;
let author: string;
const reporters: string[] = [];
let room: string;

const evidenceOf = (m: Message): CaseEvidence => ({
  takenAt: new Date().toISOString(),
  message: m,
  earlierVersions: [],
  before: [],
  after: [],
});

async function message(content: string): Promise<Message> {
  return (await t.core.messages.send(author, { roomId: room, clientMsgId: uuidv7(), content })).message;
}

before(async () => {
  t = await startTestCore();
  store = new PostgresCaseStore(t.db.ds);
  author = await t.user('author');
  for (let i = 0; i < 8; i++) reporters.push(await t.user(`reporter${i}`));
  const { room: created } = await t.core.rooms.create(author, { kind: 'channel', name: `cases${Date.now()}` });
  room = created.id;
  for (const who of reporters) await t.core.rooms.addMember(room, who, { userId: who });
});
after(() => t.stop());

describe('the case store', () => {
  test('eight first reports of one message at once: one case, eight reports, the first evidence kept', async () => {
    const m = await message('report me');
    const results = await Promise.all(
      reporters.map((reporterId, i) =>
        store.report(
          {
            id: uuidv7(),
            roomId: room,
            messageId: m.id,
            reportedUserId: author,
            source: 'report',
            evidence: evidenceOf({ ...m, content: `seen by ${i}` }),
          },
          { reporterId, reason: 'spam', note: '' },
        ),
      ),
    );
    assert.equal(new Set(results.map((r) => r.caseId)).size, 1);
    assert.equal(results.filter((r) => r.opened).length, 1);
    const opener = results.findIndex((r) => r.opened);
    const c = await store.get(results[0]!.caseId);
    assert.equal(c?.reportCount, 8);
    assert.equal(c?.evidence.message.content, `seen by ${opener}`);
  });

  test('a case closes once; a new report of the same message then opens a new case', async () => {
    const m = await message('again');
    const open = { roomId: room, messageId: m.id, reportedUserId: author, source: 'report' as const, evidence: evidenceOf(m) };
    const first = await store.report({ ...open, id: uuidv7() }, { reporterId: reporters[0]!, reason: 'spam', note: 'x' });
    assert.deepEqual(await store.resolve(first.caseId, 'dismissed', reporters[1]!, 'fine', null), { reporters: [reporters[0]] });
    assert.equal(await store.resolve(first.caseId, 'actioned', reporters[1]!, 'late', null), null);
    assert.equal((await store.get(first.caseId))?.status, 'dismissed');
    const second = await store.report({ ...open, id: uuidv7() }, { reporterId: reporters[0]!, reason: 'spam', note: 'y' });
    assert.equal(second.opened, true);
    assert.notEqual(second.caseId, first.caseId);
    assert.deepEqual(
      (await store.mine(reporters[0]!, 10)).filter((r) => r.messageId === m.id).map((r) => r.outcome),
      ['pending', 'dismissed'],
    );
  });

  test('the queue pages oldest first, by status', async () => {
    const all = await store.list({ status: 'queue', after: null, limit: 100 });
    const firstPage = await store.list({ status: 'queue', after: null, limit: 1 });
    const rest = await store.list({
      status: 'queue',
      after: { openedAt: new Date(firstPage[0]!.openedAt), id: firstPage[0]!.id },
      limit: 100,
    });
    assert.deepEqual(
      [...firstPage, ...rest].map((c) => c.id),
      all.map((c) => c.id),
    );
    assert.ok(all.every((c) => c.status === 'open' || c.status === 'assigned'));
    assert.equal((await store.list({ status: 'dismissed', after: null, limit: 100 })).length, 1);
  });

  test('the evidence stays when the message is deleted, and when its room is', async () => {
    const m = await message('evidence');
    const filed = await store.report(
      { id: uuidv7(), roomId: room, messageId: m.id, reportedUserId: author, source: 'report', evidence: evidenceOf(m) },
      { reporterId: reporters[2]!, reason: 'hate', note: '' },
    );
    await t.core.messageActions.delete(author, { roomId: room, messageId: m.id });
    assert.equal((await store.get(filed.caseId))?.evidence.message.content, 'evidence');
    await t.core.rooms.remove(room, author);
    assert.equal((await store.get(filed.caseId))?.evidence.message.content, 'evidence');
  });
});
