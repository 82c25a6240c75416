import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from 'next/constants';
import { DEFAULTS } from './edge/config/defaults';
import { loadConfig } from './edge/config/load';
import { ConfigError } from './edge/errors';

/** Security headers for pages (API responses carry their own). */
const pageHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
];

export default function nextConfig(phase: string): NextConfig {
  let bodyLimit: number = DEFAULTS.proxyBodyLimitBytes;
  // Fail at start-up with a sentence, not on the first request with a stack trace.
  if (phase === PHASE_PRODUCTION_SERVER || phase === PHASE_DEVELOPMENT_SERVER) {
    try {
      const config = loadConfig(process.env);
      bodyLimit = config.proxy.bodyLimitBytes;
      if (phase === PHASE_PRODUCTION_SERVER && !config.clientIp.onVercel && config.clientIp.trustedProxyCount === 0) {
        console.warn(
          'Warning: TRUSTED_PROXY_COUNT=0 outside Vercel: per-IP login limits trust the client\'s own X-Forwarded-For. ' +
            'Start with `npm start` (scripts/start.mjs) when directly exposed, or set TRUSTED_PROXY_COUNT behind a reverse proxy.',
        );
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
  }
  return {
    poweredByHeader: false,
    // Django and Rails route on trailing slashes: `/api/backend/x/` must reach the middleware as sent. Pages get
    // the same 308 to the slash-less path from the middleware instead (edge/guard/trailing-slash.ts).
    skipTrailingSlashRedirect: true,
    experimental: {
      // Next silently cuts bodies past this size before middleware sees them; set above our own limit so that
      // anything Next cut is still over it and gets 413 (see DEFAULTS.nextBodyCutMarginBytes).
      proxyClientMaxBodySize: bodyLimit + DEFAULTS.nextBodyCutMarginBytes,
    },
    async headers() {
      return [{ source: '/((?!api/).*)', headers: pageHeaders }];
    },
  };
}
