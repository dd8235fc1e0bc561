import { test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import type { MetadataStore } from '../ports/metadata.port';
import { AuthService } from './auth.service';

const secret = 's'.repeat(40);
const auth = new AuthService({} as MetadataStore, { jwtSecret: secret, argon2: { memoryKib: 19456, timeCost: 2 } });
const sign = (sub: unknown) => jwt.sign({ sub, typ: 'access' }, secret, { algorithm: 'HS256', expiresIn: 60 });

// Found by the OpenAPI fuzzer: a correctly signed token whose subject is not a uuid reached
// PostgreSQL as a user id and failed there with a 500 instead of a 401.
test('an access token whose subject is not a uuid is UNAUTHENTICATED, even under the right signature', () => {
  for (const sub of ['not-a-uuid', '', "1' OR '1'='1", 'a\u0000b', '01a233aa-8c61-7000-a8a8-4a2917f9816d-x'])
    assert.throws(() => auth.verifyAccessToken(sign(sub)), { code: 'UNAUTHENTICATED' }, JSON.stringify(sub));
  const id = '01a233aa-8c61-7000-a8a8-4a2917f9816d';
  assert.equal(auth.verifyAccessToken(sign(id)).userId, id);
});
