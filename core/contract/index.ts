// The contract shared by preload, main and the web host. See methods.ts for the method table.
export * from './methods.js';
export * from './events.js';
export * from './errors.js';
export type * from './types.js';
export * as schemas from './schemas.js';
