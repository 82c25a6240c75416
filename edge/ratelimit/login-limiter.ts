import type { BffConfig } from '../config/types.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { digestKey } from '../crypto/digest-key.ts';
import { BffError } from '../errors.ts';
import { failureKind, logWarn } from '../log.ts';
import type { Policy, WindowLimit } from '../policy/types.ts';
import type { BffRuntime } from '../runtime.ts';
import type { RedisCommands } from '../store/commands.ts';
import { record } from '../telemetry/metrics.ts';
import { noteOnActiveSpan } from '../telemetry/tracing.ts';
import { deviceIdentifierKey, knows, type Device } from './device-cookie.ts';
import { identifierForLimits, networkForLimits } from './keys.ts';
import { memorySlidingWindow } from './memory.ts';
import type { LimitResult, WindowLimiter } from './types.ts';
import { upstashSlidingWindow } from './upstash.ts';

/** What the backend said about a reserved attempt: only `refused` (wrong credentials) is a failed guess. */
export type AttemptOutcome = 'succeeded' | 'refused' | 'other';

export interface LoginAttempt {
  /** Keeps the reservation as a failure (`refused`) or gives it back; frees the in-flight slot. Never throws. */
  settle(outcome: AttemptOutcome): Promise<void>;
}

export interface LoginLimiter {
  /**
   * Reserves one attempt before the backend is called, atomically on every key it counts against: the error to answer
   * with, or the attempt to settle with the backend's verdict. `device` is the browser's device cookie, if any; it
   * counts as known only for the exact identifier that signed in from it (device-cookie.ts).
   */
  reserve(ip: string, identifier: string, device: Device | null, policy: Policy): Promise<BffError | LoginAttempt>;
}

/** Which limit refused a sign-in, in traces (`bff.rate_limit.limit`) and in `bff.login.refused`. */
type LimitName = 'in_flight' | 'network' | 'identifier_device' | 'identifier_network' | 'identifier';

/** A window an attempt counts against, the key it counts under, and the limit's name. */
type Reservation = [WindowLimiter, string, LimitName];

function refusedBy(limit: LimitName): void {
  record.loginRefused(limit);
  noteOnActiveSpan({ 'bff.rate_limit.verdict': 'refused', 'bff.rate_limit.limit': limit });
}

/** The identifier as the limiter counts it: folded (ratelimit/keys.ts) and hashed. */
const identifierKey = (identifier: string) => digestKey(identifierForLimits(identifier));

/**
 * Login rate limiting, so that neither one attacker with many accounts, nor many networks against one account, nor a
 * stranger who knows an email can get their way:
 * - every attempt counts against the client's network (`loginPerIp`; IPv6 by /64);
 * - from a browser that signed in as the identifier before (a known device, ratelimit/device-cookie.ts), failures
 *   count against that device alone at `loginPerIdentifier`: strangers elsewhere cannot lock its owner out;
 * - from anywhere else, failures count per identifier and network at `loginPerIdentifier` (a stranger guessing from
 *   one network stops there) and per identifier from anywhere at `DEFAULTS.identifierSpreadFactor` times that (a
 *   guesser spread over many networks stops too; only unknown devices are held back by it).
 * Identifier attempts are reserved before the backend is called and given back unless the backend refused the
 * credentials, so parallel guesses cannot outrun a limit; at most `DEFAULTS.loginConcurrencyPerIdentifier` attempts
 * for one identifier (or one known device) are in flight per instance. A success gives back only its own reservation: it clears no failure.
 * The store never holds an email address. Shared store when configured, else memory (per instance).
 */
const limiters = new WeakMap<object, LoginLimiter>();

/**
 * The runtime's login limiter, made at its first sign-in. Sign-ins are served by the auth route handler, so the
 * middleware, which runs on every request, never carries the limiter (nor @upstash/ratelimit).
 */
