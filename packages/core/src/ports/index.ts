export * from './metadata.port';
export * from './message-store.port';
export * from './message-log.port';
export * from './broadcaster.port';
export * from './presence.port';
export * from './rate-limiter.port';
export * from './room-sequencer.port';
export * from './notification-sink.port';
