/*
 * Quantum Chat's desktop shell: one window on the served web app, with the page kept a web
 * page (context isolation, sandbox, no Node) and a small bridge for what a browser tab
 * cannot do well: native notifications that bring the window forward at the message, and
 * the unread count on the dock or taskbar. Everything that decides something lives in the
 * modules beside this one and is tested without Electron; this file only wires Electron up.
 */

import { app, BrowserWindow, ipcMain, nativeImage, Notification, screen, session, shell, dialog } from 'electron';
import path from 'node:path';
import { DESKTOP_CHANNELS, type DesktopOpenMessage } from '@qc/shared';
import { DesktopSettingError, resolveAppUrl, type AppUrl } from './app-url';
import { presentBadge, shouldAskForAttention } from './badge';
import { BridgeHost } from './bridge-host';
import { allowPermission, decideNavigation, isAppOrigin } from './navigation';
import { readSettings, writeSettings, type DesktopSettings } from './settings-store';
import { retryDelayMs, unreachablePage } from './unreachable-page';
import { MIN_SIZE, restoreBounds } from './window-bounds';

const ASSETS = path.join(__dirname, '..', 'assets');
const log = (message: string) => console.log(`[quantum-desktop] ${message}`);

// One window, one app: a second start brings the first forward instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('chat.quantum.desktop');
  await app.whenReady();

  const settingsPath = path.join(app.getPath('userData'), 'settings.json');
  const { settings, problem } = readSettings(settingsPath);
  if (problem) log(problem);

  let appUrl: AppUrl;
  try {
    appUrl = resolveAppUrl({ argv: process.argv, env: process.env, settingsUrl: settings.url, settingsPath });
  } catch (error) {
    if (!(error instanceof DesktopSettingError)) throw error;
    dialog.showErrorBox('Quantum Chat cannot start', error.message);
    app.exit(1);
    return;
  }
  log(`opening ${appUrl.url.href} (from ${appUrl.source})`);

  // The page may ask for notifications, clipboard writes and full screen; nothing else, and only from the app's origin.
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermission(appUrl.url, details.requestingUrl, permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    allowPermission(appUrl.url, requestingOrigin, permission),
  );

  let window = createWindow(appUrl, settings, settingsPath);
  const host = new BridgeHost({
    isAppOrigin: (url) => isAppOrigin(appUrl.url, url),
    showNotification: (n, onClick) => {
      if (!Notification.isSupported()) return null;
      const shown = new Notification({ title: n.title, body: n.body, silent: n.silent });
      shown.on('click', onClick);
      shown.show();
      return shown;
    },
    showBadge: (count, before) => {
      const badge = presentBadge(count);
      if (process.platform === 'darwin') app.dock?.setBadge(badge.dockText);
      else if (process.platform === 'win32') {
        const overlay = badge.overlayAsset ? nativeImage.createFromPath(path.join(ASSETS, badge.overlayAsset)) : null;
        window.setOverlayIcon(overlay, badge.description);
      } else app.setBadgeCount(badge.count);
      if (shouldAskForAttention(before, count, window.isFocused())) {
        if (process.platform === 'darwin') app.dock?.bounce('informational');
        else window.flashFrame(true);
      }
    },
    focusWindow: () => {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    openMessage: (target: DesktopOpenMessage) => window.webContents.send(DESKTOP_CHANNELS.openMessage, target),
    warn: log,
  });

  ipcMain.on(DESKTOP_CHANNELS.setUnreadCount, (event, payload: unknown) => host.setUnreadCount(event.senderFrame?.url ?? '', payload));
  ipcMain.on(DESKTOP_CHANNELS.notify, (event, payload: unknown) => host.notify(event.senderFrame?.url ?? '', payload));

  app.on('second-instance', () => {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  // macOS keeps the app running with no window; clicking the dock icon opens one again.
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow(appUrl, settings, settingsPath);
    else window.show();
  });
  app.on('window-all-closed', () => {
    host.clear();
    if (process.platform !== 'darwin') app.quit();
  });
}

function createWindow(appUrl: AppUrl, settings: DesktopSettings, settingsPath: string): BrowserWindow {
  const primary = screen.getPrimaryDisplay().workArea;
  const bounds = restoreBounds(
    settings.window,
    screen.getAllDisplays().map((d) => d.workArea),
    primary,
  );
  const window = new BrowserWindow({
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'Quantum Chat',
    icon: path.join(ASSETS, 'icon.png'),
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  });
  if (bounds.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('focus', () => window.flashFrame(false));

  // Links: the app's own pages stay; other web and mail links open outside; the rest go nowhere.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (decideNavigation(appUrl.url, url) !== 'block') void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    const decision = decideNavigation(appUrl.url, url);
    if (decision === 'stay') return;
    event.preventDefault();
    if (decision === 'open-externally') void shell.openExternal(url);
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());

  // The server not answering: say so in the window and try again by itself.
  let attempt = 0;
  window.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    if (!isMainFrame || code === -3 /* ERR_ABORTED: a navigation replaced by another */) return;
    attempt += 1;
    const retryInMs = retryDelayMs(attempt);
    log(`${url} did not load (${description}); trying again in ${retryInMs / 1000} s`);
    void window.loadURL(unreachablePage({ url: appUrl.url.href, error: description, retryInMs }));
    window.show();
    setTimeout(() => {
      if (!window.isDestroyed()) void window.loadURL(appUrl.url.href);
    }, retryInMs);
  });
  window.webContents.on('did-finish-load', () => {
    if (isAppOrigin(appUrl.url, window.webContents.getURL())) attempt = 0;
  });

  // Where the window was, kept for next time (written when it closes).
  window.on('close', () => {
    const maximized = window.isMaximized();
    const { x, y, width, height } = maximized ? window.getNormalBounds() : window.getBounds();
    try {
      writeSettings(settingsPath, { ...readSettings(settingsPath).settings, window: { x, y, width, height, maximized } });
    } catch (error) {
      log(`the window's place was not saved: ${(error as Error).message}`);
    }
  });

  void window.loadURL(appUrl.url.href);
  return window;
}
