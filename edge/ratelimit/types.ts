export interface LimitResult {
  success: boolean;
  /** Epoch ms at which the current window ends (when a refused caller may retry). */
  resetAt: number;
}

/** One sliding-window counter family (e.g. "logins per IP"). Store failures throw. */
export interface WindowLimiter {
  /** Counts one hit; `success` says whether it was within the limit. */
  limit(key: string): Promise<LimitResult>;
  /** Whether one more hit would be within the limit, without counting one. */
  peek(key: string): Promise<LimitResult>;
}
