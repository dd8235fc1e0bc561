import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AuditPage, AuthResponse, CaseDetail, CasePage, Message, MyReport, MyRoom } from '@qc/shared';
import { ApiHarness, call, until, waitFor, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * Reports as cases (issue #14 item 4) on the real api: members report, reports of one message
 * join one case, the evidence is frozen when the case opens and survives the message's edit
 * and delete, the instance's staff work the case (assign, note, mute from the case), the
 * reporters are told the outcome live and in their list, and every case endpoint refuses
 * anyone who is not staff. A flagging word rule opens a case too.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let h: ApiHarness;
let chief: AuthResponse;
let staff: TestUser;
let owner: TestUser;
let reporter: TestUser;
let second: TestUser;
let offender: TestUser;
let stranger: TestUser;
let room: MyRoom;
let offenderSocket: ClientSocket;
let reported: Message;

/** A send, waited out and sent again when refused RATE_LIMITED (the setup sends 23 in a row), as the web outbox does. */
async function send(socket: ClientSocket, content: string): Promise<Message> {
  const payload = { roomId: room.id, clientMsgId: `c-${randomBytes(6).toString('hex')}`, content };
  for (;;) {
    const ack = (await call(socket, 'message:send', payload)) as {
      ok: boolean;
      message?: Message;
      error?: { code: string; retryAfterMs?: number };
    };
    if (ack.error?.code === 'RATE_LIMITED') {
      await new Promise((done) => setTimeout(done, ack.error?.retryAfterMs ?? 100));
      continue;
    }
    assert.equal(ack.ok, true, JSON.stringify(ack.error));
    return ack.message!;
  }
}

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  chief = await h.registerAs(chiefName);
  [staff, owner, reporter, second, offender, stranger] = await Promise.all([
    h.user('staff'),
    h.user('owner'),
    h.user('reporter'),
    h.user('second'),
    h.user('offender'),
    h.user('stranger'),
  ]);
  const granted = await h.http('PUT', `/admin/users/${staff.user.id}/role`, {
    token: chief.accessToken,
    body: { role: 'moderator', reason: 'cases' },
  });
  assert.equal(granted.status, 204);
  room = await h.group(owner, [reporter, second, offender], 'reported');
  const ownerSocket = await h.connect(owner.accessToken);
  offenderSocket = await h.connect(offender.accessToken);
  for (let i = 1; i <= 11; i++) await send(ownerSocket, `before ${i}`);
  reported = await send(offenderSocket, 'you are awful');
  const edit = await call(offenderSocket, 'message:edit', { roomId: room.id, messageId: reported.id, content: 'you are all awful' });
  assert.equal(edit.ok, true);
  for (let i = 1; i <= 11; i++) await send(ownerSocket, `after ${i}`);
});
after(() => h?.stop());

const report$ = (m: { id: string }) => `/rooms/${room.id}/messages/${m.id}/report`;
let caseId: string;

