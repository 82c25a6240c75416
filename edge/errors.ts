/**
 * Errors are values with a stable `code`; HTTP status and wording are mapped once, in `http/error-response.ts`.
 *
 * One convention per layer:
 * - a backend adapter (pure reading of one contract) returns a result union: `{ ok: true, … } | { ok: false, … }`;
 * - a request step (body, path, CSRF, rate limit, sign-in) returns its `BffError` instead of a value (`T | BffError`),
 *   or `BffError | undefined` when it only checks;
 * - an I/O call (the backend, the store) throws, `BffError` or `StoreError`; its caller maps or degrades;
 * - opening a session cookie yields `null` for anything wrong: a bad cookie means logged out, never an error;
 * - the HTTP edge answers `errorResponse(error)`, the one JSON error shape.
 */
export type BffErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'csrf_rejected'
  | 'path_rejected'
  | 'invalid_credentials'
  | 'validation_failed'
  | 'backend_rejected'
  | 'backend_unreachable'
  | 'backend_timeout'
  | 'backend_error'
  | 'backend_unavailable'
  | 'refresh_unavailable'
  | 'client_token_unavailable'
  | 'session_too_large'
  | 'session_unavailable'
  | 'rate_limited'
  | 'rate_limit_unavailable'
  | 'maintenance'
  | 'insecure_transport'
  | 'misconfigured';

export interface BffErrorOptions {
  /** Status to answer with when the code alone does not decide it (a backend's own 4xx). */
  status?: number;
  /** Field errors, keyed by form field, as a login page shows them. */
  fields?: Record<string, string[]>;
  /** Seconds a client should wait before retrying. */
  retryAfter?: number;
}

export class BffError extends Error {
  readonly code: BffErrorCode;
  readonly status?: number;
  readonly fields?: Record<string, string[]>;
  readonly retryAfter?: number;

  constructor(code: BffErrorCode, message: string, options: BffErrorOptions = {}) {
    super(message);
    this.name = 'BffError';
    this.code = code;
    this.status = options.status;
    this.fields = options.fields;
    this.retryAfter = options.retryAfter;
  }
}

/** Why a store call failed: no answer in time, no connection, or the server's own error reply. */
export type StoreFailure = 'timeout' | 'connection' | 'reply';

/** A store call failed (network, timeout, an error answer); callers degrade as refresh/ and ratelimit/ describe. */
export class StoreError extends Error {
  readonly code = 'store_unavailable' as const;
  readonly kind: StoreFailure;
  /** For a reply: the server's error name (`CROSSSLOT`, `READONLY`, `MOVED`…), safe to log; never its message. */
  readonly reply?: string;

  constructor(message: string, kind: StoreFailure = 'connection') {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
    this.reply = kind === 'reply' ? /^[A-Z][A-Z_-]{1,31}\b/.exec(message)?.[0] : undefined;
  }

  /** A client library's error, classified. */
  static from(error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    const message = error instanceof Error ? error.message : 'store command failed';
    const name = (error as { name?: string } | null)?.name;
    if (name === 'ReplyError') return new StoreError(message, 'reply');
    if (name === 'TimeoutError' || name === 'AbortError' || /timed? ?out/i.test(message)) return new StoreError(message, 'timeout');
    return new StoreError(message, 'connection');
  }
}

/**
 * Thrown by `requireUser()` when the store cannot say whether the request's session exists (server mode, store down):
 * the user may well be signed in, so this is no redirect to the login page. An error boundary (`error.tsx`) shows
 * "try again shortly"; `retryAfter` is the wait the middleware would send.
 */
export class SessionUnavailableError extends Error {
  readonly code = 'session_unavailable' as const;
  readonly retryAfter = 5;

  constructor() {
    super(sessionUnavailable().message);
    this.name = 'SessionUnavailableError';
  }
}

/** The store could not say whether a session exists: neither signed in nor signed out (503, Retry-After). */
export const sessionUnavailable = () =>
  new BffError('session_unavailable', 'Your session cannot be checked right now. Please try again shortly.', { retryAfter: 5 });

/** Raised once, at start-up, when the environment cannot make a working configuration. */
export class ConfigError extends Error {
  readonly code = 'config_invalid' as const;
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
