import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@qc/core/testing';
import { ChatClient } from './chat-client';

/*
 * Test hosts for the scale-out profile, all on loopback: one PostgreSQL (embedded), one
 * private redis-server of our own (so a test may kill and restart it), and api nodes as
 * separate processes (`node apps/api/dist/src/main.js`) that share them. An ApiNode is
 * also a ChatClient of its node.
 */
const apiMain = path.resolve(__dirname, '../../src/main.js');
const workersMain = path.resolve(__dirname, '../../../../workers/dist/main.js');

export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Its process, while it runs (the bench counts its CPU). */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  async up() {
    const proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000);
      proc.on('error', (e) => reject(new Error(`could not run redis-server (${e.message}): install Redis (apt-get install redis-server)`)));
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async kill() {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }
}

export class ApiNode extends ChatClient {
  private output = '';
  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {
    super(`http://127.0.0.1:${port}`);
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(name: string, env: Record<string, string>): Promise<ApiNode> {
    return ApiNode.spawn(name, apiMain, 'ready at', env);
  }

  /** An apps/workers process (the Kafka consumers); `base` means nothing for it. */
  static async startWorkers(name: string, env: Record<string, string>): Promise<ApiNode> {
    return ApiNode.spawn(name, workersMain, 'ready:', env);
  }

  private static async spawn(name: string, main: string, readyText: string, env: Record<string, string>): Promise<ApiNode> {
    const port = await freePort();
    const proc = spawn(process.execPath, [main], {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node = new ApiNode(name, port, proc);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready in 60 s:\n${node.output}`)), 60_000);
      const check = () => {
        if (node.output.includes(readyText)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout!.on('data', check);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code}:\n${node.output}`));
      });
    });
    return node;
  }

  get alive() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  get pid(): number | undefined {
    return this.proc.pid;
  }
  get log() {
    return this.output;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (!this.alive) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill(signal);
    await exited;
  }
}

/** The shared engines plus the env every node gets. */
export async function startSharedEngines() {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-cluster-'));
  const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  const redis = await PrivateRedis.start();
  const env = {
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    JWT_SECRET: randomBytes(32).toString('hex'),
    QC_DATA_DIR: dir,
    WEB_DIR: path.join(dir, 'no-web'),
    // Every spec signs its people up from 127.0.0.1; the per-address default (20 an hour) is for strangers.
    SIGNUPS_PER_ADDRESS: '1000000',
  };
  return {
    env,
    redis,
    pg,
    async stop() {
      await redis.kill();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
