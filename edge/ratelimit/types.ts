export interface LimitResult {
  success: boolean;
  /** Epoch ms at which the current window ends (when a refused caller may retry). */
  resetAt: number;
}

/** One sliding-window counter family (e.g. "logins per IP"). Store failures throw. */
export interface WindowLimiter {
  limit(key: string): Promise<LimitResult>;
  /** Forgets the key's count (a successful login clears its identifier's failures). */
  reset(key: string): Promise<void>;
}
