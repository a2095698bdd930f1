export * from './queue.map';
