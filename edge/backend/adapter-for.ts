import { envelope } from './presets/envelope';
import type { BackendAdapter } from './types';

/** The backend contract in use. One preset today; the table grows by one file per preset. */
export function adapterFor(): BackendAdapter {
  return envelope;
}
