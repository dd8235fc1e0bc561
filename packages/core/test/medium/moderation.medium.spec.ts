import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * Moderation on real PostgreSQL: mutes that refuse sends and lift by themselves, kicks,
 * bans that keep people out, roles, and the audit log, which no query may rewrite.
 */

let t: TestCore;
let owner: string;
let mod: string;
let ann: string;
let bob: string;
let room: string;

const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
const send = (who: string, content = 'hello', roomId = room) => t.core.messages.send(who, { roomId, clientMsgId: uuidv7(), content });

before(async () => {
  t = await startTestCore();
  [owner, mod, ann, bob] = [await t.user('owner'), await t.user('mod'), await t.user('ann'), await t.user('bob')];
  const { room: created } = await t.core.rooms.create(owner, { kind: 'channel', name: `modroom${Date.now()}` });
  room = created.id;
  await t.core.rooms.addMember(room, owner, { userId: mod, role: 'moderator' });
  for (const who of [ann, bob]) await t.core.rooms.addMember(room, who, { userId: who });
});
after(() => t.stop());

describe('mutes', () => {
  test("a moderator mutes a member: their sends are refused MUTED with the end and the reason; others' go on", async () => {
    const muted = await t.core.moderation.mute(mod, room, ann, { minutes: 10, reason: 'cool off' });
    assert.ok(Math.abs(Date.parse(muted.until!) - Date.now() - 600_000) < 5_000);
    const refused = await send(ann).catch((e: unknown) => e);
    assert.ok(refused instanceof AppError && refused.code === 'MUTED', String(refused));
    assert.equal(refused.toBody().until, muted.until);
    assert.match(refused.message, /cool off/);
    assert.equal((await send(bob)).created, true);
  });

  test('a mute lifts by itself at its time, and by hand before it', async () => {
    // A mute of a minute, then time passes in memory: RoomStates reads the end as it was set.
    await t.core.moderation.mute(mod, room, bob, { minutes: 1, reason: 'brief' });
    await assert.rejects(send(bob), code('MUTED'));
    await t.core.moderation.unmute(mod, room, ann, { reason: 'calmer now' });
    assert.equal((await send(ann)).created, true, 'lifted by hand');
    // Ended in the database (as if a minute went by): the next read of the room lets them speak.
    await t.db.ds.query(`UPDATE room_members SET silenced_until = now() - interval '1 second' WHERE room_id = $1 AND user_id = $2`, [
      room,
      bob,
    ]);
    t.core.roomEvents.announceChanged(room);
    assert.equal((await send(bob)).created, true, 'lifted by itself');
  });

  test('members cannot mute; a moderator cannot mute the owner, an admin or themselves', async () => {
    await assert.rejects(t.core.moderation.mute(ann, room, bob, { minutes: 5, reason: 'x' }), code('FORBIDDEN'));
    await assert.rejects(t.core.moderation.mute(mod, room, owner, { minutes: 5, reason: 'x' }), code('FORBIDDEN'));
    await assert.rejects(t.core.moderation.mute(mod, room, mod, { minutes: 5, reason: 'x' }), code('FORBIDDEN'));
    const stranger = await t.user('stranger');
    await assert.rejects(t.core.moderation.mute(stranger, room, bob, { minutes: 5, reason: 'x' }), code('FORBIDDEN'));
    await assert.rejects(t.core.moderation.mute(mod, room, stranger, { minutes: 5, reason: 'x' }), code('NOT_FOUND'), 'not a member');
  });
});

describe('kicks and bans', () => {
  test('a kicked member is out and may come back; a banned one may not rejoin or be invited until the ban is lifted', async () => {
    const cat = await t.user('cat');
    await t.core.rooms.addMember(room, cat, { userId: cat });
    await t.core.moderation.kick(mod, room, cat, { reason: 'spam' });
    assert.equal(await t.core.rooms.membership(room, cat), null);
    await assert.rejects(send(cat), code('FORBIDDEN'));
    await t.core.rooms.addMember(room, cat, { userId: cat });

    await assert.rejects(t.core.moderation.ban(mod, room, cat, { reason: 'again' }), code('FORBIDDEN'), 'banning is for admins and up');
    const ban = await t.core.moderation.ban(owner, room, cat, { reason: 'again' });
    assert.equal(ban.until, null);
    assert.equal(await t.core.rooms.membership(room, cat), null);
    await assert.rejects(t.core.rooms.addMember(room, cat, { userId: cat }), code('FORBIDDEN'), 'no rejoin');
    await assert.rejects(t.core.rooms.addMember(room, owner, { userId: cat }), code('FORBIDDEN'), 'no invite');
    await t.core.moderation.unban(owner, room, cat, { reason: 'second chance' });
    await t.core.rooms.addMember(room, cat, { userId: cat });
    assert.ok(await t.core.rooms.membership(room, cat));
  });

  test('a timed ban ends by itself; the owner is never kicked or banned', async () => {
    const dan = await t.user('dan');
    const ban = await t.core.moderation.ban(owner, room, dan, { reason: 'a day out', minutes: 24 * 60 });
    assert.ok(ban.until && Date.parse(ban.until) > Date.now());
    await assert.rejects(
      t.core.rooms.addMember(room, dan, { userId: dan }),
      (e: unknown) => e instanceof AppError && /until/.test(e.message),
    );
    await t.db.ds.query(`UPDATE room_bans SET until = now() - interval '1 second' WHERE room_id = $1 AND user_id = $2`, [room, dan]);
    await t.core.rooms.addMember(room, dan, { userId: dan });
    const boss = await t.user('boss');
    await t.core.moderation.setInstanceRole(null, boss, 'admin', 'test');
    await assert.rejects(t.core.moderation.kick(boss, room, owner, { reason: 'x' }), code('CONFLICT'));
  });
});

