import { DEFAULTS } from './defaults.ts';
import { parseInteger, parseUrl } from './parse-values.ts';
import type { RedisNode, RedisStoreConfig, StoreConfig } from './types.ts';

const REDIS_FORMS = 'REDIS_URL must be one of: redis://host:port[/db], redis+cluster://host:port,… or redis+sentinel://host:port,…/<master>[/db] (README, "Redis in production").';

/**
 * Upstash's own names, or those the Vercel Marketplace integration sets (`KV_REST_API_*`); or REDIS_URL, Redis or
 * Valkey over TCP (Node runtime): one server, a Cluster, or a master found through Sentinel. One store: setting both
 * kinds is a mistake worth saying.
 */
export function readStore(read: (name: string) => string | undefined, problems: string[]): StoreConfig | undefined {
  const timeoutMs = parseInteger(read('STORE_TIMEOUT_MS'), 'STORE_TIMEOUT_MS', DEFAULTS.storeTimeoutMs, 50, problems);
  const upstash = read('UPSTASH_REDIS_REST_URL') !== undefined || read('UPSTASH_REDIS_REST_TOKEN') !== undefined;
  const [urlName, tokenName] = upstash ? ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'] : ['KV_REST_API_URL', 'KV_REST_API_TOKEN'];
  const url = parseUrl(read(urlName), urlName, problems, false);
  const token = read(tokenName);
  const redisUrl = read('REDIS_URL');
  if (redisUrl !== undefined && (url || token)) {
    problems.push(`Set either REDIS_URL or ${urlName}/${tokenName}, not both: the BFF uses one store.`);
    return undefined;
  }
  if (redisUrl !== undefined) {
    // A TCP client is Node's alone (store/connect.ts): Next replaces NEXT_RUNTIME at build time, so the edge bundle
    // carries neither the parser nor its sentences.
    if (process.env.NEXT_RUNTIME === 'edge') {
      problems.push('REDIS_URL needs the Node runtime (proxy.ts): on the edge, use Upstash (UPSTASH_REDIS_REST_URL and _TOKEN).');
      return undefined;
    }
    return readRedisUrl(redisUrl, read('REDIS_SENTINEL_PASSWORD'), timeoutMs, problems);
  }
  if (!url && !token) return undefined;
  if (!url || !token) {
    problems.push(`Set both ${urlName} and ${tokenName}, or neither.`);
    return undefined;
  }
  return { kind: 'upstash', url: url.toString().replace(/\/$/, ''), token, timeoutMs };
}

/** Never echoes the URL: it usually carries the password. */
function readRedisUrl(value: string, sentinelPassword: string | undefined, timeoutMs: number, problems: string[]): RedisStoreConfig | undefined {
  const m = /^(rediss?)(?:\+(cluster|sentinel))?:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?$/i.exec(value);
  if (!m) {
    problems.push(REDIS_FORMS);
    return undefined;
  }
  const [, scheme, shape, userinfo, hosts, path = ''] = m;
  const topology = (shape?.toLowerCase() ?? 'single') as RedisStoreConfig['topology'];
  const nodes = hosts.split(',').map(node);
  if (!hosts || nodes.some((n) => !n) || (topology === 'single' && nodes.length > 1)) {
    problems.push(`REDIS_URL: ${topology === 'single' ? 'one host:port' : 'host:port,…'} after the scheme. ${REDIS_FORMS}`);
    return undefined;
  }
  const parts = path.split('/').filter(Boolean);
  const master = topology === 'sentinel' ? parts.shift() : undefined;
  const db = parts.shift();
  if (topology === 'sentinel' && !master) problems.push('REDIS_URL: redis+sentinel:// needs the master’s name as its path (…/mymaster).');
  if (parts.length || (db !== undefined && !/^\d+$/.test(db))) problems.push('REDIS_URL: the path, when present, is a database number (e.g. /0).');
  if (topology === 'cluster' && db !== undefined && db !== '0') problems.push('REDIS_URL: a Redis Cluster has only database 0.');
  const [username, password] = userinfo === undefined ? [] : userinfo.split(/:(.*)/s).map((p) => (p ? decodeURIComponent(p) : undefined));
  return {
    kind: 'redis',
    topology,
    nodes: nodes as RedisNode[],
    username,
    password,
    tls: scheme.toLowerCase() === 'rediss',
    db: db === undefined ? 0 : Number(db),
    master,
    sentinelPassword,
    timeoutMs,
  };
}

/** `host:port` (IPv6 in brackets); the default port when it is left out. */
function node(text: string): RedisNode | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]\s]+)(?::(\d{1,5}))?$/i.exec(text.trim());
  if (!m) return undefined;
  const port = m[2] === undefined ? 6379 : Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1].replace(/^\[|\]$/g, ''), port } : undefined;
}
