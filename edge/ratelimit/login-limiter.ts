import type { BffConfig } from '../config/types.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { digestKey } from '../crypto/digest-key.ts';
import { BffError } from '../errors.ts';
import { failureKind, logWarn } from '../log.ts';
import type { Policy, WindowLimit } from '../policy/types.ts';
import { identifierForLimits, networkForLimits } from './keys.ts';
import { memorySlidingWindow } from './memory.ts';
import type { RedisCommands } from '../store/commands.ts';
import type { LimitResult, WindowLimiter } from './types.ts';
import { upstashSlidingWindow } from './upstash.ts';

export interface LoginLimiter {
  /** Counts the attempt against the client's network and checks the identifier's failures; the error to answer with, if any. */
  check(ip: string, identifier: string, policy: Policy): Promise<BffError | undefined>;
  /** Counts a failed attempt (the backend refused the credentials) against the identifier. */
  failed(ip: string, identifier: string, policy: Policy): Promise<void>;
}

/**
 * Login rate limiting on three keys, so that neither one attacker with many accounts, nor many IPs against one
 * account, nor a stranger who knows an email can get their way:
 * - every attempt counts against the client's network (`loginPerIp`; IPv6 by /64);
 * - only failures count against an identifier: per identifier and network at `loginPerIdentifier` (a stranger
 *   guessing from one network locks only that network out of the account), and per identifier from anywhere at
 *   `DEFAULTS.identifierSpreadFactor` times that (a guesser spread over many networks is still stopped).
 * No success resets any counter, so a successful login as a look-alike account cannot clear a victim's failures.
 * Identifiers are normalised (ratelimit/keys.ts) and hashed: the store never holds an email address.
 * Upstash when configured, else in memory (per instance). Limiters are rebuilt when the policy's numbers change.
 */
/** `commands`: the shared store's transport when there is one (store/connect.ts); per-instance memory otherwise. */
export function createLoginLimiter(config: BffConfig, now: () => number = Date.now, commands?: RedisCommands): LoginLimiter {
  const windows = new Map<string, WindowLimiter>();
  const windowFor = (name: string, w: WindowLimit) => {
    const id = `${name}:${w.limit}/${w.windowSeconds}`;
    let limiter = windows.get(id);
    if (!limiter) {
      limiter = commands
        ? upstashSlidingWindow(commands, `bff:rl:${name}:${w.limit}-${w.windowSeconds}`, w.limit, w.windowSeconds, config.rateLimitTimeoutMs)
        : memorySlidingWindow(w.limit, w.windowSeconds * 1000, now);
      windows.set(id, limiter);
    }
    return limiter;
  };
  const identifierWindows = (policy: Policy) => {
    const perPair = policy.rateLimit.loginPerIdentifier;
    return {
      pair: windowFor('id-net', perPair),
      anywhere: windowFor('id', { ...perPair, limit: perPair.limit * DEFAULTS.identifierSpreadFactor }),
    };
  };
  const keysFor = async (ip: string, identifier: string) => {
    const network = networkForLimits(ip);
    const id = await digestKey(identifierForLimits(identifier));
    return { network, id, pair: await digestKey(`${id}|${network}`) };
  };

  return {
    async check(ip, identifier, policy) {
      const keys = await keysFor(ip, identifier); // before any call starts, so no rejection goes unobserved
      const { pair, anywhere } = identifierWindows(policy);
      let results: LimitResult[];
      try {
        results = await Promise.all([windowFor('ip', policy.rateLimit.loginPerIp).limit(keys.network), pair.peek(keys.pair), anywhere.peek(keys.id)]);
      } catch (error) {
        logWarn('rate_limit_unavailable', { reason: failureKind(error), policy: policy.rateLimit.onError });
        if (policy.rateLimit.onError === 'open') return undefined;
        return new BffError('rate_limit_unavailable', 'Sign-in is temporarily unavailable. Try again shortly.', { retryAfter: 5 });
      }
      const refused = results.filter((r) => !r.success);
      if (refused.length === 0) return undefined;
      const retryAfter = Math.max(1, Math.ceil((Math.max(...refused.map((r) => r.resetAt)) - now()) / 1000));
      return new BffError('rate_limited', `Too many attempts, try again in ${retryAfter} s.`, { retryAfter });
    },
    async failed(ip, identifier, policy) {
      const keys = await keysFor(ip, identifier);
      const { pair, anywhere } = identifierWindows(policy);
      try {
        await Promise.all([pair.limit(keys.pair), anywhere.limit(keys.id)]);
      } catch (error) {
        logWarn('rate_limit_count_failed', { reason: failureKind(error) });
      }
    },
  };
}
