import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ERROR_CODES } from '@qc/shared';
import { freePort } from '@qc/core/testing';

/*
 * The OpenAPI document against the routes Nest really mapped. The api runs as `npm start`
 * runs it (dist/src/main.js in its own process) and says which routes it mapped in its log
 * ("Mapped {/api/v1/…, GET} route", at LOG_LEVEL=debug): a route added without reaching the
 * document fails here.
 */

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; anyOf?: Schema[]; required?: string[] };
interface Operation {
  operationId: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

const MAIN = path.resolve(__dirname, '../src/main.js');
let child: ChildProcess;
let dir: string;
let base: string;
const mapped: string[] = [];
let doc: Document;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'qc-openapi-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, QC_DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'debug', WEB_DIR: path.join(dir, 'no-web') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the api did not start within 120 s:\n${log.slice(-2000)}`)), 120_000);
    child.once('exit', (code) => reject(new Error(`the api exited (${code}) before it was ready:\n${log.slice(-2000)}`)));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
      for (const m of d.toString().matchAll(/Mapped \{([^,}]+), (\w+)\} route/g)) mapped.push(`${m[2]} ${m[1]}`);
      if (/ready at /.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const res = await fetch(`${base}/api/docs-json`);
  assert.equal(res.status, 200);
  doc = (await res.json()) as Document;
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ path: p, method, op })));

test('/api/docs is a page and /api/docs-json an OpenAPI 3.1 document', async () => {
  const page = await fetch(`${base}/api/docs`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await page.text(), /swagger-ui/i);
  // Swagger UI's inline styles are let through the site's policy on this page; scripts are not.
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /style-src [^;]*'unsafe-inline'/);
  assert.doesNotMatch(csp, /script-src [^;]*'unsafe-inline'/);
  assert.match(csp, /script-src 'self'/);
  assert.equal(doc.openapi, '3.1.0');
});

test('the document lists every route the api mapped, and no other', () => {
  const routed = new Set(mapped);
  assert.ok(routed.size >= 20, `expected the api's routes in its log, found ${routed.size}`);
  const documented = new Set(operations().map(({ path: p, method }) => `${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`));
  assert.deepEqual(
    [...routed].filter((r) => !documented.has(r)),
    [],
    'routes missing from the OpenAPI document',
  );
  assert.deepEqual(
    [...documented].filter((r) => !routed.has(r)),
    [],
    'documented routes the api does not have',
  );
});

test('every path parameter, query and body is described by a schema', () => {
  for (const { path: p, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${p}`;
    const unvalidated = (op as unknown as Record<string, unknown>)['x-unvalidated'];
    assert.equal(unvalidated, undefined, `${where} reads ${String(unvalidated)} without a ZodPipe and a shared schema`);
    for (const name of p.match(/\{(\w+)\}/g) ?? []) {
      const param = op.parameters?.find((x) => x.in === 'path' && `{${x.name}}` === name);
      assert.ok(param?.schema?.type, `${where}: path parameter ${name} has no schema`);
      assert.equal(param.required, true, `${where}: ${name} must be required`);
    }
    for (const q of op.parameters?.filter((x) => x.in === 'query') ?? [])
      assert.ok(q.schema?.type, `${where}: query ${q.name} has no schema`);
    if (method === 'patch' || method === 'put') assert.ok(op.requestBody, `${where}: takes a body but documents none`);
    if (op.requestBody) {
      // JSON everywhere but the upload, which is multipart (a file part, streamed).
      const schema = op.requestBody.content['application/json']?.schema ?? op.requestBody.content['multipart/form-data']?.schema;
      const objects = schema?.anyOf ?? (schema ? [schema] : []);
      assert.ok(objects.length > 0, `${where}: its body has no schema`);
      for (const o of objects) {
        assert.equal(o.type, 'object', `${where}: body is not an object schema`);
        assert.ok(Object.keys(o.properties ?? {}).length > 0, `${where}: body schema names no fields`);
        assert.equal(o.additionalProperties, false, `${where}: body schema should refuse unknown keys, as the api does`);
      }
    }
  }
  // Spot checks that limits come through from the zod schemas.
  const register = doc.paths['/api/v1/auth/register']!.post!.requestBody!.content['application/json']!.schema!;
  assert.deepEqual(register.required, ['username', 'password']);
  assert.equal(register.properties!.username!.maxLength, 32);
  assert.equal(register.properties!.displayName!.maxLength, 64, 'userText limits are in the document');
  const history = doc.paths['/api/v1/rooms/{roomId}/messages']!.get!.parameters!;
  assert.equal(history.find((x) => x.name === 'before')?.schema?.maximum, Number.MAX_SAFE_INTEGER);
});

test('every error response is the envelope, with the codes of its status', () => {
  const envelope = doc.components.schemas.ErrorEnvelope!;
  const code = (envelope.properties!.error!.properties as Record<string, Schema>).code!;
  assert.deepEqual(code.enum, [...ERROR_CODES]);
  for (const { path: p, method, op } of operations()) {
    for (const status of ['400', '429', '500']) {
      const schema = op.responses[status]?.content?.['application/json']?.schema;
      assert.ok(schema, `${method.toUpperCase()} ${p}: no ${status} response`);
      assert.match(JSON.stringify(schema), /#\/components\/schemas\/ErrorEnvelope/);
    }
  }
});

test('a route that refuses a caller without credentials documents its security', async () => {
  let refused = 0;
  for (const { path: p, method, op } of operations()) {
    const url = base + p.replace(/\{\w+\}/g, () => randomUUID()) + (p.endsWith('/search/messages') || p.endsWith('/users') ? '?q=x' : '');
    const res = await fetch(url, {
      method: method.toUpperCase(),
      headers: { 'content-type': 'application/json' },
      body: method === 'get' ? undefined : '{}',
    });
    await res.arrayBuffer();
    const bearer = op.security?.some((s) => 'bearer' in s) ?? false;
    if (res.status === 401) {
      refused++;
      assert.ok(op.security?.length, `${method.toUpperCase()} ${p} answers 401 without credentials but documents no security`);
      assert.ok(op.responses['401'], `${method.toUpperCase()} ${p}: 401 not documented`);
    } else {
      assert.equal(bearer, false, `${method.toUpperCase()} ${p} documents a bearer token but answered ${res.status} without one`);
    }
  }
  assert.ok(refused >= 20, `only ${refused} routes refused a caller without a token`);
  assert.ok(doc.components.securitySchemes.bearer);
});
