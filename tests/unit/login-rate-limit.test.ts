import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { clientIp } from '@/edge/ratelimit/client-ip';
import type { UpstashStoreConfig } from '@/edge/config/types';
import { BffError } from '@/edge/errors';
import { deviceIdentifierKey, openDevice, sealDevice, type Device } from '@/edge/ratelimit/device-cookie';
import { createLoginLimiter, type AttemptOutcome, type LoginAttempt } from '@/edge/ratelimit/login-limiter';
import { keyringFor } from '@/edge/session/keys';
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

  it('keys are independent; a refund gives back one counted hit, never more', async () => {
    const w = memorySlidingWindow(1, 60_000);
    expect((await w.limit('a')).success).toBe(true);
    expect((await w.limit('a')).success).toBe(false);
    expect((await w.limit('b')).success).toBe(true);
    await w.refund('a');
    await w.refund('a');
    expect((await w.limit('a')).success).toBe(true);
    expect((await w.limit('a')).success).toBe(false);
  });
});

type Limiter = ReturnType<typeof createLoginLimiter>;

/** One attempt: reserved, then settled with the backend's verdict; the error code when it was refused up front. */
async function attempt(limiter: Limiter, ip: string, who: string, outcome: AttemptOutcome = 'refused', device: Device | null = null, policy = DEFAULT_POLICY) {
  const reserved = await limiter.reserve(ip, who, device, policy);
  if (reserved instanceof BffError) return reserved;
  await reserved.settle(outcome);
  return undefined;
}

/** The device cookie of a browser that signed in as `who`, as the login endpoint writes it. */
async function deviceOf(who: string, previous: Device | null = null) {
  const keyring = await keyringFor(['d'.repeat(32)]);
  const sealed = await sealDevice(previous, await deviceIdentifierKey(who), keyring, Date.now());
  return (await openDevice(sealed, keyring, Date.now()))!;
}

