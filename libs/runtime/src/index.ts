export { Clock, SystemClock } from './clock';
export { RedisConnections } from './redis.connections';
export { Scheduler } from './scheduler';
export { RuntimeModule } from './runtime.module';
export { loadOrCreateKeyFile } from './key-file';
