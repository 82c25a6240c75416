import { loadConfig } from './load';
import type { BffConfig } from './types';

let cached: BffConfig | undefined;

/** The process configuration, read from the environment and validated on first use, then reused. */
export function getConfig(): BffConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

export type { BffConfig } from './types';
export { loadConfig } from './load';
