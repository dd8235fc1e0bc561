import { execFileSync } from 'node:child_process';
import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/*
 * A push service on loopback, as a browser's (FCM, Mozilla's autopush) would be, for specs:
 * it hands out subscriptions for test devices and checks every push the way a real one does,
 * then reads it the way the device would.
 *  - TLS with a certificate made here (openssl), which the sender is told to trust.
 *  - VAPID (RFC 8292): `Authorization: vapid t=<JWT>, k=<key>`; the JWT is ES256, verified
 *    with `k` (as a JWK), its `aud` this service's origin, `exp` within 24 h, `sub` a mailto:
 *    or https: contact, and `k` the applicationServerKey the device subscribed with.
 *  - The body is decrypted here by hand from RFC 8291 (ECDH with the device's private key,
 *    HKDF with its auth secret, AES-128-GCM): written apart from the sender's library, so a
 *    push that only that library could read back would fail.
 * A push that fails a check is answered 400/401/403 and listed in `rejected`.
 */

export interface TestPushSubscription {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface TestDevice {
  id: string;
  subscription: TestPushSubscription;
}

export interface ReceivedPush {
  deviceId: string;
  /** The decrypted payload, parsed as JSON. */
  payload: Record<string, unknown>;
  ttl: number;
  urgency: string | null;
  /** When it was taken (performance.now() of this process). */
  receivedAt: number;
  topic: string | null;
  jwt: { aud: string; exp: number; sub: string };
}

export interface TestPushService {
  origin: string;
  /** The service's certificate (PEM), to trust: its own CA. */
  caFile: string;
  caPem: string;
  /** A new device subscribed with `applicationServerKey` (the server's VAPID public key). */
  device(applicationServerKey: string): TestDevice;
  /** From now on this device's pushes are answered `status` (410: gone, 404, 500…) instead of checked and taken. */
  answer(deviceId: string, status: number): void;
  received: ReceivedPush[];
  rejected: { deviceId: string; reason: string }[];
  /** Requests that reached the service at all, taken or not. */
  requests: number;
  /** Resolves when `count` pushes were taken in all (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

interface DeviceState {
  ecdh: ECDH;
  auth: Buffer;
  applicationServerKey: string;
  answer: number | null;
}

const b64u = (b: Buffer) => b.toString('base64url');
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** A P-256 public key given raw (65 bytes, uncompressed) as a KeyObject, through its JWK. */
function rawP256PublicKey(raw: Buffer) {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('not an uncompressed P-256 point');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) }, format: 'jwk' });
}

/** RFC 8291 + RFC 8188: a single-record aes128gcm body decrypted with the device's keys. */
export function decryptAes128gcm(body: Buffer, device: { ecdh: ECDH; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idLen = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLen);
  const ciphertext = body.subarray(21 + idLen);
  if (idLen !== 65) throw new Error(`keyid must be the sender's 65-byte public key, got ${idLen} bytes`);
  if (ciphertext.length > rs) throw new Error('more than one record: a push payload fits in one');
  const ecdhSecret = device.ecdh.computeSecret(senderPublic);
  const uaPublic = device.ecdh.getPublicKey();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, senderPublic, Buffer.from([1])]);
  const ikm = hmac(hmac(device.auth, ecdhSecret), keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // data ‖ 0x02 (the last record's delimiter) ‖ zero padding
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return plain.subarray(0, end);
}

function checkVapid(authorization: string | undefined, origin: string, expectedKey: string): ReceivedPush['jwt'] {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  if (!m) throw Object.assign(new Error(`Authorization is not "vapid t=…, k=…": ${authorization}`), { status: 401 });
  const [, jwt, k] = m as unknown as [string, string, string];
  if (k !== expectedKey) throw Object.assign(new Error('k is not the applicationServerKey this device subscribed with'), { status: 403 });
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; typ?: string };
  if (header.alg !== 'ES256') throw Object.assign(new Error(`JWT alg is ${header.alg}, not ES256`), { status: 401 });
  const signed = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key: rawP256PublicKey(Buffer.from(k, 'base64url')), dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'),
  );
  if (!signed) throw Object.assign(new Error('JWT signature does not verify with k'), { status: 401 });
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as ReceivedPush['jwt'];
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw Object.assign(new Error(`JWT aud is ${claims.aud}, not ${origin}`), { status: 401 });
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600 + 60))
    throw Object.assign(new Error(`JWT exp ${claims.exp} is not within 24 h`), { status: 401 });
  if (!/^(mailto:|https:)/.test(claims.sub ?? ''))
    throw Object.assign(new Error(`JWT sub ${claims.sub} is not mailto: or https:`), { status: 401 });
  return claims;
}

export async function startTestPushService(): Promise<TestPushService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-push-'));
  const keyFile = path.join(dir, 'key.pem');
  const caFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const caPem = readFileSync(caFile, 'utf8');
  const devices = new Map<string, DeviceState>();
  const received: ReceivedPush[] = [];
  const rejected: { deviceId: string; reason: string }[] = [];
  const waiters: (() => void)[] = [];
  let requests = 0;
  let origin = '';

  const server: Server = createServer({ key: readFileSync(keyFile), cert: caPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const deviceId = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const device = devices.get(deviceId);
      if (req.method !== 'POST' || !device) {
        res.writeHead(404).end('no such subscription');
        return;
      }
      if (device.answer !== null) {
        res.writeHead(device.answer).end(`answered ${device.answer} by the test`);
        return;
      }
      try {
        const jwt = checkVapid(req.headers.authorization, origin, device.applicationServerKey);
        if (req.headers['content-encoding'] !== 'aes128gcm')
          throw Object.assign(new Error(`Content-Encoding is ${req.headers['content-encoding']}`), { status: 400 });
        const ttl = Number(req.headers.ttl);
        if (!Number.isInteger(ttl) || ttl < 0) throw Object.assign(new Error(`TTL header is "${req.headers.ttl}"`), { status: 400 });
        const payload = JSON.parse(decryptAes128gcm(Buffer.concat(chunks), device).toString('utf8')) as Record<string, unknown>;
        received.push({
          deviceId,
          payload,
          receivedAt: performance.now(),
          ttl,
          urgency: (req.headers.urgency as string | undefined) ?? null,
          topic: (req.headers.topic as string | undefined) ?? null,
          jwt,
        });
        res.writeHead(201, { location: `${origin}/message/${received.length}` }).end();
        for (const w of waiters.splice(0)) w();
      } catch (e) {
        const err = e as Error & { status?: number };
        rejected.push({ deviceId, reason: err.message });
        res.writeHead(err.status ?? 400).end(err.message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    caFile,
    caPem,
    received,
    rejected,
    get requests() {
      return requests;
    },
    device(applicationServerKey) {
      const id = randomBytes(9).toString('base64url');
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(id, { ecdh, auth, applicationServerKey, answer: null });
      return {
        id,
        subscription: {
          endpoint: `${origin}/push/${id}`,
          expirationTime: null,
          keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) },
        },
      };
    },
    answer(deviceId, status) {
      devices.get(deviceId)!.answer = status;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`waited ${timeoutMs} ms for ${count} push(es), got ${received.length}; rejected: ${JSON.stringify(rejected)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
