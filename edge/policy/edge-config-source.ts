import { failureKind, logWarn } from '../log.ts';
import { parsePolicy } from './parse.ts';
import type { EdgeConfigConfig, Policy } from './types.ts';

export interface PolicySource {
  /** The policy for this request: cached, never a network call per request. */
  current(): Policy | Promise<Policy>;
}

/** Without Edge Config the policy is fixed at start-up. */
export function staticPolicy(policy: Policy): PolicySource {
  return { current: () => policy };
}

/**
 * Reads the policy document (one key) from Edge Config at most once per TTL per instance.
 * An unreachable store or an invalid document keeps the last good policy (or the base one)
 * and logs one warning per failure streak: it never takes the site down or opens routes.
 */
export function edgeConfigPolicy(base: Policy, config: EdgeConfigConfig, now: () => number = Date.now): PolicySource {
  let good = base;
  let fetchedAt = -Infinity;
  let inflight: Promise<Policy> | undefined;
  let warned = false;
  const client = import('@vercel/edge-config').then(({ createClient }) => createClient(config.connectionString));

  const fail = (reason: string, detail?: string) => {
    if (!warned) logWarn('policy_invalid_or_unreachable', { reason, detail, keeping: good === base ? 'defaults' : 'last_good' });
    warned = true;
    return good;
  };

  async function reload(): Promise<Policy> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const doc = await Promise.race([
        (await client).get(config.key),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new DOMException('Edge Config did not answer in time', 'TimeoutError')), config.timeoutMs))),
      ]);
      if (doc === undefined) return fail('missing_key', config.key);
      const parsed = parsePolicy(doc, base);
      if (!parsed.ok) return fail('invalid', parsed.errors.join('; '));
      good = parsed.policy;
      warned = false;
      return good;
    } catch (error) {
      return fail('unreachable', failureKind(error));
    } finally {
      clearTimeout(timer);
      fetchedAt = now();
      inflight = undefined;
    }
  }

  return {
    current() {
      if (now() - fetchedAt < config.ttlMs) return good;
      inflight ??= reload();
      return inflight;
    },
  };
}