describe('staff and the audit log', () => {
  test('instance moderators act in rooms they are not in; members never reach the audit log', async () => {
    const eve = await t.user('eve');
    await t.core.moderation.setInstanceRole(null, eve, 'moderator', 'test');
    await t.core.moderation.mute(eve, room, bob, { minutes: 3, reason: 'from the dashboard' });
    await assert.rejects(send(bob), code('MUTED'));
    await assert.rejects(t.core.moderation.audit(ann, { limit: 10 }), code('FORBIDDEN'));
    await assert.rejects(t.core.moderation.setInstanceRole(eve, ann, 'moderator', 'x'), code('FORBIDDEN'), 'only admins grant roles');
  });

  test('every action is in the log with actor, target, reason and before/after, filterable, newest first, paged', async () => {
    const admin = await t.user('root');
    await t.core.moderation.setInstanceRole(null, admin, 'admin', 'test');
    const all = await t.core.moderation.audit(admin, { limit: 500 });
    const mutes = all.entries.filter((e) => e.action === 'member.mute' && e.targetUserId === ann);
    assert.equal(mutes.length, 1);
    assert.deepEqual([mutes[0]!.actorId, mutes[0]!.roomId, mutes[0]!.reason], [mod, room, 'cool off']);
    assert.deepEqual(mutes[0]!.before, { mutedUntil: null });
    assert.ok(typeof mutes[0]!.after?.mutedUntil === 'string');
    const kinds = new Set(all.entries.map((e) => e.action));
    for (const k of ['member.mute', 'member.unmute', 'member.kick', 'member.ban', 'member.unban', 'user.grant-role'])
      assert.ok(kinds.has(k as never), k);
    const ids = all.entries.map((e) => Number(e.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'newest first',
    );

    const byMod = await t.core.moderation.audit(admin, { actor: mod, limit: 500 });
    assert.ok(byMod.entries.length > 0 && byMod.entries.every((e) => e.actorId === mod));
    const bans = await t.core.moderation.audit(admin, { action: 'member.ban', roomId: room, limit: 500 });
    assert.ok(bans.entries.length >= 2 && bans.entries.every((e) => e.action === 'member.ban' && e.roomId === room));
    const first = await t.core.moderation.audit(admin, { limit: 2 });
    const second = await t.core.moderation.audit(admin, { limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(
      [...first.entries, ...second.entries].map((e) => e.id),
      all.entries.slice(0, 4).map((e) => e.id),
    );
    const future = await t.core.moderation.audit(admin, { after: new Date(Date.now() + 60_000).toISOString(), limit: 10 });
    assert.deepEqual(future.entries, []);
  });

  test('the audit log is append-only below the code: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    for (const sql of ['UPDATE audit_log SET reason = $1', 'DELETE FROM audit_log WHERE reason <> $1', 'TRUNCATE audit_log']) {
      await assert.rejects(
        t.db.ds.query(sql, sql.includes('$1') ? ['rewritten'] : []),
        (e: unknown) => /append-only/.test(String((e as Error).message)),
        sql,
      );
    }
    const rows = await t.db.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE reason = 'rewritten'`);
    assert.equal(rows[0].n, 0);
  });

  test("a moderator deletes a member's message: a tombstone in the stream, and the log keeps what it said", async () => {
    const { message } = await send(ann, 'something regrettable');
    const deleted = await t.core.messageActions.delete(mod, { roomId: room, messageId: message.id });
    assert.ok(deleted.deletedAt);
    assert.equal(deleted.deletedBy, mod);
    await assert.rejects(
      t.core.messageActions.delete(ann, { roomId: room, messageId: (await send(mod, 'from the mod')).message.id }),
      code('FORBIDDEN'),
      'a member deletes only their own',
    );
    const admin = await t.user('auditor');
    await t.core.moderation.setInstanceRole(null, admin, 'admin', 'test');
    const [entry] = (await t.core.moderation.audit(admin, { action: 'message.delete', limit: 1 })).entries;
    assert.deepEqual(
      [entry!.actorId, entry!.targetUserId, entry!.messageId, entry!.before?.content],
      [mod, ann, message.id, 'something regrettable'],
    );
  });
});

describe('word rules', () => {
  test("an instance rule blocks a send and an edit naming the rule; a flagging one lets it through and writes it down; a room's rule stays in its room", async () => {
    const admin = await t.user('rulemaker');
    await t.core.moderation.setInstanceRole(null, admin, 'admin', 'test');
    const blocker = await t.core.wordRules.create(admin, null, {
      name: 'no spam words',
      kind: 'words',
      pattern: 'viagra, casino',
      action: 'block',
    });
    await t.core.wordRules.create(admin, null, { name: 'invite links', kind: 'pattern', pattern: 'discord\\.gg/\\w+', action: 'flag' });
    const other = await t.core.rooms.create(owner, { kind: 'group', name: 'elsewhere', memberIds: [ann] });
    const roomRule = await t.core.wordRules.create(owner, other.room.id, {
      name: 'no spoilers',
      kind: 'words',
      pattern: 'spoiler',
      action: 'block',
    });

    const refused = await send(ann, 'cheap CASINO chips').catch((e: unknown) => e);
    assert.ok(refused instanceof AppError && refused.code === 'BLOCKED', String(refused));
    assert.match(refused.message, /"no spam words"/);
    const lastSeq = (await t.core.meta.findRoomById(room))!.lastSeq;
    assert.equal((await send(ann, 'casinos are big buildings')).created, true, 'a longer word is another word');
    assert.equal((await t.core.meta.findRoomById(room))!.lastSeq, lastSeq + 1, 'the blocked one took no seq');

    const { message } = await send(ann, 'fine text');
    await assert.rejects(t.core.messageActions.edit(ann, { roomId: room, messageId: message.id, content: 'now viagra' }), code('BLOCKED'));

    assert.equal((await send(ann, 'a spoiler here')).created, true, "the room rule is the other room's");
    await assert.rejects(send(ann, 'a spoiler here', other.room.id), code('BLOCKED'));

    const flagged = await send(ann, 'join discord.gg/abc now');
    assert.equal(flagged.created, true);
    let entry;
    for (let i = 0; i < 50 && !entry; i++) {
      [entry] = (await t.core.moderation.audit(admin, { action: 'message.flag', limit: 1 })).entries;
      if (!entry) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual([entry!.messageId, entry!.targetUserId, entry!.reason], [flagged.message.id, ann, 'met "invite links"']);

    // The dashboard's test box, and taking rules away.
    assert.deepEqual(
      (await t.core.wordRules.test(admin, { text: 'casino at discord.gg/x' })).matches.map((m) => [m.name, m.action]),
      [
        ['no spam words', 'block'],
        ['invite links', 'flag'],
      ],
    );
    await t.core.wordRules.remove(admin, null, blocker.id);
    assert.equal((await send(ann, 'casino night')).created, true, 'removed: it lets the word through at once');
    await assert.rejects(t.core.wordRules.remove(ann, other.room.id, roomRule.id), code('FORBIDDEN'), 'only its admins and owner');
    await assert.rejects(
      t.core.wordRules.create(mod, null, { name: 'x', kind: 'words', pattern: 'x', action: 'block' }),
      code('FORBIDDEN'),
    );
    await assert.rejects(
      t.core.wordRules.create(admin, null, { name: 'slow', kind: 'pattern', pattern: '(a+)+$', action: 'block' }),
      code('VALIDATION'),
    );
  });

  test('another node hears of a changed rule through the bus and reloads it', async () => {
    const admin = await t.user('rulemaker2');
    await t.core.moderation.setInstanceRole(null, admin, 'admin', 'test');
    // A rule written straight into the database (as another node would have), then announced.
    await t.db.ds.query(
      `INSERT INTO word_rules (id, room_id, name, kind, pattern, action, created_by) VALUES ($1, NULL, 'from elsewhere', 'words', 'zebra', 'block', $2)`,
      [uuidv7(), admin],
    );
    assert.equal((await send(ann, 'a zebra')).created, true, 'not loaded yet');
    t.core.roomEvents.announceChanged('word-rules');
    for (let i = 0; i < 50; i++) {
      if ((await t.core.wordRules.test(admin, { text: 'zebra' })).matches.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await assert.rejects(send(ann, 'another zebra'), code('BLOCKED'));
  });
});
