#!/usr/bin/env node
// `npm run bench:uploads [-- --runs N]`: what files cost on the running product (issue #13):
// a 20 MB file's upload throughput (streamed to the media store), a 12-megapixel phone photo's
// upload with its processing (sharp: re-encode without EXIF, two thumbnails, blurhash), and a
// link's download, each repeated and reported as median and worst. Loopback only; it starts
// the embedded product itself (built: `npm run build` first) and stops it at the end.
import { Blob } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { startProduct } from './targets.mjs';

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1] || 5);
const say = (line) => console.log(`[bench:uploads] ${line}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const worst = (xs) => Math.max(...xs);

async function json(pending) {
  const res = await pending;
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const product = await startProduct({ say, env: { UPLOAD_MAX_BYTES: String(25 * 1024 * 1024) } });
try {
  const api = (p) => `${product.url}/api/v1${p}`;
  const signUp = (name) =>
    json(
      fetch(api('/auth/register'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `${name}${randomBytes(3).toString('hex')}`, password: 'correct horse battery' }),
      }),
    );
  const [alice, bob] = [await signUp('alice'), await signUp('bob')];
  const room = await json(
    fetch(api('/rooms'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` },
      body: JSON.stringify({ kind: 'group', name: 'bench files', memberIds: [bob.user.id] }),
    }),
  );
  const upload = async (bytes, name) => {
    const form = new globalThis.FormData();
    form.append('file', new Blob([bytes]), name);
    const t0 = performance.now();
    const a = await json(fetch(api(`/uploads?roomId=${room.id}`), { method: 'POST', headers: { authorization: `Bearer ${alice.accessToken}` }, body: form }));
    return { ms: performance.now() - t0, attachment: a };
  };

  say('making the inputs: 20 MB of random bytes, a 4000×3000 JPEG with EXIF');
  const big = randomBytes(20 * 1024 * 1024);
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'Bench' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer();

  const fileMs = [];
  const photoMs = [];
  const downloadMs = [];
  for (let i = 0; i < runs; i++) {
    const f = await upload(big, `big-${i}.bin`);
    fileMs.push(f.ms);
    photoMs.push((await upload(photo, `photo-${i}.jpg`)).ms);
    const { links } = await json(
      fetch(api('/uploads/links'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` },
        body: JSON.stringify({ ids: [f.attachment.id] }),
      }),
    );
    const t0 = performance.now();
    const got = await fetch(product.url + links[f.attachment.id].url);
    const n = (await got.arrayBuffer()).byteLength;
    downloadMs.push(performance.now() - t0);
    if (n !== big.length) throw new Error(`downloaded ${n} bytes of ${big.length}`);
  }
  const mbps = (ms) => ((big.length / (1024 * 1024)) / (ms / 1000)).toFixed(0);
  say(`20 MB file upload (stream to disk): median ${median(fileMs).toFixed(0)} ms (${mbps(median(fileMs))} MB/s), worst ${worst(fileMs).toFixed(0)} ms`);
  say(`20 MB file download (signed link): median ${median(downloadMs).toFixed(0)} ms (${mbps(median(downloadMs))} MB/s), worst ${worst(downloadMs).toFixed(0)} ms`);
  say(
    `12 MP photo (${(photo.length / (1024 * 1024)).toFixed(1)} MB) upload with re-encode, 2 thumbnails, blurhash: median ${median(photoMs).toFixed(0)} ms, worst ${worst(photoMs).toFixed(0)} ms`,
  );
} finally {
  await product.stop();
}
