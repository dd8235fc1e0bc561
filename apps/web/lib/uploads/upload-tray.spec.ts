import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attachment } from '@qc/shared';
import { ApiError } from '../http';
import type { UploadProgress } from './upload-file';
import { UploadTray } from './upload-tray';

/** An uploader the spec finishes by hand. */
function manualUploader() {
  const calls: { file: File; progress: (p: UploadProgress) => void; signal: AbortSignal; ok: (a: Attachment) => void; fail: (e: unknown) => void }[] = [];
  const upload = (file: File, opts: { onProgress: (p: UploadProgress) => void; signal: AbortSignal }) =>
    new Promise<Attachment>((ok, fail) => {
      opts.signal.addEventListener('abort', () => fail(new DOMException('cancelled', 'AbortError')));
      calls.push({ file, progress: opts.onProgress, signal: opts.signal, ok, fail });
    });
  return { calls, upload };
}
const attachment = (id: string): Attachment => ({ id, name: id, size: 1, mimeType: 'text/plain', kind: 'file', width: null, height: null, blurhash: null, thumbnails: [] });
const tick = () => new Promise((r) => setTimeout(r, 0));

test('files upload at once with progress; a send takes the finished ones and leaves the rest', async () => {
  const { calls, upload } = manualUploader();
  const tray = new UploadTray(upload);
  tray.add([new File(['a'], 'a.txt'), new File(['bb'], 'b.png', { type: 'image/png' })]);
  assert.equal(calls.length, 2);
  assert.deepEqual(
    tray.getState().map((i) => [i.name, i.status, i.isImage]),
    [
      ['a.txt', 'uploading', false],
      ['b.png', 'uploading', true],
    ],
  );
  calls[0]!.progress({ loaded: 50, total: 200 });
  assert.equal(tray.getState()[0]!.progress, 0.25);
  assert.equal(tray.busy, true);
  calls[0]!.ok(attachment('A'));
  await tick();
  assert.deepEqual(tray.takeReady().map((a) => a.id), ['A']);
  assert.deepEqual(tray.getState().map((i) => i.name), ['b.png']);
});

test('cancel stops the upload and removes it; a refused one says why and can be retried', async () => {
  const { calls, upload } = manualUploader();
  const tray = new UploadTray(upload);
  tray.add([new File(['x'], 'big.mov'), new File(['y'], 'keep.txt')]);
  tray.remove(tray.getState()[0]!.key);
  assert.equal(calls[0]!.signal.aborted, true);
  await tick();
  assert.deepEqual(tray.getState().map((i) => i.name), ['keep.txt'], 'the cancelled one is gone, and stays gone');
  calls[1]!.fail(new ApiError(415, 'UNSUPPORTED_TYPE', 'no'));
  await tick();
  const failed = tray.getState()[0]!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.error!, /can't be sent here/);
  assert.deepEqual(tray.takeReady(), [], 'a failed file is not sent');
  tray.retry(failed.key);
  assert.equal(calls.length, 3);
  assert.equal(tray.getState()[0]!.status, 'uploading');
  calls[2]!.ok(attachment('K'));
  await tick();
  assert.equal(tray.getState()[0]!.status, 'done');
});

test('at most ten files wait in the tray; the rest are refused, not dropped silently', () => {
  const { upload } = manualUploader();
  const tray = new UploadTray(upload);
  assert.equal(tray.add(Array.from({ length: 8 }, (_, i) => new File(['x'], `${i}.txt`))), true);
  assert.equal(tray.add(Array.from({ length: 3 }, (_, i) => new File(['x'], `more${i}.txt`))), false);
  assert.equal(tray.getState().length, 10);
});
