import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { PostgresUploadStore } from '../../src/adapters/postgres/postgres-upload-store.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import type { NewUpload } from '../../src/ports/upload-store.port';
import { createGroupRoom } from '../support/fixtures';
import { startTestDatabase, type TestDatabase } from '../support/test-database';

/* The uploads table on a real PostgreSQL: what is kept, and who may attach what to which message. */

let db: TestDatabase;
let meta: PostgresMetadataStore;
let uploads: PostgresUploadStore;
let alice: string;
let bob: string;
let room: string;
let otherRoom: string;

async function user(name: string) {
  const id = uuidv7();
  await meta.createUser({ id, username: `${name}${id.slice(-12)}`, displayName: name, passwordHash: 'unused' });
  return id;
}

function upload(extra: Partial<NewUpload> = {}): NewUpload {
  return {
    id: uuidv7(),
    roomId: room,
    uploaderId: alice,
    name: 'holiday.jpg',
    size: 123_456,
    mimeType: 'image/jpeg',
    kind: 'image',
    width: 1600,
    height: 1200,
    blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
    thumbnails: [320, 1280],
    ...extra,
  };
}

before(async () => {
  db = await startTestDatabase();
  meta = new PostgresMetadataStore(db.ds);
  uploads = new PostgresUploadStore(db.ds);
  alice = await user('alice');
  bob = await user('bob');
  room = await createGroupRoom(meta, alice, [bob], 'uploads');
  otherRoom = await createGroupRoom(meta, alice, [bob], 'elsewhere');
});
after(() => db?.stop());

describe('PostgresUploadStore', () => {
  test('keeps what it is told, unattached, and reads it back', async () => {
    const made = await uploads.create(upload({ size: 26_214_400 }));
    const read = await uploads.get(made.id);
    assert.deepEqual(read, made);
    assert.equal(read!.size, 26_214_400);
    assert.deepEqual(read!.thumbnails, [320, 1280]);
    assert.equal(read!.messageId, null);
    assert.ok(read!.createdAt instanceof Date);
    const file = await uploads.create(upload({ name: 'notes.pdf', mimeType: 'application/pdf', kind: 'file', width: null, height: null, blurhash: null, thumbnails: [] }));
    assert.equal((await uploads.get(file.id))!.kind, 'file');
    assert.equal(await uploads.get(uuidv7()), null);
  });

  test('attaches the uploader\'s own uploads of that room to a message, in the order asked; again is a no-op', async () => {
    const a = await uploads.create(upload());
    const b = await uploads.create(upload({ name: 'b.png' }));
    const messageId = uuidv7();
    const attached = await uploads.attach([b.id, a.id], { messageId, roomId: room, uploaderId: alice });
    assert.deepEqual(
      attached?.map((u) => [u.id, u.messageId]),
      [
        [b.id, messageId],
        [a.id, messageId],
      ],
    );
    // A retried send attaches the same again: fine, nothing changes.
    assert.equal((await uploads.attach([a.id, b.id], { messageId, roomId: room, uploaderId: alice }))?.length, 2);
    assert.deepEqual(
      (await uploads.listByMessage(messageId)).map((u) => u.id).sort(),
      [a.id, b.id].sort(),
    );
  });

  test('all or none: someone else\'s upload, another room\'s, one on another message or one that is not there attaches nothing', async () => {
    const mine = await uploads.create(upload());
    const bobs = await uploads.create(upload({ uploaderId: bob }));
    const elsewhere = await uploads.create(upload({ roomId: otherRoom }));
    const taken = await uploads.create(upload());
    await uploads.attach([taken.id], { messageId: uuidv7(), roomId: room, uploaderId: alice });
    for (const other of [bobs.id, elsewhere.id, taken.id, uuidv7()]) {
      const messageId = uuidv7();
      assert.equal(await uploads.attach([mine.id, other], { messageId, roomId: room, uploaderId: alice }), null, other);
      assert.deepEqual(await uploads.listByMessage(messageId), []);
    }
    assert.equal((await uploads.get(mine.id))!.messageId, null, 'still free to attach');
    assert.deepEqual(await uploads.attach([], { messageId: uuidv7(), roomId: room, uploaderId: alice }), []);
  });

  test('two sends racing for one upload: exactly one gets it', async () => {
    const contested = await uploads.create(upload());
    const results = await Promise.all(
      [uuidv7(), uuidv7(), uuidv7()].map((messageId) => uploads.attach([contested.id], { messageId, roomId: room, uploaderId: alice })),
    );
    assert.equal(results.filter((r) => r !== null).length, 1);
  });

  test('the sweep sees uploads never attached and older than the cut-off, oldest first; delete removes one', async () => {
    const old = await uploads.create(upload());
    const older = await uploads.create(upload());
    await db.ds.query(`UPDATE uploads SET created_at = now() - interval '2 days' WHERE id = $1`, [old.id]);
    await db.ds.query(`UPDATE uploads SET created_at = now() - interval '3 days' WHERE id = $1`, [older.id]);
    const attachedOld = await uploads.create(upload());
    await uploads.attach([attachedOld.id], { messageId: uuidv7(), roomId: room, uploaderId: alice });
    await db.ds.query(`UPDATE uploads SET created_at = now() - interval '3 days' WHERE id = $1`, [attachedOld.id]);
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    assert.deepEqual(
      (await uploads.unattachedBefore(dayAgo, 10)).map((u) => u.id),
      [older.id, old.id],
    );
    assert.equal((await uploads.unattachedBefore(dayAgo, 1)).length, 1);
    await uploads.delete(older.id);
    await uploads.delete(older.id); // twice is fine
    assert.equal(await uploads.get(older.id), null);
  });

  test('a deleted room takes its uploads\' rows with it', async () => {
    const gone = await createGroupRoom(meta, alice, [], 'to-delete');
    const u = await uploads.create(upload({ roomId: gone }));
    await meta.deleteRoom(gone);
    assert.equal(await uploads.get(u.id), null);
  });
});
