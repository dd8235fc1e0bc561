import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import { AppError } from '../../src/errors';
import { uuidv7 } from '../../src/lib/uuidv7';
import { UploadsService } from '../../src/uploads/uploads.service';
import { createGroupRoom } from '../support/fixtures';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * Uploads end to end in core: real PostgreSQL, the disk media store under the data folder,
 * real sharp and file-type. What is kept, what is refused (with nothing left behind), who
 * may read what, and a send that carries files.
 */

let t: TestCore;
let alice: string;
let bob: string;
let carol: string;
let room: string;
let mediaDir: string;
const MAX = 2 * 1024 * 1024;

const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
const fileOf = (bytes: Buffer, name: string, chunk = 16 * 1024) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return { stream: Readable.from(parts), name };
};

/** Every file under the media folder (the objects and anything half-written). */
async function mediaFiles(): Promise<string[]> {
  const entries = await readdir(mediaDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(mediaDir, path.join(e.parentPath, e.name)));
}

/** A 2000×1000 photo as a phone takes it: EXIF with the camera, GPS position, and "rotate 90°". */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 2000, height: 1000, channels: 3, background: { r: 200, g: 60, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'SpyCam', Model: 'Model 7' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

before(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-uploads-'));
  mediaDir = path.join(dataDir, 'media');
  t = await startTestCore({ UPLOAD_MAX_BYTES: String(MAX), QC_DATA_DIR: dataDir });
  alice = await t.user('alice');
  bob = await t.user('bob');
  carol = await t.user('carol');
  room = await createGroupRoom(t.core.meta, alice, [bob], 'photos');
});
after(() => t?.stop());

