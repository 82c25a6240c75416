import { callBackend, backendCallUrl } from '../backend/call.ts';
import { grantFrom, targetParams, tokenCall } from '../backend/presets/oauth2.ts';
import { isObject, isSuccess, stringField } from '../backend/presets/read-json.ts';
import type { AuthenticatedEndpoint, ClientAuthentication } from '../client-auth/authenticate.ts';
import { basicAuthorization } from '../client-auth/form-encoding.ts';
import { DEFAULTS } from '../config/defaults.ts';
import type { ApiConfig, BffConfig } from '../config/types.ts';
import { digestKey } from '../crypto/digest-key.ts';
import type { DpopSigner } from '../dpop/signer.ts';
import { BffError } from '../errors.ts';
import { logWarn } from '../log.ts';
import { authenticatedEndpoint, type Discovery } from '../oidc/discovery.ts';
import { SingleFlight } from '../refresh/single-flight.ts';
import { decryptClaims, encryptClaims } from '../session/jwe.ts';
import type { SessionKeyring } from '../session/keys.ts';
import { hashTag } from '../store/hash-tag.ts';
import type { KvStore } from '../store/types.ts';

/** The BFF's own access token for an API, and whether it is DPoP-bound (sent with a proof) or a bearer token. */
export interface ClientToken {
  token: string;
  dpop?: DpopSigner;
}

export interface ClientTokens {
  /** A client-credentials token for `api`, fetched once per expiry across instances; an error when none can be had. */
  get(api: ApiConfig): Promise<ClientToken | BffError>;
}

interface Held {
  token: string;
  dpop: boolean;
  /** Shortly before expiry: DEFAULTS.clientTokenSkewMs, at most a quarter of its lifetime. */
  renewAt: number;
  expiresAt: number;
}

