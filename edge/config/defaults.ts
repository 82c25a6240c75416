/**
 * Every deployment default of the BFF, in one place (runtime policy defaults: `policy/defaults.ts`).
 * The README's configuration table mirrors it.
 */
export const DEFAULTS = {
  /** Where the BFF answers: its auth endpoints, the backend proxy, and the app's login page. */
  routes: { auth: '/api/auth', backend: '/api/backend', loginPage: '/login' },
  cookieName: 'bff_session',
  /** Browsers cap a cookie near 4096 bytes including its name and attributes. */
  cookieChunkSize: 3500,
  /** All session cookies together, as Set-Cookie counts them: well under Node's 16 KB of request headers. */
  sessionCookieMaxBytes: 12 * 1024,
  sessionMode: 'cookie',
  /** Server mode: how long an instance reuses a session record it read (an ended session is refused within this). */
  serverSessionCacheMs: 1_000,
  /** How often, at most, a session's last use is written (sliding idle timeout; the sessions list's lastSeenAt). */
  sessionTouchMs: 60_000,
  refreshGraceSeconds: 30,
  /** The effective refresh skew is at most this fraction of the access token's lifetime (refresh/due.ts). */
  refreshSkewLifetimeFraction: 0.25,
  /** A request with a cookie several rotations old follows at most this many successors to the newest session. */
  maxSuccessorHops: 5,
  refreshTimeoutMs: 5_000,
  /** The refresh call itself: a rotation the backend committed late is still received and kept. */
  refreshCallTimeoutMs: 60_000,
  backendTimeoutMs: 15_000,
  logoutTimeoutMs: 2_000,
  loginBodyLimitBytes: 16 * 1024,
  /** Next's own limit for bodies reaching middleware (`experimental.proxyClientMaxBodySize`). */
  proxyBodyLimitBytes: 10 * 1024 * 1024,
  /**
   * Next's own body cut (`experimental.proxyClientMaxBodySize`) sits this far above our limit. Next drops the whole
   * network chunk (≤ 64 KB) that crosses its cut, so a cut body still ends above our limit and is refused, never
   * forwarded short: the margin must exceed one chunk.
   */
  nextBodyCutMarginBytes: 1024 * 1024,
  defaultAccessTtlSeconds: 5 * 60,
  defaultRefreshTtlSeconds: 7 * 24 * 3600,
  minSecretLength: 32,
  preset: 'envelope',
  storeTimeoutMs: 1_000,
  /** After a store failover or reconnection, a missing session record is "unknown" (503) for this long, not "signed out". */
  storeSettleMs: 15_000,
  /**
   * How long a durable write waits for a replica's acknowledgement (Redis WAIT); and, when none came (no replica, or
   * one lagging), how long such writes then skip the wait instead of paying it each time.
   */
  storeReplicaWaitMs: 100,
  storeReplicaRetryMs: 30_000,
  /** Consecutive store timeouts or lost connections that open the breaker, and how long it then fails fast. */
  storeBreakerFailures: 3,
  storeBreakerCoolDownMs: 2_000,
  rateLimitTimeoutMs: 1_000,
  edgeConfigKey: 'bff',
  policyTtlSeconds: 10,
  edgeConfigTimeoutMs: 1_500,
  refreshPollMs: 50,
  /** A client-credentials token is renewed this long before it expires (at most a quarter of its lifetime). */
  clientTokenSkewMs: 30_000,
  /** How long a sign-in at the OpenID provider may take before its transaction cookie expires (oidc/transaction.ts). */
  oidcTransactionSeconds: 600,
  /** How long discovery metadata is reused before it is read again. */
  oidcDiscoveryTtlMs: 60 * 60 * 1000,
  /** How long an instance trusts a "not revoked" answer from the store (session/revocation.ts). */
  revocationCheckMs: 5_000,
  /**
   * How long a provider's back-channel logout is remembered without SESSION_MAX_AGE_SECONDS (session/marker-lifetimes.ts):
   * longer than Entra ID's 90-day and Okta's and Keycloak's common offline refresh lifetimes.
   */
  providerLogoutMarkerMs: 400 * 24 * 3600 * 1000,
  /** Failed logins for one identifier from anywhere may reach this many times the per-network limit (ratelimit/login-limiter.ts). */
  identifierSpreadFactor: 4,
  /** How long a browser that signed in is a known device for login limits (ratelimit/device-cookie.ts). */
  deviceCookieSeconds: 365 * 24 * 3600,
  /** Login attempts for one identifier in flight at once, per instance (ratelimit/login-limiter.ts). */
  loginConcurrencyPerIdentifier: 3,
} as const;

/** Each preset's endpoints as its documentation describes them; every one is overridable. */
export const PRESET_PATHS = {
  envelope: { login: '/auth/login', refresh: '/auth/refresh', logout: '/auth/logout', profile: undefined },
  oauth2: { login: '/oauth/token', refresh: '/oauth/token', logout: undefined, profile: undefined },
  simplejwt: { login: '/api/token/', refresh: '/api/token/refresh/', logout: '/api/token/blacklist/', profile: undefined },
  // OpenID providers publish their endpoints (discovery); these paths are not used.
  oidc: { login: '/', refresh: '/', logout: undefined, profile: undefined },
} as const;

export const OIDC_DEFAULT_SCOPE = 'openid profile email offline_access';

export const PRESET_USERNAME_FIELD = { envelope: 'email', oauth2: 'username', simplejwt: 'username', oidc: 'username' } as const;