describe('UploadsService on PostgreSQL and the disk store', () => {
  test('a phone photo is kept upright, re-encoded without EXIF or GPS, with two thumbnails, its size and a blurhash', async () => {
    const photo = await phonePhoto();
    const input = await sharp(photo).metadata();
    assert.ok(input.exif && input.exif.includes(Buffer.from('SpyCam')), 'the test photo carries EXIF');
    assert.ok(input.exif.includes(Buffer.from([0x25, 0x88])), 'and a GPS block (tag 0x8825)');

    const a = await t.core.uploads.receive(alice, room, fileOf(photo, 'IMG_0001.jpg'));
    assert.equal(a.kind, 'image');
    assert.equal(a.mimeType, 'image/jpeg');
    assert.equal(a.name, 'IMG_0001.jpg');
    // Orientation 6 is "rotate 90° clockwise": the kept image is 1000 wide, 2000 high.
    assert.deepEqual([a.width, a.height], [1000, 2000]);
    assert.deepEqual(a.thumbnails, [480]);
    assert.match(a.blurhash!, /^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/);

    const kept = await buffer((await t.core.uploads.open(alice, a.id)).body);
    const meta = await sharp(kept).metadata();
    assert.equal(meta.exif, undefined, 'no EXIF block at all');
    assert.equal(meta.xmp, undefined);
    assert.equal(kept.includes(Buffer.from('SpyCam')), false);
    assert.deepEqual([meta.width, meta.height, meta.format], [1000, 2000, 'jpeg']);
    assert.equal(a.size, kept.length);

    const thumb = await t.core.uploads.open(alice, a.id, 480);
    assert.equal(thumb.mimeType, 'image/webp');
    const t480 = await sharp(await buffer(thumb.body)).metadata();
    assert.deepEqual([t480.width, t480.format], [480, 'webp']);
    // Wider than any thumbnail: the image itself.
    assert.equal((await t.core.uploads.open(alice, a.id, 2000)).mimeType, 'image/webp');
  });

  test('an HTML page named .png is kept as opaque bytes, never as an image or as HTML', async () => {
    const page = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const a = await t.core.uploads.receive(alice, room, fileOf(page, 'cat.png'));
    assert.deepEqual([a.kind, a.mimeType, a.thumbnails], ['file', 'application/octet-stream', []]);
    const d = await t.core.uploads.open(alice, a.id);
    assert.equal(d.inline, false);
    assert.equal(d.mimeType, 'application/octet-stream');
    assert.deepEqual(await buffer(d.body), page);
  });

  test('an SVG with a script is kept as opaque bytes (downloaded, never shown in the page)', async () => {
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const a = await t.core.uploads.receive(alice, room, fileOf(svg, 'logo.svg'));
    assert.deepEqual([a.kind, a.mimeType], ['file', 'application/octet-stream']);
    assert.equal((await t.core.uploads.open(alice, a.id)).inline, false);
  });

  test('a PDF keeps its sniffed type whatever its name says; its thumbnail does not exist', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const a = await t.core.uploads.receive(alice, room, fileOf(pdf, 'report.exe'));
    assert.deepEqual([a.kind, a.mimeType], ['file', 'application/pdf']);
    await assert.rejects(t.core.uploads.open(alice, a.id, 480), code('NOT_FOUND'));
  });

  test('refused with nothing kept: a program, an empty file, a corrupt image, over the limit, from a non-member', async () => {
    const before = await mediaFiles();
    const rowsBefore = await t.db.ds.query('SELECT count(*)::int AS n FROM uploads');
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(4000, 1)]);
    exe.writeUInt32LE(64, 60);
    await assert.rejects(t.core.uploads.receive(alice, room, fileOf(exe, 'holiday.jpg')), code('UNSUPPORTED_TYPE'));
    await assert.rejects(t.core.uploads.receive(alice, room, fileOf(Buffer.alloc(0), 'empty.txt')), code('VALIDATION'));
    const broken = (await phonePhoto()).subarray(0, 3000);
    await assert.rejects(t.core.uploads.receive(alice, room, fileOf(broken, 'cut.jpg')), code('UNSUPPORTED_TYPE'));
    // Claims nothing, sends 1 GB: it is cut at the limit, not read to the end.
    let sent = 0;
    async function* gigabyte() {
      const mb = Buffer.alloc(1024 * 1024, 7);
      while (sent < 1024 * 1024 * 1024) {
        sent += mb.length;
        yield mb;
      }
    }
    await assert.rejects(t.core.uploads.receive(alice, room, { stream: Readable.from(gigabyte()), name: 'big.bin' }), code('TOO_LARGE'));
    assert.ok(sent <= MAX + 3 * 1024 * 1024, `read ${sent} bytes of a 1 GB body against a ${MAX}-byte limit`);
    const bigImage = await sharp({
      create: { width: 3000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer();
    assert.ok(bigImage.length > MAX);
    await assert.rejects(t.core.uploads.receive(alice, room, fileOf(bigImage, 'noise.png')), code('TOO_LARGE'));
    await assert.rejects(t.core.uploads.receive(carol, room, fileOf(Buffer.from('hello'), 'hi.txt')), code('FORBIDDEN'));
    assert.deepEqual(await mediaFiles(), before, 'nothing new in the media folder, not even half-written');
    assert.deepEqual(await t.db.ds.query('SELECT count(*)::int AS n FROM uploads'), rowsBefore);
  });

  test('only the uploader reads an unsent upload; once sent, the members read it, others never', async () => {
    const a = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('minutes of the meeting'), 'minutes.txt'));
    await assert.rejects(t.core.uploads.open(bob, a.id), code('FORBIDDEN'));
    assert.deepEqual(await t.core.uploads.links(bob, [a.id]), []);
    const { message } = await t.core.messages.send(alice, {
      roomId: room,
      clientMsgId: `f-${a.id}`,
      content: 'notes attached',
      attachmentIds: [a.id],
    });
    assert.equal(message.contentType, 'file');
    assert.deepEqual(message.attachments, [a]);
    assert.equal((await buffer((await t.core.uploads.open(bob, a.id)).body)).toString(), 'minutes of the meeting');
    await assert.rejects(t.core.uploads.open(carol, a.id), code('FORBIDDEN'));
    assert.deepEqual(await t.core.uploads.links(carol, [a.id]), []);
    await assert.rejects(t.core.uploads.open(bob, uuidv7()), code('NOT_FOUND'));
  });

  test('a send with files: typed by them, shown in history and sync, each file sent once, a delete removes them', async () => {
    const photo = await t.core.uploads.receive(alice, room, fileOf(await phonePhoto(), 'a.jpg'));
    const doc = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('plain text'), 'b.txt'));
    const bobs = await t.core.uploads.receive(bob, room, fileOf(Buffer.from('mine'), 'bob.txt'));
    const send = (p: { attachmentIds: string[]; content?: string; contentType?: 'image' | 'file' }, who = alice) =>
      t.core.messages.send(who, { roomId: room, clientMsgId: uuidv7(), content: p.content ?? '', ...p });

    await assert.rejects(send({ attachmentIds: [bobs.id] }), code('VALIDATION'), "someone else's upload");
    await assert.rejects(send({ attachmentIds: [photo.id, doc.id], contentType: 'image' }), code('VALIDATION'), 'image with a non-image');
    const otherRoom = await createGroupRoom(t.core.meta, alice, [bob], 'other');
    await assert.rejects(
      t.core.messages.send(alice, { roomId: otherRoom, clientMsgId: uuidv7(), content: '', attachmentIds: [photo.id] }),
      code('VALIDATION'),
      'an upload to another room',
    );

    const clientMsgId = uuidv7();
    const first = await t.core.messages.send(alice, { roomId: room, clientMsgId, content: '', attachmentIds: [photo.id] });
    assert.equal(first.message.contentType, 'image');
    assert.deepEqual(
      first.message.attachments?.map((x) => x.id),
      [photo.id],
    );
    // A retry of the same send: the same message, files and all.
    const again = await t.core.messages.send(alice, { roomId: room, clientMsgId, content: '', attachmentIds: [photo.id] });
    assert.equal(again.created, false);
    assert.deepEqual(
      again.message.attachments?.map((x) => x.id),
      [photo.id],
    );
    // The same retry at a node that no longer remembers the room's recent sends: the stored message again.
    t.core.roomEvents.announceChanged(room);
    const remembered = await t.core.messages.send(alice, { roomId: room, clientMsgId, content: '', attachmentIds: [photo.id] });
    assert.deepEqual(
      [remembered.created, remembered.message.id, remembered.message.attachments?.map((x) => x.id)],
      [false, first.message.id, [photo.id]],
    );
    // A new message with a file already sent: refused, nothing stored (not an empty message).
    const lastSeq = (await t.core.meta.findRoomById(room))!.lastSeq;
    await assert.rejects(send({ attachmentIds: [photo.id] }), code('CONFLICT'));
    assert.equal((await t.core.meta.findRoomById(room))!.lastSeq, lastSeq);

    const mixed = await send({ attachmentIds: [doc.id], content: 'see this' });
    assert.equal(mixed.message.contentType, 'file');
    const page = await t.core.messages.history(bob, room, { limit: 50 });
    const shown = page.messages.find((m) => m.id === first.message.id)!;
    assert.deepEqual(shown.attachments, [photo]);
    const sync = await t.core.messages.sync(bob, { roomId: room, afterSeq: first.message.seq - 1 });
    assert.deepEqual(sync.messages.find((m) => m.id === mixed.message.id)!.attachments, [doc]);
    assert.equal(
      page.messages.find((m) => m.contentType === 'text')?.attachments,
      undefined,
      'a text message carries no attachments field',
    );

    const deleted = await t.core.messageActions.delete(alice, { roomId: room, messageId: first.message.id });
    assert.deepEqual(deleted.attachments, []);
    // Removed in the background, after the tombstone.
    for (let i = 0; i < 50 && (await t.core.uploadStore.get(photo.id)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await t.core.uploadStore.get(photo.id), null);
    assert.equal(
      (await mediaFiles()).some((f) => f.includes(photo.id)),
      false,
    );
    await assert.rejects(t.core.uploads.open(bob, photo.id), code('NOT_FOUND'));
  });

  test('links: signed for one person, the same within a window, refused when tampered with or expired', async () => {
    const a = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('x'), 'x.txt'));
    let now = new Date('2026-12-01T10:00:05Z');
    const svc = new UploadsService(
      t.core.rooms,
      t.core.uploadStore,
      t.core.mediaStore,
      { maxBytes: MAX, linkSecret: 'k', linkWindowSeconds: 600 },
      () => now,
    );
    const [link] = await svc.links(alice, [a.id]);
    assert.ok(link);
    // Ends between one and two windows later, on a window's edge.
    assert.equal(link.expiresAt, Date.parse('2026-12-01T10:20:00Z') / 1000);
    now = new Date('2026-12-01T10:09:59Z');
    const [same] = await svc.links(alice, [a.id]);
    assert.equal(same!.signature, link.signature);
    assert.equal(svc.verifyLink(a.id, { u: alice, exp: link.expiresAt, sig: link.signature }), alice);
    const refused = (q: { u?: string; exp?: number; sig?: string }, id = a.id) =>
      assert.throws(() => svc.verifyLink(id, q), code('UNAUTHENTICATED'));
    refused({ u: bob, exp: link.expiresAt, sig: link.signature });
    refused({ u: alice, exp: link.expiresAt + 600, sig: link.signature });
    refused({ u: alice, exp: link.expiresAt, sig: link.signature }, uuidv7());
    refused({ u: alice, exp: link.expiresAt, sig: link.signature.slice(0, -1) + (link.signature.endsWith('A') ? 'B' : 'A') });
    refused({ u: alice, exp: link.expiresAt });
    now = new Date(link.expiresAt * 1000 + 1000);
    refused({ u: alice, exp: link.expiresAt, sig: link.signature });
  });

  test('the sweep removes uploads a day old never sent with a message, and nothing else', async () => {
    const sent = await t.core.uploads.receive(alice, room, fileOf(await phonePhoto(), 'kept.jpg'));
    await t.core.messages.send(alice, { roomId: room, clientMsgId: uuidv7(), content: '', attachmentIds: [sent.id] });
    const unsent = await t.core.uploads.receive(alice, room, fileOf(await phonePhoto(), 'forgotten.jpg'));
    const fresh = new UploadsService(
      t.core.rooms,
      t.core.uploadStore,
      t.core.mediaStore,
      { maxBytes: MAX, linkSecret: 'k' },
      () => new Date(Date.now() + 60_000),
    );
    await fresh.sweep();
    assert.ok(await t.core.uploadStore.get(unsent.id), 'a minute old: kept');
    const dayLater = new UploadsService(
      t.core.rooms,
      t.core.uploadStore,
      t.core.mediaStore,
      { maxBytes: MAX, linkSecret: 'k' },
      () => new Date(Date.now() + 25 * 3600_000),
    );
    assert.ok((await dayLater.sweep()) >= 1);
    assert.equal(await t.core.uploadStore.get(unsent.id), null);
    assert.equal(
      (await mediaFiles()).some((f) => f.includes(unsent.id)),
      false,
      'its image and thumbnail are gone',
    );
    assert.ok(await t.core.uploadStore.get(sent.id));
    assert.ok((await mediaFiles()).some((f) => f.includes(sent.id)));
  });

  test('files are shown in the order they were sent, not the order they finished uploading', async () => {
    const first = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('one'), 'one.txt'));
    const second = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('two'), 'two.txt'));
    const third = await t.core.uploads.receive(alice, room, fileOf(Buffer.from('three'), 'three.txt'));
    const order = [third.id, first.id, second.id];
    const sent = await t.core.messages.send(alice, { roomId: room, clientMsgId: uuidv7(), content: 'in my order', attachmentIds: order });
    assert.deepEqual(
      sent.message.attachments?.map((x) => x.id),
      order,
      'live',
    );
    const page = await t.core.messages.history(bob, room, { limit: 50 });
    assert.deepEqual(
      page.messages.find((m) => m.id === sent.message.id)!.attachments?.map((x) => x.id),
      order,
      'history',
    );
    const sync = await t.core.messages.sync(bob, { roomId: room, afterSeq: sent.message.seq - 1 });
    assert.deepEqual(
      sync.messages[0]!.attachments?.map((x) => x.id),
      order,
      'catch-up',
    );
  });

  test('a room deleted while a file uploads: refused FORBIDDEN, nothing kept', async () => {
    const doomed = await createGroupRoom(t.core.meta, alice, [bob], 'going');
    const filesBefore = (await mediaFiles()).sort();
    const stream = new PassThrough();
    const pending = t.core.uploads.receive(bob, doomed, { stream, name: 'late.txt' });
    stream.write(Buffer.from('the first part of a file'));
    // Membership was checked as the upload began; the room goes before it ends.
    await new Promise((r) => setTimeout(r, 50));
    await t.core.rooms.remove(doomed, alice);
    stream.end(Buffer.from(' and the rest'));
    await assert.rejects(pending, code('FORBIDDEN'));
    assert.deepEqual((await mediaFiles()).sort(), filesBefore, 'its bytes were removed');
    assert.deepEqual(await t.core.uploadStore.listByRoom(doomed), []);
  });

  test("a deleted room's files go with it: rows and bytes, sent or not", async () => {
    const doomed = await createGroupRoom(t.core.meta, alice, [bob], 'doomed');
    const sent = await t.core.uploads.receive(alice, doomed, fileOf(await phonePhoto(), 'sent.jpg'));
    await t.core.messages.send(alice, { roomId: doomed, clientMsgId: uuidv7(), content: '', attachmentIds: [sent.id] });
    const unsent = await t.core.uploads.receive(bob, doomed, fileOf(Buffer.from('draft'), 'draft.txt'));
    assert.ok((await mediaFiles()).some((f) => f.includes(sent.id)));
    await t.core.rooms.remove(doomed, alice);
    assert.equal(await t.core.uploadStore.get(sent.id), null);
    assert.equal(await t.core.uploadStore.get(unsent.id), null);
    assert.equal(
      (await mediaFiles()).some((f) => f.includes(sent.id) || f.includes(unsent.id)),
      false,
    );
  });

  test('uploads are counted per person: past the limit, RATE_LIMITED with the wait, and nothing kept', async () => {
    const limited = await startTestCore({ UPLOADS_PER_PERSON: '2', UPLOAD_WINDOW_SEC: '3600' });
    try {
      const dave = await limited.user('dave');
      const eve = await limited.user('eve');
      const theirs = await createGroupRoom(limited.core.meta, dave, [eve], 'limited');
      for (const n of [1, 2]) await limited.core.uploads.receive(dave, theirs, fileOf(Buffer.from(`file ${n}`), `${n}.txt`));
      await assert.rejects(
        limited.core.uploads.receive(dave, theirs, fileOf(Buffer.from('third'), '3.txt')),
        (e: unknown) =>
          e instanceof AppError && e.code === 'RATE_LIMITED' && (e.retryAfterMs ?? 0) > 0 && /uploaded many files/.test(e.message),
      );
      assert.equal((await limited.db.ds.query('SELECT count(*)::int AS n FROM uploads WHERE uploader_id = $1', [dave]))[0].n, 2);
      // Someone else's count is their own.
      await limited.core.uploads.receive(eve, theirs, fileOf(Buffer.from('mine'), 'eve.txt'));
    } finally {
      await limited.stop();
    }
  });

  test("a person's files: listed in their export; with the account, the unsent ones go, and with 'remove' every one", async () => {
    const readExport = async (userId: string) => {
      const file = await t.core.myData.exportData(userId);
      let text = '';
      for await (const chunk of file.chunks) text += chunk;
      return JSON.parse(text) as { uploads: { id: string; messageId: string | null; name: string; size: number; mimeType: string }[] };
    };
    for (const choice of ['keep-as-deleted-user', 'remove'] as const) {
      const frank = await t.user('frank');
      const shared = await createGroupRoom(t.core.meta, frank, [alice], `frank-${choice}`);
      const sent = await t.core.uploads.receive(frank, shared, fileOf(Buffer.from('sent'), 'sent.txt'));
      await t.core.messages.send(frank, { roomId: shared, clientMsgId: uuidv7(), content: 'here', attachmentIds: [sent.id] });
      const unsent = await t.core.uploads.receive(frank, shared, fileOf(Buffer.from('unsent'), 'unsent.txt'));
      const listed = (await readExport(frank)).uploads;
      assert.deepEqual(
        listed.map((u) => [u.id, u.name, u.size, u.mimeType, u.messageId !== null]),
        [
          [sent.id, 'sent.txt', 4, 'application/octet-stream', true],
          [unsent.id, 'unsent.txt', 6, 'application/octet-stream', false],
        ],
      );
      await t.core.myData.deleteAccount(frank, { password: 'correct horse battery', messages: choice });
      assert.equal(await t.core.uploadStore.get(unsent.id), null, `${choice}: the unsent file is gone`);
      assert.equal(
        (await mediaFiles()).some((f) => f.includes(unsent.id)),
        false,
      );
      const keptSent = choice === 'keep-as-deleted-user';
      assert.equal(
        !!(await t.core.uploadStore.get(sent.id)),
        keptSent,
        `${choice}: the sent file ${keptSent ? 'stays with its message' : 'is gone'}`,
      );
      assert.equal(
        (await mediaFiles()).some((f) => f.includes(sent.id)),
        keptSent,
      );
    }
  });
});
