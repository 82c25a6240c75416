import { adapterFor } from './backend/adapter-for';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './backend/access-token-verifier';
import type { BackendAdapter } from './backend/types';
import { getConfig } from './config';
import type { BffConfig } from './config/types';
import { edgeConfigPolicy, staticPolicy, type PolicySource } from './policy/edge-config-source';
import { createLoginLimiter, type LoginLimiter } from './ratelimit/login-limiter';
import { createRefresher, type Refresher } from './refresh/refresher';
import { openSession } from './session/codec';
import { keyringFor, type SessionKeyring } from './session/keys';
import { cachedSessionOpener, type SessionOpener } from './session/open-cache';
import { revocationList, type RevocationList } from './session/revocation';
import { upstashStore } from './store/upstash-rest';

/** Everything a request needs that lives as long as the process: config, keys, adapter, refresher. */
export interface BffRuntime {
  config: BffConfig;
  keyring: SessionKeyring;
  sessions: SessionOpener;
  adapter: BackendAdapter;
  /** Present when upstream JWT verification is configured. */
  verifier?: AccessTokenVerifier;
  refresher: Refresher;
  /** Sessions ended by logout or a refresh rejection, shared through the store when there is one. */
  revocations: RevocationList;
  policy: PolicySource;
  loginLimiter: LoginLimiter;
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
  const adapter = adapterFor(config.auth);
  const keyring = await keyringFor(config.secrets);
  const verifier = config.jwt && createAccessTokenVerifier(config.jwt, now);
  const store = config.store && upstashStore(config.store);
  return {
    config,
    keyring,
    sessions: cachedSessionOpener((value) => openSession(value, keyring)),
    adapter,
    verifier,
    refresher: createRefresher({ config, adapter, keyring, verifier, store, fetch: fetchImpl, now }),
    revocations: revocationList(store, now),
    policy: config.edgeConfig ? edgeConfigPolicy(config.policy, config.edgeConfig) : staticPolicy(config.policy),
    loginLimiter: createLoginLimiter(config, now),
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
