import type { EdgeConfigConfig, Policy } from '../policy/types.ts';

export interface CookieConfig {
  /** Base name; chunks are `<name>.0`, `<name>.1`, … */
  name: string;
  secure: boolean;
  /** Largest value written into one cookie before the session is split. */
  chunkSize: number;
  /**
   * The most the session's cookies may take together, counted as `Set-Cookie` writes them (names, values and
   * attributes): a session that needs more is refused, never written, so no browser is locked out by a 431.
   */
  maxBytes: number;
}

/** Where sessions live: in the cookie (encrypted), or in the store with only an id and a key in the cookie. */
export type SessionMode = 'cookie' | 'server';

export interface SessionConfig {
  mode: SessionMode;
  /** Ends a session unused this long (epoch ms span); none when unset. */
  idleMs?: number;
  /** Ends a session this long after sign-in, whatever its refresh token says; none when unset. */
  maxAgeMs?: number;
}

export interface RefreshConfig {
  /** How long a finished refresh is remembered for requests still carrying the old cookie. */
  graceMs: number;
  /** How long a request waits for a refresh before answering 503 + Retry-After. */
  timeoutMs: number;
  /** How long the refresh call itself may run: a late answer is still kept (refresh/refresher.ts). */
  callTimeoutMs: number;
}

export type PresetName = 'envelope' | 'oauth2' | 'simplejwt' | 'oidc';

/** AUTH_PRESET=oidc: an OpenID provider, authorization code + PKCE, the BFF as its confidential client. */
export interface OidcConfig {
  /** Discovery reads `<issuer>/.well-known/openid-configuration`. https, except on a loopback host. */
  issuer: URL;
  /** Sent as `resource` (RFC 8707) and `audience` (Auth0) when the API needs tokens minted for it. */
  audience?: string;
  /** Read the user from the userinfo endpoint too, when the provider has one (default); the ID token's claims otherwise. */
  userinfo: boolean;
  /** Take the email only when the provider says it is verified (`email_verified`); default true. */
  requireVerifiedEmail: boolean;
  /**
   * Pushed Authorization Requests (RFC 9126, OIDC_PAR): `auto` pushes when the provider publishes the endpoint,
   * `required` refuses to sign in without it (no silent downgrade), `off` never pushes.
   */
  par: 'auto' | 'required' | 'off';
}

/** Backend endpoints, relative to BACKEND_URL; kept exactly as given (trailing slashes matter to Django). */
export interface BackendPaths {
  login: string;
  refresh: string;
  /** Revocation on logout; none means logout only clears the session. */
  logout?: string;
  /** Where the user summary comes from when the login answer has none. */
  profile?: string;
}

/** RFC 7591's names for how a client authenticates at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';

/** A private key from the environment, parsed (imported at start-up: client-auth/signing-key.ts). */
export interface PrivateKeyConfig {
  jwk?: Record<string, unknown>;
  pem?: string;
  alg?: SigningAlg;
  kid?: string;
}

export interface ClientAuthConfig {
  /** AUTH_CLIENT_AUTH; absent: the provider's published choice, else a key's `private_key_jwt`, else Basic. */
  method?: ClientAuthMethod;
  /** AUTH_CLIENT_PRIVATE_KEY (a private JWK or a PKCS#8 PEM), for `private_key_jwt`. */
  privateKey?: PrivateKeyConfig;
  /** The `aud` of client assertions; default: the provider's issuer, else the token endpoint URL. */
  assertionAudience?: string;
}

export interface AuthConfig {
  preset: PresetName;
  paths: BackendPaths;
  /** OAuth 2 client credentials (RFC 6749 §2.3.1), or a signing key in place of the secret (`clientAuth`). */
  clientId?: string;
  clientSecret?: string;
  clientAuth: ClientAuthConfig;
  scope?: string;
  /** The body key the login form's "email" becomes (SimpleJWT: the user model's USERNAME_FIELD). */
  usernameField: string;
  /** Present with AUTH_PRESET=oidc. */
  oidc?: OidcConfig;
  /** AUTH_DPOP=1: the key DPoP proofs are signed with (RFC 9449); absent, tokens are plain bearer tokens. */
  dpop?: PrivateKeyConfig;
}

/** Optional verification of upstream access tokens before their claims are trusted. */
export interface JwtVerificationConfig {
  jwksUrl?: URL;
  secret?: string;
  issuer?: string;
  audience?: string;
}

/**
 * The shared store: Upstash Redis over REST (any runtime), or a Redis/Valkey server over TCP (`REDIS_URL`, Node only).
 * Used for cross-instance refresh coordination, rate limits, revocation and server-held sessions.
 */
export type StoreConfig = UpstashStoreConfig | RedisStoreConfig;

export interface UpstashStoreConfig {
  kind: 'upstash';
  url: string;
  token: string;
  /** Deadline of one store call; past it the caller degrades (see refresh/ and ratelimit/). */
  timeoutMs: number;
}

export interface RedisNode {
  host: string;
  port: number;
}

