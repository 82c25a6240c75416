import { clientTokens, type ClientTokens } from './apis/client-token.ts';
import { adapterFor } from './backend/adapter-for.ts';
import { createAccessTokenVerifier, type AccessTokenVerifier } from './backend/access-token-verifier.ts';
import type { BackendAdapter } from './backend/types.ts';
import type { UserMapper } from './backend/user-source.ts';
import { clientAuthentication, type ClientAuthentication } from './client-auth/authenticate.ts';
import { dpopSigner, type DpopSigner } from './dpop/signer.ts';
import { fetchForwarder } from './proxy/fetch-forwarder.ts';
import { platformForwarder } from './proxy/platform-forwarder.ts';
import type { Forwarder } from './proxy/upstream.ts';
import { loadConfig } from './config/load.ts';
import type { BffConfig } from './config/types.ts';
import type { BffHooks } from './hooks.ts';
import type { BffOptions } from './options.ts';
import { edgeConfigPolicy, staticPolicy, type PolicySource } from './policy/edge-config-source.ts';
import { createRefresher, type Refresher } from './refresh/refresher.ts';
import { openSession } from './session/codec.ts';
import { keyringFor, type SessionKeyring } from './session/keys.ts';
import { cachedSessionOpener } from './session/open-cache.ts';
import { revocationList, type RevocationList } from './session/revocation.ts';
import { successorRegister } from './session/successors.ts';
import { cookieStorage } from './session/storage/cookie.ts';
import { serverStorage } from './session/storage/server.ts';
import type { SessionStorage } from './session/storage/types.ts';
import { kvStore, type RedisCommands } from './store/commands.ts';
import { connectStore } from './store/connect.ts';
import type { KvStore } from './store/types.ts';
import { DEFAULTS } from './config/defaults.ts';
import { discovery } from './oidc/discovery.ts';
import { oidcContext, type OidcContext } from './oidc/context.ts';
import { refreshedIdTokenCheck } from './oidc/refreshed-id-token.ts';

/** Everything a request needs that lives as long as the process: config, keys, adapter, refresher. */
export interface BffRuntime {
  config: BffConfig;
  keyring: SessionKeyring;
  /** Where sessions live (SESSION_MODE): in the cookie, or in the store behind an opaque cookie. */
  sessions: SessionStorage;
  adapter: BackendAdapter;
  mapUser?: UserMapper;
  hooks?: BffHooks;
  /** Present when upstream JWT verification is configured. */
  verifier?: AccessTokenVerifier;
  refresher: Refresher;
  /** Sessions ended by logout or a refresh rejection, shared through the store when there is one. */
  revocations: RevocationList;
  policy: PolicySource;
  /** The store's own commands, when one is configured: @upstash/ratelimit's scripts run on them (login limits). */
  commands?: RedisCommands;
  /** Upstash or Redis, when configured: shared by refresh, rate limits, revocation, sessions and back-channel logout. */
  store?: KvStore;
  /** AUTH_PRESET=oidc: the provider's discovery and keys, shared by refresh and the sign-in routes. */
  oidc?: OidcContext;
  /** How this app authenticates as an OAuth client (token, revocation, PAR), and the keys `<auth>/jwks` publishes. */
  client: ClientAuthentication;
  /** AUTH_DPOP=1: proofs for the token requests and for every call made with the user's token. */
  dpop?: DpopSigner;
  fetch: typeof fetch;
  /** Sends proxied calls (the APIs' prefixes, `backendFetch()`): `fetch` on the edge, `node:http` on Node. */
  forward: Forwarder;
  /** The BFF's own tokens for the APIs whose policy is `client` or `user-or-client`. */
  clientTokens: ClientTokens;
  now: () => number;
}

/** The app's options, plus what tests inject: a ready config, a fake backend, a store double, a clock. */
export interface RuntimeOptions extends BffOptions {
  config?: BffConfig;
  store?: KvStore;
  fetch?: typeof fetch;
  now?: () => number;
}

export async function createRuntime(options: RuntimeOptions = {}): Promise<BffRuntime> {
  const config = options.config ?? loadConfig(options.env ?? process.env, { routes: options.routes, backends: options.backends });
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const found = config.auth.oidc
    ? discovery(config.auth.oidc.issuer, { fetch: fetchImpl, now, ttlMs: DEFAULTS.oidcDiscoveryTtlMs, timeoutMs: config.backendTimeoutMs })
    : undefined;
  const client = await clientAuthentication(config.auth, now);
  const dpop = config.auth.dpop && (await dpopSigner(config.auth.dpop, now));
  const adapter = adapterFor(config.auth, { backendUrl: config.backendUrl, client, dpop }, options.adapter, found);
  const keyring = await keyringFor(config.secrets);
  const verifier = config.jwt && createAccessTokenVerifier(config.jwt, now);
  const commands = config.store && (await connectStore(config.store));
  const store = options.store ?? (commands && kvStore(commands));
  const { hooks } = options;
  const revocations = revocationList(store, now, { maxAgeMs: config.session.maxAgeMs, defaultRefreshTtlMs: config.defaultRefreshTtlMs });
  const sessions =
    config.session.mode === 'server' && store
      ? serverStorage({ config, store, recordKeyring: await keyringFor(config.secrets, 'server-record'), revocations, now })
      : cookieStorage({
          config,
          keyring,
          opener: cachedSessionOpener((value) => openSession(value, keyring), undefined, now),
          successors: successorRegister(store, keyring, now),
          revocations,
          now,
        });
  const oidc = found && oidcContext(config.auth, found, { client, dpop }, fetchImpl);
  return {
    config,
    keyring,
    sessions,
    adapter,
    mapUser: options.mapUser,
    hooks,
    verifier,
    refresher: createRefresher({ config, adapter, keyring, verifier, store, hooks, fits: sessions.fits, checkIdToken: oidc && refreshedIdTokenCheck(oidc), fetch: fetchImpl, now }),
    revocations,
    policy: config.edgeConfig ? edgeConfigPolicy(config.policy, config.edgeConfig, now) : staticPolicy(config.policy),
    commands,
    store,
    oidc,
    client,
    dpop,
    fetch: fetchImpl,
    forward: options.fetch ? fetchForwarder(options.fetch) : await platformForwarder(),
    clientTokens: clientTokens({ config, client, dpop, discovery: found, store, keyring, fetch: fetchImpl, now }),
    now,
  };
}
