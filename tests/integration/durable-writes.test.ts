import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readStore } from '@/edge/config/store';
import type { RedisStoreConfig } from '@/edge/config/types';
import { kvStore } from '@/edge/store/commands';
import { redisCommands } from '@/edge/store/redis';
import { upstashRest } from '@/edge/store/upstash-rest';
import { DURABLE } from '@/edge/store/types';
import { freePort, startUpstashFixture, waitForHttp } from '../../scripts/lib/processes.mjs';
import { UPSTASH_TOKEN } from '../helpers/global-setup';
import { startRedisCluster, startRedisSentinel, type RedisCluster, type RedisSentinel } from '../helpers/redis-topologies';

const store = (url: string) => kvStore(redisCommands(readStore((name) => (name === 'REDIS_URL' ? url : undefined), []) as RedisStoreConfig));
const upstash = (url: string) => kvStore(upstashRest({ kind: 'upstash', url, token: UPSTASH_TOKEN, timeoutMs: 1_000 }));
const key = (name: string) => `durable-test:${name}:${Math.random()}`;
const cli = (port: number, ...args: string[]) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();

/** What the BFF warned, by event name, while `work` ran. */
async function warnings(work: () => Promise<unknown>): Promise<string[]> {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    await work();
    return warn.mock.calls.map(([line]) => JSON.parse(String(line)).event as string);
  } finally {
    warn.mockRestore();
  }
}

const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/**
 * Writes that must survive a failover (the refresh lock and outcome, successors, revocations, session records) return
 * once a replica has them (WAIT), against real redis-server: Redis replicates asynchronously, and a promoted replica
 * lacks the master's last writes otherwise. The refresh simulation proves what a lost write would cost.
 */
describe('durable writes (Redis WAIT)', () => {
  let sentinel: RedisSentinel;
  let cluster: RedisCluster;
  beforeAll(async () => {
    [sentinel, cluster] = await Promise.all([startRedisSentinel(), startRedisCluster()]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([sentinel?.stop(), cluster?.stop()]);
  });

  it('with a healthy replica, a durable write is on the replica when it returns; a hung replica costs one bounded wait, then none', async () => {
    const kv = store(sentinel.url);
    const k = key('sentinel');
    expect(await warnings(() => kv.set(k, 'kept', 30_000, DURABLE))).toEqual([]);
    expect(cli(sentinel.replica(), 'get', k)).toBe('kept');
    expect(await kv.setIfAbsent(key('lock'), 'me', 30_000, DURABLE)).toBe(true);
    await kv.delete(k, DURABLE);
    expect(cli(sentinel.replica(), 'exists', k)).toBe('0');

    const replica = sentinel.replica();
    sentinel.signal(replica, 'SIGSTOP');
    try {
      let waited = 0;
      expect(await warnings(async () => (waited = await timed(() => kv.set(key('hung'), 'v', 30_000, DURABLE))))).toEqual(['store_write_unreplicated']);
      expect(waited).toBeGreaterThanOrEqual(90);
      expect(waited).toBeLessThan(1_000);
      // Later durable writes do not wait for a replica that did not answer: the master alone takes them.
      const next = await timed(() => kv.set(key('hung'), 'v', 30_000, DURABLE));
      expect(next).toBeLessThan(50);
    } finally {
      sentinel.signal(replica, 'SIGCONT');
    }
  }, 30_000);

  it('on a Redis Cluster, a durable write reaches the node of its key with its WAIT, in every shard', async () => {
    const kv = store(cluster.url);
    // Keys until each of the three masters has one: the write and its WAIT go to that key's node as one pipeline.
    const keys = new Map<number, string>();
    while (keys.size < 3) {
      const k = key('cluster');
      keys.set(cluster.masterFor(k), k);
    }
    expect(await warnings(() => Promise.all([...keys.values()].map((k) => kv.set(k, 'v', 30_000, DURABLE))))).toEqual([]);
    for (const k of keys.values()) expect(await kv.get(k)).toBe('v');
  }, 30_000);

  it('a single server without replicas: the first durable write waits once (bounded) and says so, the next ones do not wait', async () => {
    for (const kv of [store(inject('redisUrl')), upstash(inject('upstashUrl'))]) {
      expect(await warnings(() => kv.set(key('single'), 'v', 30_000, DURABLE))).toEqual(['store_write_unreplicated']);
      const next = await timed(() => kv.set(key('single'), 'v', 30_000, DURABLE));
      expect(next).toBeLessThan(50);
      expect(await kv.get(key('absent'))).toBeNull();
    }
  });

  it('Upstash REST: the write and its WAIT go as one pipeline; with a replica, it is on the replica when it returns', async () => {
    const port = await freePort();
    const front = startUpstashFixture(port, sentinel.master(), UPSTASH_TOKEN);
    try {
      await waitForHttp(`http://127.0.0.1:${port}`, 15_000, front);
      const kv = upstash(`http://127.0.0.1:${port}`);
      const k = key('upstash');
      expect(await warnings(() => kv.set(k, 'kept', 30_000, DURABLE))).toEqual([]);
      expect(cli(sentinel.replica(), 'get', k)).toBe('kept');
      expect(await kv.setIfAbsent(k, 'other', 30_000, DURABLE)).toBe(false);
    } finally {
      await front.stop();
    }
  });
});
