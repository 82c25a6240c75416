import type { BffConfig } from '../config/types';
import { BffError } from '../errors';
import { logWarn } from '../log';
import type { Policy, WindowLimit } from '../policy/types';
import { digestKey } from '../crypto/digest-key';
import { memorySlidingWindow } from './memory';
import type { WindowLimiter } from './types';
import { upstashSlidingWindow } from './upstash';

export interface LoginLimiter {
  /** Counts one attempt against the IP and the identifier; the error to answer with, if any. */
  check(ip: string, identifier: string, policy: Policy): Promise<BffError | undefined>;
  /** A successful login does not count against its identifier. */
  forgive(identifier: string, policy: Policy): Promise<void>;
}

/** Lower-cased, trimmed, then hashed: the store never holds an email address. */
function identifierKey(email: string): Promise<string> {
  return digestKey(email.trim().toLowerCase());
}

/**
 * Login rate limiting on two keys at once, so neither one attacker with many accounts nor many
 * IPs against one account gets through. Upstash when configured, else in memory (per instance).
 * Limiters are rebuilt when the policy's numbers change.
 */
export function createLoginLimiter(config: BffConfig): LoginLimiter {
  const windows = new Map<string, WindowLimiter>();
  const windowFor = (name: string, w: WindowLimit) => {
    const id = `${name}:${w.limit}/${w.windowSeconds}`;
    let limiter = windows.get(id);
    if (!limiter) {
      limiter = config.store
        ? upstashSlidingWindow(config.store, `bff:rl:${name}:${w.limit}-${w.windowSeconds}`, w.limit, w.windowSeconds, config.rateLimitTimeoutMs)
        : memorySlidingWindow(w.limit, w.windowSeconds * 1000);
      windows.set(id, limiter);
    }
    return limiter;
  };

  return {
    async check(ip, identifier, policy) {
      const { loginPerIp, loginPerIdentifier, onError } = policy.rateLimit;
      const idKey = await identifierKey(identifier); // before either call starts, so no rejection goes unobserved
      try {
        const [byIp, byId] = await Promise.all([windowFor('ip', loginPerIp).limit(ip), windowFor('id', loginPerIdentifier).limit(idKey)]);
        const refused = [byIp, byId].filter((r) => !r.success);
        if (refused.length === 0) return undefined;
        const retryAfter = Math.max(1, Math.ceil((Math.max(...refused.map((r) => r.resetAt)) - Date.now()) / 1000));
        return new BffError('rate_limited', `Too many attempts, try again in ${retryAfter} s.`, { retryAfter });
      } catch (error) {
        logWarn('rate_limit_unavailable', { reason: (error as Error)?.message, policy: onError });
        if (onError === 'open') return undefined;
        return new BffError('rate_limit_unavailable', 'Sign-in is temporarily unavailable. Try again shortly.', { retryAfter: 5 });
      }
    },
    async forgive(identifier, policy) {
      try {
        await windowFor('id', policy.rateLimit.loginPerIdentifier).reset(await identifierKey(identifier));
      } catch (error) {
        logWarn('rate_limit_forgive_failed', { reason: (error as Error)?.message });
      }
    },
  };
}
