import { onCloudflareWorkers } from '../platform.ts';
import { parseInteger } from './parse-values.ts';
import { CLIENT_IP_HEADERS, type ClientIpConfig, type ClientIpHeader } from './types.ts';

const isIpHeader = (value: string): value is ClientIpHeader => (CLIENT_IP_HEADERS as readonly string[]).includes(value);

/**
 * Who tells the client's address: a platform that overwrites its header (Vercel, Cloudflare Workers: detected), a
 * header named by CLIENT_IP_HEADER (an origin reachable only through Cloudflare), or TRUSTED_PROXY_COUNT proxies.
 */
export function readClientIp(env: Record<string, string | undefined>, read: (name: string) => string | undefined, problems: string[]): ClientIpConfig {
  const onVercel = env.VERCEL === '1';
  const named = read('CLIENT_IP_HEADER')?.toLowerCase();
  if (named !== undefined && !isIpHeader(named)) problems.push(`CLIENT_IP_HEADER must be one of ${CLIENT_IP_HEADERS.join(', ')}: got "${named}".`);
  const detected = onVercel ? 'x-real-ip' : onCloudflareWorkers() ? 'cf-connecting-ip' : undefined;
  return {
    onVercel,
    ipHeader: named !== undefined && isIpHeader(named) ? named : detected,
    trustedProxyCount: parseInteger(read('TRUSTED_PROXY_COUNT'), 'TRUSTED_PROXY_COUNT', 0, 0, problems),
  };
}