describe('login limiter', () => {
  it('the 11th attempt in a minute from one network is refused with retryAfter, whatever the earlier ones came to', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 10; i++) expect(await attempt(limiter, '1.1.1.1', `user${i}@example.com`, i % 2 ? 'succeeded' : 'other')).toBeUndefined();
    const refused = await attempt(limiter, '1.1.1.1', 'user10@example.com');
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.retryAfter).toBeGreaterThan(0);
    expect(refused?.retryAfter).toBeLessThanOrEqual(60);
  });

  it('IPv6 clients share one per-network budget per /64', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 10; i++) expect(await attempt(limiter, `2001:db8:1:2::${i + 1}`, `u${i}@example.com`, 'other')).toBeUndefined();
    expect((await attempt(limiter, '2001:db8:1:2:ffff:ffff:ffff:ffff', 'x@example.com'))?.code).toBe('rate_limited');
    expect(await attempt(limiter, '2001:db8:1:3::1', 'x@example.com')).toBeUndefined();
  });

  it('failures lock an identifier for the network they came from: 5 failures, then 429 there, however it is spelled', async () => {
    const limiter = createLoginLimiter(testConfig());
    const spellings = ['victim@example.com', ' Victim@Example.com ', 'VICTIM@EXAMPLE.COM', 'vıctím@example.com'.replace('ı', 'i'), 'ｖｉｃｔｉｍ@example.com'];
    for (const s of spellings) expect(await attempt(limiter, '10.0.0.1', s)).toBeUndefined();
    expect((await attempt(limiter, '10.0.0.1', 'victim@example.com', 'succeeded'))?.code).toBe('rate_limited');
    // The owner on another network is not locked out by that stranger.
    expect(await attempt(limiter, '10.0.0.2', 'victim@example.com', 'succeeded')).toBeUndefined();
  });

  it('a guesser spread over many networks is stopped at 4 × the limit of failures, on every unknown device', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 20; i++) expect(await attempt(limiter, `10.1.${i}.1`, 'victim@example.com')).toBeUndefined();
    expect((await attempt(limiter, '10.9.9.9', 'victim@example.com'))?.code).toBe('rate_limited');
    // A browser that signed in as someone else is still an unknown device for this account.
    expect((await attempt(limiter, '10.9.9.8', 'victim@example.com', 'refused', await deviceOf('guesser@example.com')))?.code).toBe('rate_limited');
  });

  it("the owner's browser that signed in before still signs in while the account is locked for everyone else; its own failures stop it", async () => {
    const limiter = createLoginLimiter(testConfig());
    const owner = await deviceOf('victim@example.com', await deviceOf('family@example.com'));
    for (let i = 0; i < 20; i++) await attempt(limiter, `10.4.${i}.1`, 'victim@example.com');
    expect((await attempt(limiter, '10.4.99.1', 'victim@example.com'))?.code).toBe('rate_limited');
    expect(await attempt(limiter, '10.5.0.1', ' victim@example.com', 'succeeded', owner)).toBeUndefined();
    // Typos on the owner's device count against that device only, at the per-identifier limit.
    for (let i = 0; i < 5; i++) expect(await attempt(limiter, '10.5.0.1', 'victim@example.com', 'refused', owner)).toBeUndefined();
    expect((await attempt(limiter, '10.5.0.1', 'victim@example.com', 'succeeded', owner))?.code).toBe('rate_limited');
    // Another of the owner's browsers is its own device.
    expect(await attempt(limiter, '10.5.0.1', 'victim@example.com', 'succeeded', await deviceOf('victim@example.com'))).toBeUndefined();
  });

  it('a device known for a look-alike account (ALÍCE) is an unknown device for alice: the identifier-wide budget holds', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 20; i++) expect(await attempt(limiter, `10.8.${i}.1`, 'alice')).toBeUndefined();
    // The attacker owns `ALÍCE` (another account on a case- and accent-sensitive backend) and signs in from fresh browsers.
    for (const spelling of ['ALÍCE', 'Alice', 'alice\u0301'.normalize('NFD'), 'ａｌｉｃｅ']) {
      const lookAlike = await deviceOf(JSON.parse(`"${spelling}"`));
      expect((await attempt(limiter, '10.8.99.1', 'alice', 'refused', lookAlike))?.code, spelling).toBe('rate_limited');
    }
    // The same identifier in another Unicode form (NFD) is the same account: its device stays known.
    const owner = await deviceOf('ali\u0301ce'.normalize('NFC'));
    expect(await attempt(limiter, '10.8.98.1', 'ali\u0301ce'.normalize('NFD'), 'succeeded', owner)).toBeUndefined();
  });

  it("strangers' attempts in flight never hold the owner's known device back", async () => {
    const limiter = createLoginLimiter(testConfig());
    const strangers = await Promise.all([1, 2, 3].map((i) => limiter.reserve(`10.10.${i}.1`, 'victim@example.com', null, DEFAULT_POLICY)));
    expect(strangers.every((r) => !(r instanceof BffError))).toBe(true);
    expect((await attempt(limiter, '10.10.9.1', 'victim@example.com'))?.code).toBe('rate_limited');
    expect(await attempt(limiter, '10.10.9.1', 'victim@example.com', 'succeeded', await deviceOf('victim@example.com'))).toBeUndefined();
    await Promise.all(strangers.map((r) => (r as LoginAttempt).settle('other')));
  });

  it('attempts that did not fail never lock an identifier, and a success clears no failure', async () => {
    const limiter = createLoginLimiter(testConfig());
    for (let i = 0; i < 12; i++) expect(await attempt(limiter, `10.2.${i}.1`, 'me@example.com', i % 2 ? 'succeeded' : 'other')).toBeUndefined();
    for (let i = 0; i < 5; i++) await attempt(limiter, '10.3.0.1', 'alice@example.com');
    // A successful login as the look-alike account `ALICE@example.com` (another account on a case-sensitive backend)
    // gives back only its own reservation.
    expect(await attempt(limiter, '10.3.0.2', 'ALICE@example.com', 'succeeded')).toBeUndefined();
    expect((await attempt(limiter, '10.3.0.1', 'ALICE@example.com'))?.code).toBe('rate_limited');
  });

  it('parallel guesses are reserved before the backend answers: at most 3 in flight per identifier, none past a limit', async () => {
    const limiter = createLoginLimiter(testConfig());
    const reserved = await Promise.all(Array.from({ length: 200 }, (_, i) => limiter.reserve(`10.6.${i % 20}.1`, 'victim@example.com', null, DEFAULT_POLICY)));
    const granted = reserved.filter((r): r is LoginAttempt => !(r instanceof BffError));
    expect(granted).toHaveLength(3);
    await Promise.all(granted.map((a) => a.settle('refused')));
    // Settled, the slots are free again; every failure was counted once, and settling twice counts nothing more.
    await granted[0].settle('succeeded');
    let passed = 0;
    for (let i = 0; i < 40; i++) if (!(await attempt(limiter, `10.7.${i}.1`, 'victim@example.com'))) passed++;
    expect(passed).toBe(20 - 3);
  });

  it('a failing store follows the policy: closed refuses with 503, open lets through', async () => {
    const config = testConfig({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x', RATE_LIMIT_TIMEOUT_MS: '200' });
    const limiter = createLoginLimiter(config, Date.now, upstashRest(config.store as UpstashStoreConfig));
    const closed = await attempt(limiter, '1.2.3.4', 'a@example.com');
    expect(closed?.code).toBe('rate_limit_unavailable');
    const open = await attempt(limiter, '1.2.3.4', 'a@example.com', 'refused', null, { ...DEFAULT_POLICY, rateLimit: { ...DEFAULT_POLICY.rateLimit, onError: 'open' } });
    expect(open).toBeUndefined();
  });
});

