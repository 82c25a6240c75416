/** The small, non-secret picture of the user that pages may show. */
export interface User {
  id: string;
  email?: string;
  name?: string;
}

/** What the encrypted cookie holds. Times are epoch milliseconds. */
export interface Session {
  /** Random id of this sign-in, kept across refreshes: what logout revokes (absent in cookies from before 0.2). */
  sid?: string;
  accessToken: string;
  /** Absent for backends that issue only an access token: the session then ends when it expires. */
  refreshToken?: string;
  /** When this access token was received; with `accessExpiresAt`, its lifetime (absent in cookies from before 0.2). */
  accessIssuedAt?: number;
  accessExpiresAt: number;
  /** When the cookie expires: the refresh token's expiry (without one, the session ends with its access token). */
  refreshExpiresAt: number;
  user: User;
  /** When the user signed in (epoch ms; absent in cookies from before 0.2): provider logouts end sessions begun before them. */
  signedInAt?: number;
  /**
   * When the user last proved who they are, where it differs from `signedInAt`: an OpenID provider's `auth_time` (a
   * sign-in through an existing provider session). Step-up (`requireUser({ maxAgeSeconds })`) checks this one.
   */
  authenticatedAt?: number;
  /** When the session was last used, for the idle timeout (SESSION_IDLE_SECONDS); written at most once a minute. */
  lastSeenAt?: number;
  /** AUTH_PRESET=oidc: the provider's ID token (the hint for RP-initiated logout) and who the provider says signed in. */
  idToken?: string;
  provider?: ProviderSession;
  /**
   * When the refresh token was last redeemed, for this session's own access token or for an API's: which of two
   * copies of one sign-in is newer (absent before 0.4: the access token's time decides).
   */
  renewedAt?: number;
  /** Tokens for the APIs that take their own (RFC 8707 audiences, BACKENDS), minted from the same refresh token. */
  apis?: Record<string, ApiToken>;
}

/** An access token for one API, by its name. */
export interface ApiToken {
  accessToken: string;
  issuedAt: number;
  expiresAt: number;
}

/** The provider's side of a sign-in, for OIDC back-channel logout (by `sid`, or every session of a `sub`). */
export interface ProviderSession {
  sub: string;
  sid?: string;
}

/** One of a user's sessions as the sessions list shows it: never a token. */
export interface SessionSummary {
  /** The sign-in's id (`sid`): what `endSession(id)` takes. */
  id: string;
  /** The session of the request asking. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent?: string;
}

/** A renewed session with its cookie value, encrypted once and shared by every request that waited for it. */
export interface Refreshed {
  kind: 'refreshed';
  session: Session;
  sealed: string;
}
