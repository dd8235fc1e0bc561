export * from './errors';
export * from './limits';
export * from './schemas';
export * from './timeline';
export * from './text';
export * from './mentions';
export * from './events';
export * from './validation';
