export { loadConfig, ConfigError, CONFIG } from './config';
export type { Config } from './config';
