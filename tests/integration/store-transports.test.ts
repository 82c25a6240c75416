import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '@/edge/config/load';
import { readStore } from '@/edge/config/store';
import type { RedisStoreConfig } from '@/edge/config/types';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { BffError } from '@/edge/errors';
import { createLoginLimiter } from '@/edge/ratelimit/login-limiter';
import { kvStore, type RedisCommands } from '@/edge/store/commands';
import { redisCommands } from '@/edge/store/redis';
import { upstashRest } from '@/edge/store/upstash-rest';
import { UPSTASH_TOKEN } from '../helpers/global-setup';

const key = (name: string) => `store-test:${name}:${Math.random()}`;
const upstash = (over: Partial<{ url: string; token: string }> = {}) =>
  upstashRest({ kind: 'upstash', url: inject('upstashUrl'), token: UPSTASH_TOKEN, timeoutMs: 1000, ...over });
const redis = (url = inject('redisUrl')) => redisCommands(readStore((name) => (name === 'REDIS_URL' ? url : undefined), []) as RedisStoreConfig);

/**
 * Both transports of the shared store against a real redis-server: our Upstash REST client (through the REST
 * fixture) and the Redis client behind REDIS_URL (Node). One command layer above them (store/commands.ts).
 */
describe.each([
  ['Upstash REST', () => upstash()],
  ['Redis (REDIS_URL)', () => redis()],
] as [string, () => RedisCommands][])('%s store', (_name, transport) => {
  it('get / set with TTL / set-if-absent / delete-if-value, with non-ASCII values', async () => {
    const store = kvStore(transport());
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

  it('reads many keys at once, deletes, and keeps sets that live at least as long as asked', async () => {
    const store = kvStore(transport());
    const [a, b, s] = [key('a'), key('b'), key('set')];
    await store.set(a, 'A', 5_000);
    expect(await store.getMany([a, b])).toEqual(['A', null]);
    await store.delete(a);
    expect(await store.get(a)).toBeNull();
    await store.addMember(s, 'one', 5_000);
    await store.addMember(s, 'two', 100); // never shortens the set's life
    await new Promise((r) => setTimeout(r, 200));
    expect((await store.members(s)).sort()).toEqual(['one', 'two']);
    await store.removeMember(s, 'one');
    expect(await store.members(s)).toEqual(['two']);
  });

  it('@upstash/ratelimit runs on it (evalsha with the NOSCRIPT fallback to eval): reservations, refunds, and no guess past a limit under concurrency', async () => {
    const config = loadConfig({ BACKEND_URL: 'http://b.test', SESSION_SECRET: 'x'.repeat(32) });
    const policy = { ...DEFAULT_POLICY, rateLimit: { ...DEFAULT_POLICY.rateLimit, loginPerIp: { limit: 1000, windowSeconds: 60 }, loginPerIdentifier: { limit: 2, windowSeconds: 60 } } };
    const limiter = createLoginLimiter(config, Date.now, transport());
    const attempt = async (ip: string, who: string, outcome: 'refused' | 'succeeded' | 'other') => {
      const reserved = await limiter.reserve(ip, who, null, policy);
      if (reserved instanceof BffError) return reserved.code;
      await reserved.settle(outcome);
      return 'passed';
    };
    const who = `${key('id')}@example.com`;
    // Reservations that end in a success or an outage are given back: only failures lock an identifier.
    for (let i = 0; i < 4; i++) expect(await attempt('10.0.0.1', who, i % 2 ? 'succeeded' : 'other')).toBe('passed');
    expect(await attempt('10.0.0.1', who, 'refused')).toBe('passed');
    expect(await attempt('10.0.0.1', who, 'refused')).toBe('passed');
    expect(await attempt('10.0.0.1', who, 'succeeded')).toBe('rate_limited');
    // Another network is not locked out by that stranger.
    expect(await attempt('10.0.0.2', who, 'succeeded')).toBe('passed');
    // 30 instances sharing the store, 4 parallel guesses each from 30 networks, all in flight at once: the store's
    // atomic reservations let no more than the identifier-wide limit (2 × 4) through.
    const target = `${key('id')}@example.com`;
    const instances = Array.from({ length: 30 }, () => createLoginLimiter(config, Date.now, transport()));
    const reserved = await Promise.all(instances.flatMap((l, i) => Array.from({ length: 4 }, () => l.reserve(`10.1.${i}.1`, target, null, policy))));
    const granted = reserved.filter((r) => !(r instanceof BffError)).length;
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThanOrEqual(8);
  });
});

describe('store failures are thrown errors, never hangs', () => {
  it('Upstash REST: Redis errors, auth failures, a dead endpoint', async () => {
    await expect(upstash().command(['NOSUCHCOMMAND'])).rejects.toThrow(/unknown command/i);
    await expect(kvStore(upstash({ token: 'wrong' })).get('x')).rejects.toThrow(/Unauthorized/);
    await expect(kvStore(upstash({ url: 'http://127.0.0.1:9' })).get('x')).rejects.toThrow();
  });

  it('Redis: Redis errors, a dead server (within the store deadline)', async () => {
    await expect(redis().command(['NOSUCHCOMMAND'])).rejects.toThrow(/unknown command/i);
    const started = Date.now();
    await expect(kvStore(redis('redis://127.0.0.1:9')).get('x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('REDIS_URL configuration', () => {
  const load = (REDIS_URL: string, extra: Record<string, string> = {}) => () =>
    loadConfig({ BACKEND_URL: 'http://b.test', SESSION_SECRET: 'x'.repeat(32), REDIS_URL, ...extra });

  it('takes redis:// and rediss:// (TLS), and says what is wrong otherwise without echoing credentials', () => {
    expect(load('redis://localhost:6379')().store).toMatchObject({ kind: 'redis', topology: 'single', nodes: [{ host: 'localhost', port: 6379 }], tls: false, db: 0 });
    expect(load('rediss://user:se%40cret@redis.example.com:6380/2')().store).toMatchObject({ kind: 'redis', username: 'user', password: 'se@cret', tls: true, db: 2 });
    expect(load('https://user:secret@redis.example.com')).toThrow(/REDIS_URL must be one of: redis:\/\//);
    expect(load('https://user:secret@redis.example.com')).not.toThrow(/secret/);
    expect(load('redis://localhost:6379/x')).toThrow(/database number/);
    expect(load('redis://localhost:6379', { UPSTASH_REDIS_REST_URL: 'https://u.example.com', UPSTASH_REDIS_REST_TOKEN: 't' })).toThrow(/not both/);
  });

  it('takes a Cluster as any of its nodes and Sentinel as its sentinels and master name; says what is missing', () => {
    expect(load('redis+cluster://:pw@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002')().store).toMatchObject({
      topology: 'cluster',
      password: 'pw',
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: '::1', port: 7002 }],
    });
    expect(load('rediss+sentinel://10.0.0.1:26379,10.0.0.2/mymaster/1', { REDIS_SENTINEL_PASSWORD: 's' })().store).toMatchObject({
      topology: 'sentinel',
      tls: true,
      master: 'mymaster',
      db: 1,
      sentinelPassword: 's',
      nodes: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 6379 }],
    });
    expect(load('redis+sentinel://10.0.0.1:26379')).toThrow(/needs the master’s name/);
    expect(load('redis+cluster://10.0.0.1:7000/3')).toThrow(/only database 0/);
    expect(load('redis://a:1,b:2')).toThrow(/one host:port/);
    expect(load('redis+cluster://u:secret@a:99999')).not.toThrow(/secret/);
  });
});
