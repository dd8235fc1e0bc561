import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DeleteObjectsCommand, DeleteBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DiskMediaStore } from '../../src/adapters/disk/disk-media-store.adapter';
import { createS3Client, S3MediaStore } from '../../src/adapters/s3/s3-media-store.adapter';
import { mediaStoreContract } from './media-store.contract';

/*
 * The MediaStore suite against both adapters, each on its real engine: the local disk (a
 * folder of this run's own) and an S3-compatible store, Adobe's S3Mock that
 * `npm run engines -- up s3mock` starts (TEST_S3_ENDPOINT, default http://127.0.0.1:9090).
 */

mediaStoreContract('disk', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'qc-media-'));
  const store = new DiskMediaStore(root);
  await store.init();
  return {
    store,
    leftovers: () => store.partialFiles(),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

const endpoint = process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9090';

mediaStoreContract('s3', async () => {
  // A bucket of this run's own, so runs never see each other's objects; close() empties and drops it.
  const bucket = `qc-test-${randomBytes(4).toString('hex')}`;
  const client = createS3Client({ endpoint, region: 'us-east-1', bucket, accessKeyId: 'test', secretAccessKey: 'test' });
  const store = new S3MediaStore(client, bucket, 'media');
  try {
    await store.init();
  } catch (e) {
    client.destroy();
    throw new Error(
      `no S3 at ${endpoint} (${e instanceof Error ? e.message : String(e)}): start S3Mock with "npm run engines -- up s3mock", or set TEST_S3_ENDPOINT`,
    );
  }
  return {
    store,
    leftovers: () => store.unfinishedUploads(),
    async close() {
      for (;;) {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (keys.length === 0) break;
        await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
      }
      await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      client.destroy();
    },
  };
});

test('s3: api nodes starting together on a fresh bucket all start (the ones that lose the race to create it are told it is theirs)', async () => {
  const bucket = `qc-test-${randomBytes(4).toString('hex')}`;
  const clients = Array.from({ length: 4 }, () =>
    createS3Client({ endpoint, region: 'us-east-1', bucket, accessKeyId: 'test', secretAccessKey: 'test' }),
  );
  try {
    // Each finds no bucket first, then all create it at once: without the guard, all but one failed.
    const results = await Promise.allSettled(clients.map((c) => new S3MediaStore(c, bucket, 'media').init()));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? 'started' : String(r.reason))),
      ['started', 'started', 'started', 'started'],
    );
  } finally {
    await clients[0]!.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    for (const c of clients) c.destroy();
  }
});
