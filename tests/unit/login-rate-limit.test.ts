import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { clientIp } from '@/edge/ratelimit/client-ip';
import { createLoginLimiter } from '@/edge/ratelimit/login-limiter';
import { memorySlidingWindow } from '@/edge/ratelimit/memory';
import { testConfig } from '../helpers/unit';

describe('in-memory sliding window (same semantics as @upstash/ratelimit slidingWindow)', () => {
  it('allows `limit` per window, then refuses until the window slides', async () => {
    let t = 60_000 * 100;
    const w = memorySlidingWindow(3, 60_000, () => t);
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await w.limit('k')).success);
    expect(results).toEqual([true, true, true, false]);
    expect((await w.limit('k')).resetAt).toBe(t + 60_000);
    t += 60_000; // next window: the previous 3 weigh fully at its start
    expect((await w.limit('k')).success).toBe(false);
    t += 30_000; // half-way: 3 × 0.5 = 1 carried over
    expect((await w.limit('k')).success).toBe(true);
    expect((await w.limit('k')).success).toBe(true);
    expect((await w.limit('k')).success).toBe(false);
    t += 120_000; // two windows later: nothing carried
    expect((await w.limit('k')).success).toBe(true);
  });

  it('keys are independent and reset forgets one', async () => {
    const w = memorySlidingWindow(1, 60_000);
    expect((await w.limit('a')).success).toBe(true);
    expect((await w.limit('a')).success).toBe(false);
    expect((await w.limit('b')).success).toBe(true);
    await w.reset('a');
    expect((await w.limit('a')).success).toBe(true);
  });
});

describe('login limiter (two keys at once)', () => {
  it('the 11th attempt in a minute from one IP is refused with retryAfter', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 10; i++) expect(await limiter.check('1.1.1.1', `user${i}@example.com`, DEFAULT_POLICY)).toBeUndefined();
    const refused = await limiter.check('1.1.1.1', 'user10@example.com', DEFAULT_POLICY);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.retryAfter).toBeGreaterThan(0);
    expect(refused?.retryAfter).toBeLessThanOrEqual(60);
  });

  it('one identifier is locked after 5 attempts from any IPs, normalised (case, spaces)', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 5; i++) expect(await limiter.check(`10.0.0.${i}`, i % 2 ? ' Victim@Example.com ' : 'victim@example.com', DEFAULT_POLICY)).toBeUndefined();
    expect((await limiter.check('10.9.9.9', 'VICTIM@example.com', DEFAULT_POLICY))?.code).toBe('rate_limited');
  });

  it('a successful login does not count against its identifier', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(await limiter.check(`10.1.${round}.${i}`, 'me@example.com', DEFAULT_POLICY)).toBeUndefined();
      await limiter.forgive('me@example.com', DEFAULT_POLICY);
    }
  });

  it('a failing store follows the policy: closed refuses with 503, open lets through', async () => {
    const config = testConfig({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x', RATE_LIMIT_TIMEOUT_MS: '200' });
    const limiter = createLoginLimiter(config);
    const closed = await limiter.check('1.2.3.4', 'a@example.com', DEFAULT_POLICY);
    expect(closed?.code).toBe('rate_limit_unavailable');
    const open = await limiter.check('1.2.3.4', 'a@example.com', { ...DEFAULT_POLICY, rateLimit: { ...DEFAULT_POLICY.rateLimit, onError: 'open' } });
    expect(open).toBeUndefined();
  });
});

describe('client IP', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('on Vercel, the platform header wins over anything the client sends', () => {
    expect(clientIp(h({ 'x-real-ip': '9.9.9.9', 'x-forwarded-for': '1.1.1.1' }), { onVercel: true, trustedProxyCount: 0 })).toBe('9.9.9.9');
  });
  it('self-hosted, counts trusted proxies from the right: a forged first entry never decides', () => {
    const headers = h({ 'x-forwarded-for': 'forged-1, forged-2, 203.0.113.7' });
    expect(clientIp(headers, { onVercel: false, trustedProxyCount: 1 })).toBe('203.0.113.7');
    expect(clientIp(h({ 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.2' }), { onVercel: false, trustedProxyCount: 2 })).toBe('203.0.113.7');
    expect(clientIp(h({ 'x-real-ip': '1.1.1.1', 'x-forwarded-for': '5.5.5.5' }), { onVercel: false, trustedProxyCount: 0 })).toBe('5.5.5.5');
    expect(clientIp(h({}), { onVercel: false, trustedProxyCount: 1 })).toBe('unknown');
  });
});
