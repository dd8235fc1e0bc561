// The public entry of @qc/core: ports, services, handlers and the composition that builds
// every adapter from config. Adapters are not exported: an app asks the composition for
// what its config calls for (openApiRuntime, openWorkersRuntime) and never picks one itself.
// Specs' helpers live in @qc/core/testing.
export * from './errors';
export * from './config/config';
export * from './ports';
export * from './lib/uuidv7';
export * from './lib/redact-url';
export * from './lib/token-bucket';
export * from './services/auth.service';
export * from './services/users.service';
export * from './services/profile-announcer';
export * from './services/rooms.service';
export * from './services/room-policy';
export * from './services/messages.service';
export * from './services/presence.service';
export * from './services/typing.service';
export * from './services/search.service';
export * from './services/receipts.service';
export * from './services/throttle.service';
export * from './handlers/fanout.handler';
export * from './handlers/notify.handler';
export * from './handlers/index.handler';
export * from './handlers/history.handler';
export * from './composition';
export type { ChatServer } from './adapters/socketio/socketio-broadcaster.adapter';
export * from './services/message-actions.service';
export * from './services/my-data.service';
export * from './lib/message-state';
export * from './uploads/uploads.service';
export * from './uploads/avatars.service';
export * from './uploads/upload-content';
export * from './push/push.service';
export * from './moderation/moderation.service';
export * from './moderation/word-rules.service';
export * from './moderation/spam-rules.service';
export * from './moderation/admin-overview.service';
export * from './moderation/person-profile.service';
export * from './moderation/cases.service';