/** REDIS_URL, read (config/store.ts): one server, a Cluster (any of its nodes), or Sentinel (its sentinels). */
export interface RedisStoreConfig {
  kind: 'redis';
  topology: 'single' | 'cluster' | 'sentinel';
  /** The server (single), the cluster's seed nodes, or the sentinels. */
  nodes: RedisNode[];
  username?: string;
  password?: string;
  tls: boolean;
  db: number;
  /** Sentinel: the master's name. */
  master?: string;
  /** Sentinel: REDIS_SENTINEL_PASSWORD, when the sentinels themselves need one. */
  sentinelPassword?: string;
  /** Deadline of one store call; past it the caller degrades (see refresh/ and ratelimit/). */
  timeoutMs: number;
}

export const CLIENT_IP_HEADERS = ['x-real-ip', 'cf-connecting-ip'] as const;
export type ClientIpHeader = (typeof CLIENT_IP_HEADERS)[number];

/** How to find the client's IP without trusting what the client says. */
export interface ClientIpConfig {
  /** On Vercel the platform writes `x-forwarded-host`/`-proto` (request/public-origin.ts). */
  onVercel: boolean;
  /**
   * The header a platform in front writes with the client's address, overwriting whatever the client sent: `x-real-ip`
   * on Vercel, `cf-connecting-ip` on Cloudflare Workers, or CLIENT_IP_HEADER (a self-hosted origin behind Cloudflare
   * that accepts no other traffic). Undefined when nothing does.
   */
  ipHeader?: ClientIpHeader;
  /** Self-hosted: how many reverse proxies in front of `next start` append to X-Forwarded-For. */
  trustedProxyCount: number;
}

export interface ProxyConfig {
  /** Largest request body forwarded to the backend; larger ones get 413 JSON. */
  bodyLimitBytes: number;
}

/** Route prefixes, set in code (`createBff({ routes })`); the middleware matcher has to cover them. */
export interface RouteConfig {
  /** `<auth>/login`, `<auth>/logout`, `<auth>/session`. */
  auth: string;
  /** `<backend>/x` is proxied to `BACKEND_URL/x`. */
  backend: string;
  /** The app's sign-in page: anonymous visitors of protected pages are sent here. */
  loginPage: string;
}

/** How an API is called (Duende BFF's token types): with the user's token, the BFF's own (client credentials), or none. */
export const TOKEN_POLICIES = ['user', 'user-or-none', 'client', 'user-or-client', 'none'] as const;
export type TokenPolicy = (typeof TOKEN_POLICIES)[number];

/** Where an API's client-credentials token comes from; unset fields: the preset's token endpoint and AUTH_CLIENT_*. */
export interface ClientTokenConfig {
  tokenUrl?: URL;
  clientId?: string;
  clientSecret?: string;
}

/** One API behind the BFF: BACKEND_URL's (named `backend`), and each of BACKENDS (or `createBff({ backends })`). */
export interface ApiConfig {
  name: string;
  url: URL;
  /** `<prefix>/x` is proxied to `<url path>/x`. */
  prefix: string;
  token: TokenPolicy;
  /**
   * The RFC 8707 `resource` (also sent as Auth0's `audience`) and scope of this API's tokens: the user's own for it
   * (minted from the refresh token, apis/credential.ts) and the app's client-credentials token.
   */
  resource?: string;
  scope?: string;
  client: ClientTokenConfig;
  timeoutMs: number;
  bodyLimitBytes: number;
}

export interface DiagnosticsConfig {
  enabled: boolean;
  /** BFF_DIAGNOSTICS_TOKEN: when set, the report is shown only to `Authorization: Bearer <token>`. */
  token?: string;
}

export interface BffConfig {
  /** Base URL of the external API; `/api/backend/x` maps to `<backendUrl path>/x`. */
  backendUrl: URL;
  /** Every API, BACKEND_URL's first: its prefix, token policy, deadline and body limit. */
  apis: ApiConfig[];
  /** Public origin of the app, when known; otherwise it is taken from the request's Host. */
  appUrl?: URL;
  /** First encrypts, all decrypt. */
  secrets: string[];
  auth: AuthConfig;
  /** Present when AUTH_JWKS_URL or AUTH_JWT_SECRET is set. */
  jwt?: JwtVerificationConfig;
  store?: StoreConfig;
  cookie: CookieConfig;
  session: SessionConfig;
  refresh: RefreshConfig;
  /** The runtime policy before any Edge Config document: built-in defaults overridden by the environment. */
  policy: Policy;
  edgeConfig?: EdgeConfigConfig;
  clientIp: ClientIpConfig;
  /** Deadline of one rate-limit check against the store. */
  rateLimitTimeoutMs: number;
  routes: RouteConfig;
  /** BFF_DEBUG: one log line per middleware decision (never a token or cookie value). */
  debug: boolean;
  /** `<auth>/diagnostics` (config/diagnostics.ts). */
  diagnostics: DiagnosticsConfig;
  backendTimeoutMs: number;
  proxy: ProxyConfig;
  logoutTimeoutMs: number;
  loginBodyLimitBytes: number;
  /** Lifetimes used when the backend does not say when its tokens expire. */
  defaultAccessTtlMs: number;
  defaultRefreshTtlMs: number;
}
