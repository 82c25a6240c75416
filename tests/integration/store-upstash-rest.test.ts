import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '@/edge/config/load';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { createLoginLimiter } from '@/edge/ratelimit/login-limiter';
import { upstashRest, upstashStore } from '@/edge/store/upstash-rest';
import { UPSTASH_TOKEN } from '../helpers/global-setup';

const storeConfig = () => ({ url: inject('upstashUrl'), token: UPSTASH_TOKEN, timeoutMs: 1000 });
const key = (name: string) => `store-test:${name}:${Math.random()}`;

/** The project's own Upstash REST client, against real redis-server through the REST fixture. */
describe('Upstash REST store', () => {
  it('get / set with TTL / set-if-absent / delete-if-value, with non-ASCII values', async () => {
    const store = upstashStore(storeConfig());
    const k = key('kv');
    expect(await store.get(k)).toBeNull();
    expect(await store.setIfAbsent(k, 'owner-ä', 5_000)).toBe(true);
    expect(await store.setIfAbsent(k, 'intruder', 5_000)).toBe(false);
    expect(await store.get(k)).toBe('owner-ä');
    await store.deleteIfValue(k, 'intruder');
    expect(await store.get(k)).toBe('owner-ä'); // not ours: kept
    await store.deleteIfValue(k, 'owner-ä');
    expect(await store.get(k)).toBeNull();
    await store.set(k, 'short', 100);
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.get(k)).toBeNull();
  });

  it('surfaces Redis errors and auth failures as thrown errors', async () => {
    await expect(upstashRest(storeConfig()).command(['NOSUCHCOMMAND'])).rejects.toThrow(/unknown command/i);
    await expect(upstashStore({ ...storeConfig(), token: 'wrong' }).get('x')).rejects.toThrow(/Unauthorized/);
    await expect(upstashStore({ ...storeConfig(), url: 'http://127.0.0.1:9' }).get('x')).rejects.toThrow();
  });

  it('@upstash/ratelimit runs on it (evalsha with the NOSCRIPT fallback to eval): counting, and peeking without counting', async () => {
    const config = loadConfig({
      BACKEND_URL: 'http://b.test',
      SESSION_SECRET: 'x'.repeat(32),
      UPSTASH_REDIS_REST_URL: inject('upstashUrl'),
      UPSTASH_REDIS_REST_TOKEN: UPSTASH_TOKEN,
    });
    const limiter = createLoginLimiter(config);
    const policy = { ...DEFAULT_POLICY, rateLimit: { ...DEFAULT_POLICY.rateLimit, loginPerIdentifier: { limit: 2, windowSeconds: 60 } } };
    const who = `${key('id')}@example.com`;
    // Checks alone never lock an identifier: only failures count.
    for (let i = 0; i < 4; i++) expect(await limiter.check('10.0.0.1', who, policy)).toBeUndefined();
    await limiter.failed('10.0.0.1', who, policy);
    await limiter.failed('10.0.0.1', who, policy);
    expect((await limiter.check('10.0.0.1', who, policy))?.code).toBe('rate_limited');
    // Another network is not locked out by that stranger.
    expect(await limiter.check('10.0.0.2', who, policy)).toBeUndefined();
  });
});
