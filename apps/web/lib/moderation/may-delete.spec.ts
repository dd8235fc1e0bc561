import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayDeleteOthers } from './may-delete';

test("the room's staff are offered Delete on what those below them wrote, and only that", () => {
  const plain = {};
  assert.equal(mayDeleteOthers(plain, 'member', plain, 'member'), false);
  assert.equal(mayDeleteOthers(plain, 'moderator', plain, 'member'), true);
  assert.equal(mayDeleteOthers(plain, 'moderator', plain, 'admin'), false);
  assert.equal(mayDeleteOthers(plain, 'owner', plain, undefined), true, 'an author not loaded stands as a member');
  assert.equal(mayDeleteOthers(plain, 'owner', { instanceRole: 'moderator' }, 'member'), false, 'instance staff are out of reach');
  assert.equal(mayDeleteOthers({ instanceRole: 'moderator' }, null, plain, 'owner'), true);
});
