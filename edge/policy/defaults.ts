import type { Policy } from './types.ts';

/** The built-in policy; environment variables and an Edge Config document override it field by field. */
export const DEFAULT_POLICY: Policy = {
  protectedPaths: ['/dashboard', '/account'],
  refreshSkewSeconds: 30,
  rateLimit: {
    loginPerIp: { limit: 10, windowSeconds: 60 },
    loginPerIdentifier: { limit: 5, windowSeconds: 15 * 60 },
    onError: 'closed',
  },
  maintenance: { enabled: false, message: 'The service is under maintenance. Please try again shortly.' },
  allowedOrigins: [],
};
