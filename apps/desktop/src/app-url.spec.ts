import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_APP_URL, DesktopSettingError, resolveAppUrl, urlFromArgv } from './app-url';

const base = { argv: ['/opt/electron', '.'], env: {}, settingsUrl: undefined, settingsPath: '/home/a/.config/Quantum Chat/settings.json' };

describe('which server the desktop window opens', () => {
  test('nothing set: the local npm start address', () => {
    const { url, source } = resolveAppUrl(base);
    assert.equal(url.href, `${DEFAULT_APP_URL}/`);
    assert.equal(source, 'default');
  });

  test('--url beats QC_DESKTOP_URL beats the settings file', () => {
    const all = {
      ...base,
      argv: [...base.argv, '--url', 'https://a.example'],
      env: { QC_DESKTOP_URL: 'https://b.example' },
      settingsUrl: 'https://c.example',
    };
    assert.deepEqual([resolveAppUrl(all).url.host, resolveAppUrl(all).source], ['a.example', '--url']);
    const noArg = { ...all, argv: base.argv };
    assert.deepEqual([resolveAppUrl(noArg).url.host, resolveAppUrl(noArg).source], ['b.example', 'QC_DESKTOP_URL']);
    const fileOnly = { ...noArg, env: { QC_DESKTOP_URL: '  ' } };
    assert.deepEqual([resolveAppUrl(fileOnly).url.host, resolveAppUrl(fileOnly).source], ['c.example', 'settings']);
  });

  test('--url=x and --url x are both read; the last one wins', () => {
    assert.equal(urlFromArgv(['e', '--url=http://x:1', '--url', 'http://y:2']), 'http://y:2');
    assert.equal(urlFromArgv(['e', '--url']), '');
    assert.equal(urlFromArgv(['e', '--urls=1']), undefined);
  });

  test('the fragment is dropped; the path is kept (a server under a sub-path)', () => {
    const { url } = resolveAppUrl({ ...base, env: { QC_DESKTOP_URL: 'https://chat.example/team/#x' } });
    assert.equal(url.href, 'https://chat.example/team/');
  });

  for (const [raw, words] of [
    ['localhost:3000x', /not an address|only http/],
    ['not a url', /not an address/],
    ['file:///etc/passwd', /only http:\/\/ and https:\/\//],
    ['javascript:alert(1)', /only http/],
    ['https://me:secret@chat.example', /user name or password/],
  ] as const) {
    test(`"${raw}" stops the start with a message naming where it came from`, () => {
      assert.throws(
        () => resolveAppUrl({ ...base, env: { QC_DESKTOP_URL: raw } }),
        (e: unknown) => e instanceof DesktopSettingError && e.message.startsWith('QC_DESKTOP_URL') && words.test(e.message),
      );
    });
  }

  test('a bad address in the settings file names the file', () => {
    assert.throws(() => resolveAppUrl({ ...base, settingsUrl: 'ftp://x' }), /"url" in \/home\/a\/\.config\/Quantum Chat\/settings\.json/);
  });
});
