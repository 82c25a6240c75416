import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { clientIp } from '@/edge/ratelimit/client-ip';
import type { UpstashStoreConfig } from '@/edge/config/types';
import { createLoginLimiter } from '@/edge/ratelimit/login-limiter';
import { upstashRest } from '@/edge/store/upstash-rest';
import { identifierForLimits, networkForLimits } from '@/edge/ratelimit/keys';
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

  it('keys are independent; peeking never counts', async () => {
    const w = memorySlidingWindow(1, 60_000);
    expect((await w.peek('a')).success).toBe(true);
    expect((await w.peek('a')).success).toBe(true);
    expect((await w.limit('a')).success).toBe(true);
    expect((await w.peek('a')).success).toBe(false);
    expect((await w.limit('a')).success).toBe(false);
    expect((await w.limit('b')).success).toBe(true);
  });
});

describe('login limiter', () => {
  it('the 11th attempt in a minute from one IP is refused with retryAfter', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 10; i++) expect(await limiter.check('1.1.1.1', `user${i}@example.com`, DEFAULT_POLICY)).toBeUndefined();
    const refused = await limiter.check('1.1.1.1', 'user10@example.com', DEFAULT_POLICY);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.retryAfter).toBeGreaterThan(0);
    expect(refused?.retryAfter).toBeLessThanOrEqual(60);
  });

  it('IPv6 clients share one per-network budget per /64', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 10; i++) expect(await limiter.check(`2001:db8:1:2::${i + 1}`, `u${i}@example.com`, DEFAULT_POLICY)).toBeUndefined();
    expect((await limiter.check('2001:db8:1:2:ffff:ffff:ffff:ffff', 'x@example.com', DEFAULT_POLICY))?.code).toBe('rate_limited');
    expect(await limiter.check('2001:db8:1:3::1', 'x@example.com', DEFAULT_POLICY)).toBeUndefined();
  });

  it('failures lock an identifier for the network they came from: 5 failures, then 429 there, however it is spelled', async () => {
    const limiter = createLoginLimiter(testConfig());
    const spellings = ['victim@example.com', ' Victim@Example.com ', 'VICTIM@EXAMPLE.COM', 'vıctím@example.com'.replace('ı', 'i'), 'ｖｉｃｔｉｍ@example.com'];
    for (const s of spellings) {
      expect(await limiter.check('10.0.0.1', s, DEFAULT_POLICY)).toBeUndefined();
      await limiter.failed('10.0.0.1', s, DEFAULT_POLICY);
    }
    expect((await limiter.check('10.0.0.1', 'victim@example.com', DEFAULT_POLICY))?.code).toBe('rate_limited');
    // The owner on another network is not locked out by that stranger.
    expect(await limiter.check('10.0.0.2', 'victim@example.com', DEFAULT_POLICY)).toBeUndefined();
  });

  it('a guesser spread over many networks is stopped at 4 × the limit of failures', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 20; i++) {
      expect(await limiter.check(`10.1.${i}.1`, 'victim@example.com', DEFAULT_POLICY)).toBeUndefined();
      await limiter.failed(`10.1.${i}.1`, 'victim@example.com', DEFAULT_POLICY);
    }
    expect((await limiter.check('10.9.9.9', 'victim@example.com', DEFAULT_POLICY))?.code).toBe('rate_limited');
  });

  it('attempts that did not fail never lock an identifier, and no success can clear failures', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 12; i++) expect(await limiter.check(`10.2.${i}.1`, 'me@example.com', DEFAULT_POLICY)).toBeUndefined();
    for (let i = 0; i < 5; i++) await limiter.failed('10.3.0.1', 'alice@example.com', DEFAULT_POLICY);
    // A successful login as the look-alike account `ALICE@example.com` (another account on a case-sensitive backend)
    // has no way to reset anything: the limiter has no reset at all.
    expect('forgive' in limiter || 'reset' in limiter).toBe(false);
    expect((await limiter.check('10.3.0.1', 'ALICE@example.com', DEFAULT_POLICY))?.code).toBe('rate_limited');
  });

  it('a failing store follows the policy: closed refuses with 503, open lets through', async () => {
    const config = testConfig({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x', RATE_LIMIT_TIMEOUT_MS: '200' });
    const limiter = createLoginLimiter(config, Date.now, upstashRest(config.store as UpstashStoreConfig));
    const closed = await limiter.check('1.2.3.4', 'a@example.com', DEFAULT_POLICY);
    expect(closed?.code).toBe('rate_limit_unavailable');
    const open = await limiter.check('1.2.3.4', 'a@example.com', { ...DEFAULT_POLICY, rateLimit: { ...DEFAULT_POLICY.rateLimit, onError: 'open' } });
    expect(open).toBeUndefined();
  });
});

describe('rate-limit keys', () => {
  it.each([
    ['Alice@Example.com', 'alice@example.com'],
    ['  alice@example.com ', 'alice@example.com'],
    ['alíce@example.com', 'alice@example.com'],
    ['ａｌｉｃｅ@example.com', 'alice@example.com'],
    ['al\u200bice@example.com', 'alice@example.com'],
    ['STRAẞE@example.com', 'strasse@example.com'],
  ])('identifier %j → %j', (input, key) => expect(identifierForLimits(JSON.parse(`"${input}"`))).toBe(key));

  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['[2001:db8::1]', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:198.51.100.4', '198.51.100.4'],
    ['::1', '0:0:0:0::/64'],
    ['unknown', 'unknown'],
  ])('network %s → %s', (input, key) => expect(networkForLimits(input)).toBe(key));
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