export function loginLimiterOf(rt: Pick<BffRuntime, 'config' | 'now' | 'commands'>): LoginLimiter {
  let limiter = limiters.get(rt);
  if (!limiter) limiters.set(rt, (limiter = createLoginLimiter(rt.config, rt.now, rt.commands)));
  return limiter;
}

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
  const inFlight = new Map<string, number>();

  /** The identifier windows this attempt reserves on, with their keys and the limit's name in telemetry. */
  async function identifierWindows(ip: string, who: string, known: Device | null, policy: Policy): Promise<Reservation[]> {
    const perIdentifier = policy.rateLimit.loginPerIdentifier;
    if (known) return [[windowFor('id-dev', perIdentifier), await digestKey(`${who}|${known.id}`), 'identifier_device']];
    return [
      [windowFor('id-net', perIdentifier), await digestKey(`${who}|${networkForLimits(ip)}`), 'identifier_network'],
      [windowFor('id', { ...perIdentifier, limit: perIdentifier.limit * DEFAULTS.identifierSpreadFactor }), who, 'identifier'],
    ];
  }

  const refundAll = (held: Reservation[]) =>
    Promise.all(held.map(([w, k]) => w.refund(k))).catch((error) => logWarn('rate_limit_count_failed', { reason: failureKind(error) }));

  const tooMany = (limit: LimitName, results: LimitResult[]) => {
    refusedBy(limit);
    const retryAfter = Math.max(1, Math.ceil((Math.max(...results.map((r) => r.resetAt)) - now()) / 1000));
    return new BffError('rate_limited', `Too many attempts, try again in ${retryAfter} s.`, { retryAfter });
  };

  return {
    async reserve(ip, identifier, device, policy) {
      const who = await identifierKey(identifier);
      const known = knows(device, await deviceIdentifierKey(identifier)) ? device : null;
      // A known device has its own in-flight slots: strangers' attempts in flight never hold its owner back.
      const slot = known ? `${who}|${known.id}` : who;
      if ((inFlight.get(slot) ?? 0) >= DEFAULTS.loginConcurrencyPerIdentifier) {
        refusedBy('in_flight');
        return new BffError('rate_limited', 'Too many attempts, try again in 1 s.', { retryAfter: 1 });
      }
      inFlight.set(slot, (inFlight.get(slot) ?? 0) + 1);
      const release = () => {
        const n = (inFlight.get(slot) ?? 1) - 1;
        if (n > 0) inFlight.set(slot, n);
        else inFlight.delete(slot);
      };
      let held: Reservation[] = [];
      try {
        const network = await windowFor('ip', policy.rateLimit.loginPerIp).limit(networkForLimits(ip));
        if (!network.success) {
          release();
          return tooMany('network', [network]);
        }
        const reservations = await identifierWindows(ip, who, known, policy);
        const results = await Promise.allSettled(reservations.map(([w, k]) => w.limit(k)));
        held = reservations.filter((_, i) => results[i].status === 'fulfilled' && (results[i] as PromiseFulfilledResult<LimitResult>).value.success);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        const values = results.map((r) => (r as PromiseFulfilledResult<LimitResult>).value);
        const refused = values.filter((r) => !r.success);
        if (refused.length) {
          await refundAll(held);
          release();
          return tooMany(reservations[values.findIndex((r) => !r.success)][2], refused);
        }
      } catch (error) {
        await refundAll(held);
        release();
        logWarn('rate_limit_unavailable', { reason: failureKind(error), policy: policy.rateLimit.onError });
        noteOnActiveSpan({ 'bff.rate_limit.verdict': `unavailable_${policy.rateLimit.onError}` });
        if (policy.rateLimit.onError === 'open') return { settle: async () => undefined };
        record.loginRefused('unavailable');
        return new BffError('rate_limit_unavailable', 'Sign-in is temporarily unavailable. Try again shortly.', { retryAfter: 5 });
      }
      noteOnActiveSpan({ 'bff.rate_limit.verdict': 'allowed' });
      let settled = false;
      return {
        async settle(outcome) {
          if (settled) return;
          settled = true;
          release();
          if (outcome !== 'refused') await refundAll(held);
        },
      };
    },
  };
}
