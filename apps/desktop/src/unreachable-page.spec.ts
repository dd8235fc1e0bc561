import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs, unreachablePage } from './unreachable-page';

const html = (dataUrl: string) => decodeURIComponent(dataUrl.slice('data:text/html;charset=utf-8,'.length));

describe('the page shown when the server does not answer', () => {
  test('says which address, what failed, what to do, and when it tries again', () => {
    const page = html(unreachablePage({ url: 'http://localhost:3000/', error: 'ERR_CONNECTION_REFUSED', retryInMs: 4000 }));
    assert.match(page, /http:\/\/localhost:3000\//);
    assert.match(page, /ERR_CONNECTION_REFUSED/);
    assert.match(page, /npm start/);
    assert.match(page, /--url/);
    assert.match(page, /Trying again in 4 seconds/);
  });

  test('runs no script, and an address with markup in it is shown as text', () => {
    const page = html(
      unreachablePage({ url: 'http://x/"><script>alert(1)</script>', error: '<img src=x onerror=alert(1)>', retryInMs: 1000 }),
    );
    assert.doesNotMatch(page, /<script>|<img/);
    assert.match(page, /&lt;script&gt;/);
    assert.match(page, /default-src 'none'/);
    assert.match(page, /Trying again in 1 second\./);
  });

  test('waits 1, 2, 4, 8, 16 seconds, then every 30', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map(retryDelayMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });
});
