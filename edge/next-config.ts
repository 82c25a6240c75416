/**
 * `next-edge-bff/next-config`: `withBff(nextConfig)` sets what the BFF needs from Next and validates the environment
 * before the first request: when the server starts, and at build time on Vercel (so a bad configuration fails the
 * deployment with the same sentence, instead of answering 500 on every request).
 */
import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD, PHASE_PRODUCTION_SERVER } from 'next/constants.js';
import { DEFAULTS } from './config/defaults.ts';
import { loadConfig, type Env } from './config/load.ts';
import { ConfigError } from './errors.ts';
import { exposedDirectly } from './ratelimit/client-ip.ts';

type ConfigFunction = (phase: string, context: { defaultConfig: NextConfig }) => NextConfig | Promise<NextConfig>;

export function withBff(config: NextConfig | ConfigFunction = {}, env: Env = process.env): ConfigFunction {
  return async (phase, context) => {
    const base = typeof config === 'function' ? await config(phase, context) : config;
    const bodyLimit = validated(phase, env)?.proxy.bodyLimitBytes ?? DEFAULTS.proxyBodyLimitBytes;
    return {
      ...base,
      // Django and Rails route on trailing slashes: `/api/backend/x/` must reach the middleware as sent. Pages get
      // the same 308 to the slash-less path from the middleware instead (edge/guard/trailing-slash.ts).
      skipTrailingSlashRedirect: true,
      experimental: {
        ...base.experimental,
        // Next silently cuts bodies past this size before middleware sees them; set above our own limit so that
        // anything Next cut is still over it and gets 413 (see DEFAULTS.nextBodyCutMarginBytes).
        proxyClientMaxBodySize: bodyLimit + DEFAULTS.nextBodyCutMarginBytes,
      },
    };
  };
}

function validated(phase: string, env: Env) {
  const serving = phase === PHASE_PRODUCTION_SERVER || phase === PHASE_DEVELOPMENT_SERVER;
  if (!serving && !(phase === PHASE_PRODUCTION_BUILD && env.VERCEL === '1')) return undefined;
  try {
    const config = loadConfig(env);
    if (phase === PHASE_PRODUCTION_SERVER && exposedDirectly(config.clientIp)) {
      console.warn(
        'Warning: TRUSTED_PROXY_COUNT=0 outside Vercel: nothing tells the client\'s address, so per-IP login limits trust ' +
          "the client's own X-Forwarded-For and the backend is sent no client address. Directly exposed, start with " +
          '`npx next-edge-bff start` (it takes next start\'s flags); behind N reverse proxies, set TRUSTED_PROXY_COUNT=N.',
      );
    }
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
