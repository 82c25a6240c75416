export interface WindowLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * What operators may change at run time, without a redeploy (from Edge Config when EDGE_CONFIG
 * is set). Everything else is deployment configuration (`config/`).
 */
export interface Policy {
  /** Page path prefixes that need a session. */
  protectedPaths: string[];
  /** Refresh when the access token expires within this many seconds. */
  refreshSkewSeconds: number;
  rateLimit: {
    loginPerIp: WindowLimit;
    loginPerIdentifier: WindowLimit;
    /** When the limiter's store fails: refuse logins (`closed`) or let them through (`open`). */
    onError: 'closed' | 'open';
  };
  /** Answers 503 on /api/backend and the login route with `message`. */
  maintenance: { enabled: boolean; message: string };
  /** Extra origins (besides the app's own) allowed to make unsafe /api/backend calls. */
  allowedOrigins: string[];
}

/** Where runtime policy comes from when EDGE_CONFIG is set. */
export interface EdgeConfigConfig {
  connectionString: string;
  /** The one item holding the policy document. */
  key: string;
  ttlMs: number;
  timeoutMs: number;
}
