import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@qc/core/testing';
import { bootstrap, type RunningApi } from '../../src/main';
import { ChatClient } from './chat-client';

export * from './chat-client';

/**
 * Boots the real api in this process (embedded PostgreSQL, migrations, Nest, Socket.IO)
 * on a free port with its own temp data folder; acts as people through ChatClient.
 */
export class ApiHarness extends ChatClient {
  private constructor(
    readonly api: RunningApi,
    base: string,
    private readonly dir: string,
  ) {
    super(base);
  }

  static async start(env: Record<string, string> = {}): Promise<ApiHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), 'qc-api-test-'));
    const port = await freePort();
    const api = await bootstrap({
      env: {
        QC_DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        WEB_DIR: path.join(dir, 'no-web'),
        // Every spec signs its people up from 127.0.0.1; the per-address default (20 an hour) is for strangers.
        SIGNUPS_PER_ADDRESS: '1000000',
        ...env,
      },
      progress: () => undefined,
    });
    return new ApiHarness(api, `http://127.0.0.1:${port}`, dir);
  }

  async stop() {
    this.disconnectAll();
    await this.api.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