describe('reporting a message', () => {
  test('a member reports: a case opens; a second reporter joins it; reporting again changes nothing', async () => {
    const first = await h.http<MyReport>('POST', report$(reported), {
      token: reporter.accessToken,
      body: { reason: 'harassment', note: 'aimed at me' },
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.outcome, 'pending');
    caseId = first.body.caseId;
    const other = await h.http<MyReport>('POST', report$(reported), { token: second.accessToken, body: { reason: 'hate' } });
    assert.equal(other.body.caseId, caseId);
    const again = await h.http<MyReport>('POST', report$(reported), { token: reporter.accessToken, body: { reason: 'spam' } });
    assert.equal(again.body.caseId, caseId);
    const c = await h.http<CaseDetail>('GET', `/admin/cases/${caseId}`, { token: staff.accessToken });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.deepEqual(
      c.body.reports.map((r) => [r.reporterId, r.reason, r.note]),
      [
        [reporter.user.id, 'harassment', 'aimed at me'],
        [second.user.id, 'hate', ''],
      ],
    );
    assert.equal(c.body.reportCount, 2);
    assert.equal(c.body.status, 'open');
    assert.equal(c.body.people.users[offender.user.id]?.username, offender.user.username);
  });

  test('refused with a code and nothing filed: my own message, a stranger, a missing message, a bad body', async () => {
    const mine = await send(await h.connect(reporter.accessToken), 'my own words');
    const cases: [TestUser, string, unknown, number, string][] = [
      [reporter, report$(mine), { reason: 'spam' }, 400, 'VALIDATION'],
      [stranger, report$(reported), { reason: 'spam' }, 403, 'FORBIDDEN'],
      [reporter, report$({ id: '01a20792-8333-7000-85fe-754887c65700' }), { reason: 'spam' }, 404, 'NOT_FOUND'],
      [reporter, report$(reported), { reason: 'boring' }, 400, 'VALIDATION'],
      [reporter, report$(reported), { reason: 'spam', note: 'x'.repeat(1001) }, 400, 'VALIDATION'],
      [reporter, report$(reported), { reason: 'spam', extra: 1 }, 400, 'VALIDATION'],
    ];
    for (const [who, url, body, status, code] of cases) {
      const r = await h.http<{ error: { code: string } }>('POST', url, { token: who.accessToken, body });
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
    }
    const queue = await h.http<CasePage>('GET', '/admin/cases', { token: chief.accessToken });
    assert.deepEqual(
      queue.body.cases.map((c) => c.id),
      [caseId],
    );
  });

  test('every case endpoint refuses a member, the room owner and a stranger FORBIDDEN, and no token 401', async () => {
    const calls: [string, string, unknown?][] = [
      ['GET', '/admin/cases'],
      ['GET', `/admin/cases/${caseId}`],
      ['PUT', `/admin/cases/${caseId}/assignee`, { assigneeId: null }],
      ['POST', `/admin/cases/${caseId}/notes`, { text: 'x' }],
      ['POST', `/admin/cases/${caseId}/actions`, { action: 'dismiss', reason: 'x' }],
    ];
    for (const [method, url, body] of calls) {
      for (const who of [reporter, owner, stranger]) {
        const r = await h.http<{ error: { code: string } }>(method, url, { token: who.accessToken, body });
        assert.equal(r.status, 403, `${method} ${url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'FORBIDDEN');
      }
      assert.equal((await h.http(method, url, { body })).status, 401);
    }
    const c = await h.http<CaseDetail>('GET', `/admin/cases/${caseId}`, { token: staff.accessToken });
    assert.deepEqual([c.body.status, c.body.notes.length], ['open', 0]);
  });
});

describe('the evidence', () => {
  test('is the message, its earlier text, and ten messages each side, as they were when the case opened', async () => {
    const c = (await h.http<CaseDetail>('GET', `/admin/cases/${caseId}`, { token: staff.accessToken })).body;
    assert.equal(c.evidence.message.id, reported.id);
    assert.equal(c.evidence.message.content, 'you are all awful');
    assert.deepEqual(
      c.evidence.earlierVersions.map((v) => v.content),
      ['you are awful'],
    );
    assert.deepEqual(
      c.evidence.before.map((m) => m.content),
      Array.from({ length: 10 }, (_, i) => `before ${i + 2}`),
    );
    assert.deepEqual(
      c.evidence.after.map((m) => m.content),
      Array.from({ length: 10 }, (_, i) => `after ${i + 1}`),
    );
  });

  test('stays as it was when the message is edited again and deleted', async () => {
    assert.equal(
      (await call(offenderSocket, 'message:edit', { roomId: room.id, messageId: reported.id, content: 'nothing to see' })).ok,
      true,
    );
    assert.equal((await call(offenderSocket, 'message:delete', { roomId: room.id, messageId: reported.id })).ok, true);
    const c = (await h.http<CaseDetail>('GET', `/admin/cases/${caseId}`, { token: staff.accessToken })).body;
    assert.equal(c.evidence.message.content, 'you are all awful');
    assert.equal(c.evidence.message.deletedAt ?? null, null);
    // …and a deleted message can no longer be reported.
    const late = await h.http<{ error: { code: string } }>('POST', report$(reported), {
      token: owner.accessToken,
      body: { reason: 'spam' },
    });
    assert.equal(late.status, 404);
  });
});

describe('working the case', () => {
  test('staff assign it to themselves and note it; only staff can be assignees', async () => {
    const bad = await h.http<{ error: { code: string } }>('PUT', `/admin/cases/${caseId}/assignee`, {
      token: staff.accessToken,
      body: { assigneeId: owner.user.id },
    });
    assert.equal(bad.status, 400);
    const mine = await h.http<CaseDetail>('PUT', `/admin/cases/${caseId}/assignee`, {
      token: staff.accessToken,
      body: { assigneeId: staff.user.id },
    });
    assert.deepEqual([mine.status, mine.body.status, mine.body.assigneeId], [200, 'assigned', staff.user.id]);
    const noted = await h.http<CaseDetail>('POST', `/admin/cases/${caseId}/notes`, {
      token: staff.accessToken,
      body: { text: 'second time this week' },
    });
    assert.equal(noted.status, 201);
    assert.deepEqual(
      noted.body.notes.map((n) => [n.authorId, n.text]),
      [[staff.user.id, 'second time this week']],
    );
  });

  test('a mute from the case: the offender is refused MUTED, the case is actioned, the reporters are told live and in their list', async () => {
    const reporterSocket = await h.connect(reporter.accessToken);
    const told = waitFor<MyReport>(reporterSocket, 'report:outcome', (r) => r.caseId === caseId);
    const bad = await h.http<{ error: { code: string } }>('POST', `/admin/cases/${caseId}/actions`, {
      token: staff.accessToken,
      body: { action: 'mute', reason: 'x' },
    });
    assert.equal(bad.status, 400, 'a mute needs its minutes');
    const done = await h.http<CaseDetail>('POST', `/admin/cases/${caseId}/actions`, {
      token: staff.accessToken,
      body: { action: 'mute', minutes: 10, reason: 'harassing members' },
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'actioned');
    assert.deepEqual(
      done.body.actions.map((a) => [a.action, a.targetUserId, a.caseId]),
      [
        ['case.assign', staff.user.id, caseId],
        ['case.note', null, caseId],
        ['member.mute', offender.user.id, caseId],
      ],
    );
    assert.equal(done.body.resolution?.outcome, 'actioned');
    const refused = await call(offenderSocket, 'message:send', { roomId: room.id, clientMsgId: 'after-mute', content: 'still here' });
    assert.equal(refused.error?.code, 'MUTED');
    assert.equal((await told).outcome, 'actioned');
    const list = await h.http<{ reports: MyReport[] }>('GET', '/reports/mine', { token: second.accessToken });
    assert.deepEqual(
      list.body.reports.map((r) => [r.caseId, r.outcome]),
      [[caseId, 'actioned']],
    );
    const again = await h.http<{ error: { code: string } }>('POST', `/admin/cases/${caseId}/actions`, {
      token: staff.accessToken,
      body: { action: 'dismiss', reason: 'x' },
    });
    assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
    const audit = await h.http<AuditPage>('GET', `/admin/audit?action=member.mute&target=${offender.user.id}`, {
      token: chief.accessToken,
    });
    assert.equal(audit.body.entries[0]?.caseId, caseId);
    const queue = await h.http<CasePage>('GET', '/admin/cases', { token: staff.accessToken });
    assert.deepEqual(queue.body.cases, []);
    const actioned = await h.http<CasePage>('GET', '/admin/cases?status=actioned', { token: staff.accessToken });
    assert.deepEqual(
      actioned.body.cases.map((c) => c.id),
      [caseId],
    );
  });

  test('a flagging word rule opens a case with the rule in its evidence; dismissed, it leaves the queue', async () => {
    const rule = await h.http('POST', '/admin/rules', {
      token: chief.accessToken,
      body: { name: 'fruit talk', kind: 'words', pattern: 'bananas', action: 'flag' },
    });
    assert.equal(rule.status, 201);
    const flagged = await send(await h.connect(second.accessToken), 'I like bananas');
    let found: CasePage['cases'][number] | undefined;
    await until(
      () => found !== undefined,
      10_000,
      'a case for the flagged message',
      async () => {
        found = (await h.http<CasePage>('GET', '/admin/cases', { token: staff.accessToken })).body.cases.find(
          (c) => c.messageId === flagged.id,
        );
      },
    );
    const c = (await h.http<CaseDetail>('GET', `/admin/cases/${found!.id}`, { token: staff.accessToken })).body;
    assert.deepEqual([c.source, c.reportCount, c.evidence.rules], ['rule', 0, [{ name: 'fruit talk', matched: 'bananas' }]]);
    const dismissed = await h.http<CaseDetail>('POST', `/admin/cases/${c.id}/actions`, {
      token: staff.accessToken,
      body: { action: 'dismiss', reason: 'harmless' },
    });
    assert.deepEqual([dismissed.body.status, dismissed.body.actions.map((a) => a.action)], ['dismissed', ['case.dismiss']]);
  });
});
