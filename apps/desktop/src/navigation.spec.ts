import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allowPermission, decideNavigation, isAppOrigin } from './navigation';

const app = new URL('http://localhost:3000/');

describe('what the desktop window may show', () => {
  test("the app's own pages stay in the window", () => {
    assert.equal(decideNavigation(app, 'http://localhost:3000/chat?room=1'), 'stay');
    assert.equal(decideNavigation(app, 'http://localhost:3000/settings#notifications'), 'stay');
  });

  test('web and mail links open outside', () => {
    assert.equal(decideNavigation(app, 'https://example.com/page'), 'open-externally');
    assert.equal(decideNavigation(app, 'mailto:a@example.com'), 'open-externally');
    // Same host, another port or scheme, is another origin.
    assert.equal(decideNavigation(app, 'http://localhost:3001/'), 'open-externally');
    assert.equal(decideNavigation(app, 'https://localhost:3000/'), 'open-externally');
  });

  test('anything else goes nowhere', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'vbscript:x',
      'not a url',
      'data:text/html,<b>x</b>',
    ]) {
      assert.equal(decideNavigation(app, url), 'block', url);
    }
  });

  test('a look-alike host is not the app', () => {
    assert.equal(isAppOrigin(app, 'http://localhost:3000.evil.example/'), false);
    assert.equal(isAppOrigin(app, 'http://localhost:3000@evil.example/'), false);
  });

  test('the page may have notifications, clipboard writes and full screen, from its own origin only', () => {
    for (const p of ['notifications', 'clipboard-sanitized-write', 'fullscreen']) {
      assert.equal(allowPermission(app, 'http://localhost:3000/chat', p), true, p);
      assert.equal(allowPermission(app, 'https://evil.example/', p), false, p);
    }
    for (const p of ['media', 'geolocation', 'openExternal', 'clipboard-read', 'hid', 'serial', 'usb']) {
      assert.equal(allowPermission(app, 'http://localhost:3000/chat', p), false, p);
    }
  });
});
