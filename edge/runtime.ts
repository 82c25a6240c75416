import { adapterFor } from './backend/adapter-for';
import type { BackendAdapter } from './backend/types';
import { getConfig } from './config';
import type { BffConfig } from './config/types';
import { createRefresher, type Refresher } from './refresh/refresher';
import { keyringFor, type SessionKeyring } from './session/keys';

/** Everything a request needs that lives as long as the process: config, keys, adapter, refresher. */
export interface BffRuntime {
  config: BffConfig;
  keyring: SessionKeyring;
  adapter: BackendAdapter;
  refresher: Refresher;
  fetch: typeof fetch;
  now: () => number;
}

export interface RuntimeOverrides {
  config?: BffConfig;
  fetch?: typeof fetch;
  now?: () => number;
}

export async function createRuntime(overrides: RuntimeOverrides = {}): Promise<BffRuntime> {
  const config = overrides.config ?? getConfig();
  const fetchImpl = overrides.fetch ?? ((input, init) => fetch(input, init));
  const now = overrides.now ?? Date.now;
  const adapter = adapterFor();
  const keyring = await keyringFor(config.secrets);
  return {
    config,
    keyring,
    adapter,
    refresher: createRefresher({ config, adapter, keyring, fetch: fetchImpl, now }),
    fetch: fetchImpl,
    now,
  };
}

let shared: Promise<BffRuntime> | undefined;

/** The process-wide runtime, so the refresh single-flight is shared by every request of this instance. */
export function getRuntime(): Promise<BffRuntime> {
  shared ??= createRuntime().catch((error) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
