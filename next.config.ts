import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from 'next/constants';
import { loadConfig } from './edge/config/load';
import { ConfigError } from './edge/errors';

/** Security headers for pages (API responses carry their own). */
const pageHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
];

export default function nextConfig(phase: string): NextConfig {
  // Fail at start-up with a sentence, not on the first request with a stack trace.
  if (phase === PHASE_PRODUCTION_SERVER || phase === PHASE_DEVELOPMENT_SERVER) {
    try {
      loadConfig(process.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
  }
  return {
    poweredByHeader: false,
    async headers() {
      return [{ source: '/((?!api/).*)', headers: pageHeaders }];
    },
  };
}
