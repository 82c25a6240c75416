export interface LimitResult {
  success: boolean;
  /** Epoch ms at which the current window ends (when a refused caller may retry). */
  resetAt: number;
}

/** One sliding-window counter family (e.g. "logins per IP"). Store failures throw. */
export interface WindowLimiter {
  /** Counts one hit, atomically with the check; `success` says whether it was within the limit (else nothing counted). */
  limit(key: string): Promise<LimitResult>;
  /** Gives back one counted hit: a reservation that turned out not to be a failure. */
  refund(key: string): Promise<void>;
}
