import { onCloudflareWorkers } from '../platform.ts';
import { parseChoice, parseInteger } from './parse-values.ts';
import { CLIENT_IP_HEADERS, type ClientIpConfig } from './types.ts';

/**
 * Who tells the client's address: a platform that overwrites its header (Vercel, Cloudflare Workers: detected), a
 * header named by CLIENT_IP_HEADER (an origin reachable only through Cloudflare), or TRUSTED_PROXY_COUNT proxies.
 */
export function readClientIp(env: Record<string, string | undefined>, read: (name: string) => string | undefined, problems: string[]): ClientIpConfig {
  const onVercel = env.VERCEL === '1';
  const named = parseChoice(read('CLIENT_IP_HEADER')?.toLowerCase(), 'CLIENT_IP_HEADER', CLIENT_IP_HEADERS, problems);
  return {
    onVercel,
    ipHeader: named ?? (onVercel ? 'x-real-ip' : onCloudflareWorkers() ? 'cf-connecting-ip' : undefined),
    trustedProxyCount: parseInteger(read('TRUSTED_PROXY_COUNT'), 'TRUSTED_PROXY_COUNT', 0, 0, problems),
  };
}
