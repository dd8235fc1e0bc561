/**
 * `@qc/core/testing`: what other workspaces' specs need from core, kept out of the
 * production entry: a throwaway PostgreSQL, a broadcaster that records, free ports.
 */
export * from './test-database';
export * from './recording-broadcaster';
export { freePort, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/embedded/embedded-postgres';
// The in-process log runs consumers inline, so a spec can drive a consumer set record by record.
export { InProcessMessageLog } from '../../src/adapters/memory/in-process-message-log.adapter';
export { freezePostgres, type FrozenPostgres } from './postgres-freeze';
export { startTestPushService, decryptAes128gcm, type TestPushService, type TestDevice, type ReceivedPush } from './test-push-service';
