export interface CookieConfig {
  /** Base name; chunks are `<name>.0`, `<name>.1`, … */
  name: string;
  secure: boolean;
  /** Largest value written into one cookie before the session is split. */
  chunkSize: number;
}

export interface RefreshConfig {
  /** Refresh when the access token expires within this many ms. */
  skewMs: number;
  /** How long a finished refresh is remembered for requests still carrying the old cookie. */
  graceMs: number;
  timeoutMs: number;
}

export interface BffConfig {
  /** Base URL of the external API; `/api/backend/x` maps to `<backendUrl path>/x`. */
  backendUrl: URL;
  /** Public origin of the app, when known; otherwise it is taken from the request's Host. */
  appUrl?: URL;
  /** First encrypts, all decrypt. */
  secrets: string[];
  cookie: CookieConfig;
  refresh: RefreshConfig;
  /** Page path prefixes that need a session. */
  protectedPrefixes: string[];
  loginPath: string;
  backendTimeoutMs: number;
  logoutTimeoutMs: number;
  loginBodyLimitBytes: number;
  /** Lifetimes used when the backend does not say when its tokens expire. */
  defaultAccessTtlMs: number;
  defaultRefreshTtlMs: number;
}
