export * from './api.ts';
export * from './contacts.ts';
export * from './models.ts';
export * from './params.ts';
export * from './port.ts';
export * from './recording.ts';
export * from './rpc.ts';
export * from './scene.ts';
