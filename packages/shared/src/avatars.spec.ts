import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avatarQuery, avatarUrlOf, isHostedAvatar } from './avatars';

const userId = '01a20792-8333-7000-85fe-754887c65753';

test('a hosted picture URL names the person and the version of the bytes', () => {
  const url = avatarUrlOf(userId, '0123456789abcdef');
  assert.equal(url, `/api/v1/avatars/${userId}?v=0123456789abcdef`);
  assert.equal(isHostedAvatar(url), true);
});

test('pictures elsewhere, scripts and data URLs are not hosted pictures and are never shown', () => {
  for (const url of [
    'https://x.example/a.png',
    'javascript:alert(1)',
    'data:image/png;base64,AAAA',
    `//evil.example/api/v1/avatars/${userId}?v=0123456789abcdef`,
    `/api/v1/avatars/${userId}?v=0123456789abcdef&x=1`,
    `/api/v1/avatars/${userId}`,
    '',
    null,
    undefined,
  ]) {
    assert.equal(isHostedAvatar(url), false, String(url));
  }
});

test('the version is 16 hexadecimal digits and nothing else is accepted in the query', () => {
  assert.equal(avatarQuery.safeParse({ v: '0123456789abcdef' }).success, true);
  assert.equal(avatarQuery.safeParse({ v: '0123456789ABCDEF' }).success, false);
  assert.equal(avatarQuery.safeParse({ v: '0123' }).success, false);
  assert.equal(avatarQuery.safeParse({ v: '0123456789abcdef', w: '1' }).success, false);
});