describe('device cookie', () => {
  it('is encrypted, names no identifier, and a tampered or foreign one is an unknown device', async () => {
    const keyring = await keyringFor(['d'.repeat(32)]);
    const sealed = await sealDevice(null, await deviceIdentifierKey('owner@example.com'), keyring, Date.now());
    expect(sealed).not.toContain('owner');
    expect(await openDevice(`${sealed.slice(0, -2)}AA`, keyring, Date.now())).toBeNull();
    expect(await openDevice(sealed, await keyringFor(['e'.repeat(32)]), Date.now())).toBeNull();
    expect(await openDevice('not-a-cookie', keyring, Date.now())).toBeNull();
  });

  it('remembers the five latest identifiers of a shared browser', async () => {
    let device: Device | null = null;
    for (let i = 0; i < 7; i++) device = await deviceOf(`u${i}@example.com`, device);
    expect(device!.identifiers).toHaveLength(5);
    const known = async (who: string) => device!.identifiers.includes((await deviceIdentifierKey(who)).slice(0, 16));
    expect(await known('u6@example.com')).toBe(true);
    expect(await known('u1@example.com')).toBe(false);
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
    expect(clientIp(h({ 'x-real-ip': '9.9.9.9', 'x-forwarded-for': '1.1.1.1' }), { onVercel: true, ipHeader: 'x-real-ip', trustedProxyCount: 0 })).toBe('9.9.9.9');
  });
  it('self-hosted, counts trusted proxies from the right: a forged first entry never decides', () => {
    const headers = h({ 'x-forwarded-for': 'forged-1, forged-2, 203.0.113.7' });
    expect(clientIp(headers, { onVercel: false, trustedProxyCount: 1 })).toBe('203.0.113.7');
    expect(clientIp(h({ 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.2' }), { onVercel: false, trustedProxyCount: 2 })).toBe('203.0.113.7');
    expect(clientIp(h({ 'x-real-ip': '1.1.1.1', 'x-forwarded-for': '5.5.5.5' }), { onVercel: false, trustedProxyCount: 0 })).toBe('5.5.5.5');
    expect(clientIp(h({}), { onVercel: false, trustedProxyCount: 1 })).toBe('unknown');
  });
});
