import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { UPSTASH_TOKEN } from '../helpers/global-setup';

const redis = () => new Redis({ url: inject('upstashUrl'), token: UPSTASH_TOKEN, retry: false });
const key = (name: string) => `fixture-test:${name}:${Math.random()}`;

/** The REST-to-Redis test fixture is itself tested with the real Upstash clients. */
describe('Upstash REST fixture over redis-server', () => {
  it('single commands, including SET NX PX and unicode values (base64 replies)', async () => {
    const r = redis();
    const k = key('set');
    expect(await r.set(k, 'héllo ✓', { nx: true, px: 5_000 })).toBe('OK');
    expect(await r.set(k, 'other', { nx: true, px: 5_000 })).toBeNull();
    expect(await r.get(k)).toBe('héllo ✓');
    expect(await r.pttl(k)).toBeGreaterThan(4_000);
    expect(await r.del(k)).toBe(1);
    expect(await r.get(k)).toBeNull();
  });

  it('pipelines and multi-exec transactions', async () => {
    const r = redis();
    const k = key('tx');
    const p = r.pipeline();
    p.set(k, '1');
    p.incr(k);
    p.get(k);
    expect(await p.exec()).toEqual(['OK', 2, 2]);
    const tx = r.multi();
    tx.incr(k);
    tx.incr(k);
    expect(await tx.exec()).toEqual([3, 4]);
  });

  it('Lua scripts with the allow-key-locking shebang, by EVAL and by EVALSHA', async () => {
    const r = redis();
    const script = r.createScript<number>('#!lua flags=allow-key-locking\nreturn redis.call("INCRBY", KEYS[1], ARGV[1])');
    const k = key('lua');
    expect(await script.eval([k], ['2'])).toBe(2);
    expect(await script.evalsha([k], ['3'])).toBe(5);
  });

  it('@upstash/ratelimit 2.2 (whose scripts carry the shebang) limits for real', async () => {
    const limiter = new Ratelimit({ redis: redis(), limiter: Ratelimit.slidingWindow(3, '10 s'), prefix: key('rl'), ephemeralCache: false });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await limiter.limit('ip-1')).success);
    expect(results).toEqual([true, true, true, false, false]);
    expect((await limiter.limit('ip-2')).success).toBe(true);
  });

  it('refuses a wrong token', async () => {
    const r = new Redis({ url: inject('upstashUrl'), token: 'wrong', retry: false });
    await expect(r.get('x')).rejects.toThrow(/Unauthorized/);
  });
});
