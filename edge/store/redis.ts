/**
 * Redis or Valkey over TCP, for the Node runtime (`proxy.ts`, route handlers, Server Components): `REDIS_URL`, one
 * server, a Cluster or a master found through Sentinel (config/store.ts). Node only: store/connect.ts loads it only
 * where `process.env.NEXT_RUNTIME` is not `edge`, so the edge bundle never carries it. ioredis, not the `redis`
 * package: a per-command timeout of its own (`commandTimeout`), Cluster and Sentinel clients that follow failovers
 * (slot refreshes on MOVED, `failoverDetector` on Sentinel's `+switch-master`), `rediss` TLS, and raw commands
 * through `call()`, which is all the shared command layer (store/commands.ts) needs.
 */
import { createHash } from 'node:crypto';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisStoreConfig } from '../config/types.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { StoreError } from '../errors.ts';
import { logWarn } from '../log.ts';
import type { RedisCommands } from './commands.ts';
import { replicaWait } from './replica-wait.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`, a flag only Upstash knows: stock Redis and
 * Valkey refuse it. The flag is dropped here, and the client's SHA of the original script mapped to the stripped one.
 */
function forStockRedis(script: string, shas: Map<string, string>): string {
  const stripped = script.replace(/^#!lua[^\n]*\n/, '');
  if (stripped !== script) shas.set(sha1(script), sha1(stripped));
  return stripped;
}

/** A write that reached a demoted master (a failover in progress): reconnect, so the next command finds the new one. */
const reconnectOnError = (error: Error) => /^READONLY\b/.test(error.message);

function client(config: RedisStoreConfig): Redis | Cluster {
  const common: RedisOptions = {
    username: config.username,
    password: config.password,
    tls: config.tls ? {} : undefined,
    commandTimeout: config.timeoutMs,
    connectTimeout: Math.max(config.timeoutMs, 2_000),
    maxRetriesPerRequest: 0,
    reconnectOnError,
  };
  if (config.topology === 'cluster') {
    const options: ClusterOptions = {
      redisOptions: common,
      // A cluster client must queue while it (re)learns the slots; commandTimeout still bounds every command.
      enableOfflineQueue: true,
      slotsRefreshTimeout: Math.max(config.timeoutMs, 1_000),
      clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    };
    return new Cluster(config.nodes, options);
  }
  const fast = { ...common, enableOfflineQueue: false, db: config.db };
  if (config.topology === 'sentinel') {
    return new Redis({ ...fast, sentinels: config.nodes, name: config.master, sentinelPassword: config.sentinelPassword, failoverDetector: true, enableTLSForSentinelMode: config.tls });
  }
  const [{ host, port }] = config.nodes;
  return new Redis({ ...fast, host, port });
}

export function redisCommands(config: RedisStoreConfig): RedisCommands {
  const redis = client(config);
  const cluster = redis instanceof Cluster;
  // Durable writes have a connection of their own: WAIT blocks the connection it is sent on until a replica answers.
  const durableClient = redis.duplicate();
  durableClient.on('error', () => undefined); // the main connection reports outages
  let warned = false;
  let connected = false;
  // When the topology last changed after the first connection: a reconnection may reach a promoted replica, or a
  // node that came back empty (see `settling`).
  let changedAt = 0;
  const changed = () => {
    if (connected) changedAt = Date.now();
  };
  redis.on('error', () => {
    // Logged once per outage; every caller already degrades on the failed command itself.
    if (!warned) logWarn('store_connection_failed', { store: 'redis', topology: config.topology });
    warned = true;
  });
  redis.on('ready', () => {
    changed();
    connected = true;
    warned = false;
    if (!cluster) void warnIfCluster(redis as Redis);
  });
  redis.on('+node', changed);
  redis.on('-node', changed);
  const shas = new Map<string, string>();
  const ready = readyWithin(redis, config.timeoutMs);
  const durableReady = readyWithin(durableClient, config.timeoutMs);
  const replica = replicaWait();
  const [waitName, ...waitArgs] = named([...replica.command]);

  async function command(args: (string | number)[]): Promise<unknown> {
    // The first commands of a cold start wait for the connection (bounded), instead of failing at once.
    if (redis.status !== 'ready') await ready;
    const [name, ...rest] = named(args);
    try {
      // A cluster serves a multi-key read only within one slot: keys of different sessions are read one by one, at
      // once. (Not through ioredis's auto-pipelining: it refuses scripts of different slots sent together.)
      if (cluster && name === 'mget') return await Promise.all(rest.map((key) => redis.get(key)));
      return await redis.call(name, ...rest);
    } catch (error) {
      throw StoreError.from(error);
    }
  }

  /** The write, then `WAIT 1`: one pipeline, so a cluster sends both to the node of the write's key. */
  async function durable(args: (string | number)[]): Promise<unknown> {
    if (!replica.due()) return command(args);
    if (durableClient.status !== 'ready') await durableReady;
    const [name, ...rest] = named(args);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await durableClient.pipeline().call(name, ...rest).call(waitName, ...waitArgs).exec();
    } catch (error) {
      throw StoreError.from(error);
    }
    const [[failed, written] = [new Error('no reply')], [, acknowledged] = [null, 0]] = replies ?? [];
    if (failed) throw StoreError.from(failed);
    replica.answered(acknowledged);
    return written;
  }

  return {
    command,
    durable,
    evalsha: (sha, keys, args) => command(['EVALSHA', shas.get(sha) ?? sha, keys.length, ...keys, ...args.map(String)]),
    eval: (script, keys, args) => command(['EVAL', forStockRedis(script, shas), keys.length, ...keys, ...args.map(String)]),
    settling: () => changedAt > 0 && Date.now() - changedAt < DEFAULTS.storeSettleMs,
  };
}

/**
 * Lower case: ioredis finds a command's keys (and so a cluster's slot) only under its lower-case name; an upper-case
 * one goes to any node and is redirected, and a pipeline of such redirects fails as a whole.
 */
function named(args: (string | number)[]): string[] {
  const [name, ...rest] = args.map(String);
  return [name.toLowerCase(), ...rest];
}

/** Resolves once the client is connected, or after `ms` (the command then fails on its own). */
function readyWithin(redis: Redis | Cluster, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (redis.status === 'ready') resolve();
    redis.once('ready', () => resolve());
    setTimeout(resolve, ms).unref?.();
  });
}

/** A Cluster node behind a one-server URL fails later with CROSSSLOT and MOVED: say now what to set instead. */
async function warnIfCluster(redis: Redis): Promise<void> {
  try {
    const info = String(await redis.call('INFO', 'cluster'));
    if (/cluster_enabled:1/.test(info)) logWarn('store_is_cluster', { hint: 'REDIS_URL points at a Redis Cluster node: use redis+cluster://host:port,… (README, "Redis in production")' });
  } catch {
    // Not knowing is no reason to fail.
  }
}
