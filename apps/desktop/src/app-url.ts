/*
 * Which server the window opens. In order: `--url <address>` (or `--url=<address>`) on the
 * command line, QC_DESKTOP_URL, the `url` in the settings file, then http://localhost:3000
 * (what `npm start` serves). A bad address stops the start with a message that names where
 * it came from and what to do, rather than opening a blank window.
 */

export const DEFAULT_APP_URL = 'http://localhost:3000';

export type AppUrlSource = '--url' | 'QC_DESKTOP_URL' | 'settings' | 'default';

export interface AppUrlInputs {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The `url` saved in the settings file, if any. */
  settingsUrl: string | undefined;
  /** Where the settings file is, to name it in a message. */
  settingsPath: string;
}

export interface AppUrl {
  url: URL;
  source: AppUrlSource;
}

export class DesktopSettingError extends Error {}

/** `--url x` or `--url=x`; the last one wins, as with most command lines. */
export function urlFromArgv(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--url') found = argv[++i] ?? '';
    else if (arg.startsWith('--url=')) found = arg.slice('--url='.length);
  }
  return found;
}

/** An http(s) address with no user name or password in it; the fragment dropped. */
export function parseAppUrl(raw: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new DesktopSettingError(
      `${where} is "${raw}", which is not an address. Give the server's address, like ${DEFAULT_APP_URL} or https://chat.example.com.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DesktopSettingError(
      `${where} is "${raw}": only http:// and https:// addresses can be opened. Give the server's web address.`,
    );
  }
  if (url.username || url.password) {
    throw new DesktopSettingError(`${where} has a user name or password in it; remove them (you sign in inside the app).`);
  }
  url.hash = '';
  return url;
}

export function resolveAppUrl(inputs: AppUrlInputs): AppUrl {
  const fromArgv = urlFromArgv(inputs.argv);
  if (fromArgv !== undefined) return { url: parseAppUrl(fromArgv, 'The --url option'), source: '--url' };
  const fromEnv = inputs.env['QC_DESKTOP_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { url: parseAppUrl(fromEnv, 'QC_DESKTOP_URL'), source: 'QC_DESKTOP_URL' };
  if (inputs.settingsUrl !== undefined) {
    return { url: parseAppUrl(inputs.settingsUrl, `The "url" in ${inputs.settingsPath}`), source: 'settings' };
  }
  return { url: new URL(DEFAULT_APP_URL), source: 'default' };
}
