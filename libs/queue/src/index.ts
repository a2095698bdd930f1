export * from './queue.map';
export * from './outbox';