export interface ClientTokenDeps {
  config: BffConfig;
  client: ClientAuthentication;
  dpop?: DpopSigner;
  discovery?: Discovery;
  store?: KvStore;
  keyring: SessionKeyring;
  fetch: typeof fetch;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Client credentials (RFC 6749 §4.4) for the APIs whose policy is `client` or `user-or-client`. Never tied to a user,
 * never in a cookie: held in memory, and with a store, encrypted under the session key so that one instance fetches
 * per expiry and the others read it (a lock, as for refresh). A client-credentials grant has nothing to rotate, so a
 * store that fails or a lock holder that is slow only costs another fetch, never a refusal.
 */
export function clientTokens(deps: ClientTokenDeps): ClientTokens {
  const { config, store, keyring, now, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = deps;
  const held = new Map<string, Held>();
  const flight = new SingleFlight<Held | BffError>(0, () => false, now);
  const instanceId = crypto.randomUUID();

  const fresh = (h: Held | undefined): h is Held => !!h && h.renewAt > now();

  /** An API's own client authenticates with HTTP Basic, RFC 6749's default; otherwise the app's client as configured. */
  const clientFor = ({ client: { clientId, clientSecret } }: ApiConfig): ClientAuthentication =>
    clientId ? { apply: async () => basicAuthorization(clientId, clientSecret!), jwks: () => undefined } : deps.client;

  /** The token endpoint: the API's own, the provider's published one, or the oauth2 preset's. DPoP only with the provider's. */
  async function endpointFor(api: ApiConfig): Promise<{ url: string; endpoint: AuthenticatedEndpoint; dpop?: DpopSigner }> {
    if (api.client.tokenUrl) return { url: api.client.tokenUrl.href, endpoint: { tokenEndpoint: api.client.tokenUrl.href } };
    if (deps.discovery) {
      const doc = await deps.discovery.metadata();
      return { url: doc.token_endpoint, endpoint: authenticatedEndpoint(doc), dpop: deps.dpop };
    }
    const url = backendCallUrl(config.backendUrl, { path: config.auth.paths.refresh }).href;
    return { url, endpoint: { tokenEndpoint: url }, dpop: deps.dpop };
  }

  async function request(api: ApiConfig): Promise<Held | BffError> {
    try {
      const { url, endpoint, dpop } = await endpointFor(api);
      const params = { grant_type: 'client_credentials', ...targetParams(api) };
      const reply = await callBackend(config.backendUrl, await tokenCall(clientFor(api), endpoint, url, params, dpop), api.timeoutMs, deps.fetch);
      const grant = isSuccess(reply) ? grantFrom(reply.json) : undefined;
      if (!grant) {
        const error = isObject(reply.json) ? stringField(reply.json.error) : undefined;
        logWarn('client_token_failed', { api: api.name, status: reply.status, error });
        // A 4xx with an OAuth error is the endpoint refusing this client or resource: a configuration to fix, no retry.
        return error && reply.status < 500 ? new BffError('client_token_unavailable', 'The token endpoint refused this app.', { status: 502 }) : unavailable();
      }
      const lifetime = grant.accessExpiresIn ? grant.accessExpiresIn * 1000 : config.defaultAccessTtlMs;
      const expiresAt = now() + lifetime;
      const bound = isObject(reply.json) && stringField(reply.json.token_type)?.toLowerCase() === 'dpop';
      return { token: grant.accessToken, dpop: bound, renewAt: expiresAt - Math.min(DEFAULTS.clientTokenSkewMs, lifetime / 4), expiresAt };
    } catch (error) {
      logWarn('client_token_failed', { api: api.name, reason: error instanceof BffError ? error.code : 'error' });
      return unavailable();
    }
  }

  /** With a store: the token another instance fetched, else the lock and a fetch; a store that fails is skipped. */
  async function shared(api: ApiConfig): Promise<Held | BffError> {
    if (!store) return request(api);
    const tag = hashTag(await digestKey(JSON.stringify([api.name, api.url.href, api.client.tokenUrl?.href, api.client.clientId, api.resource, api.scope])));
    const key = `bff:client-token:${tag}`;
    const lock = `${key}:lock`;
    let locked = false;
    try {
      for (let poll = 0; poll * DEFAULTS.refreshPollMs <= api.timeoutMs; poll++) {
        const found = await readHeld(store, key, keyring);
        if (fresh(found)) return found;
        if (await store.setIfAbsent(lock, instanceId, api.timeoutMs + 1_000)) {
          locked = true;
          break;
        }
        await sleep(DEFAULTS.refreshPollMs);
      }
    } catch {
      logWarn('client_token_store_unavailable');
    }
    const got = await request(api);
    if (!(got instanceof BffError)) {
      const value = await encryptClaims({ t: got.token, d: got.dpop, r: got.renewAt }, keyring, got.expiresAt);
      await store.set(key, value, got.expiresAt - now()).catch(() => logWarn('client_token_store_unavailable'));
    }
    if (locked) await store.deleteIfValue(lock, instanceId).catch(() => undefined);
    return got;
  }

  return {
    async get(api) {
      let got: Held | BffError | undefined = held.get(api.name);
      if (!fresh(got)) {
        got = await flight.run(api.name, () => shared(api));
        if (!(got instanceof BffError)) held.set(api.name, got);
      }
      if (got instanceof BffError) return got;
      return { token: got.token, dpop: got.dpop ? deps.dpop : undefined };
    },
  };
}

async function readHeld(store: KvStore, key: string, keyring: SessionKeyring): Promise<Held | undefined> {
  const value = await store.get(key);
  if (!value) return undefined;
  try {
    const c = await decryptClaims(value, keyring);
    if (typeof c.t === 'string' && typeof c.r === 'number') return { token: c.t, dpop: c.d === true, renewAt: c.r, expiresAt: c.exp! * 1000 };
  } catch {
    // a value under an old key, or damaged: fetched again
  }
  return undefined;
}

const unavailable = () => new BffError('client_token_unavailable', 'No token for this API right now.', { retryAfter: 5 });
