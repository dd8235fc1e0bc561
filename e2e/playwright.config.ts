import { defineConfig } from '@playwright/test';
import os from 'node:os';
import path from 'node:path';

/*
 * End-to-end specs against the real product: `scripts/start.mjs` builds and boots the api
 * (embedded PostgreSQL, in-process workers) serving the web app's static export, on its own
 * port and with a fresh data directory each run, so runs never see each other's users.
 * The browser is Debian's Chromium; nothing here downloads one.
 */
const PORT = Number(process.env.QC_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
// Read once by the runner (the only process that starts the web server).
const dataDir = process.env.QC_E2E_DATA_DIR ?? path.join(os.tmpdir(), `qc-e2e-${Date.now()}`);
// The test workers read the config again: they must name the same folder (npm run admin works on it).
process.env.QC_E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e.ts',
  outputDir: './test-results/artifacts',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'node ../scripts/start.mjs',
    url: `${baseURL}/api/v1/health`,
    // warn: the api's JSON request logs would drown the list reporter's lines.
    // The specs sign every person up from 127.0.0.1: more than the per-address default (20 an hour) allows.
    env: { PORT: String(PORT), QC_DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', SIGNUPS_PER_ADDRESS: '1000000' },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
