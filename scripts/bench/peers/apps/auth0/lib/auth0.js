import { Auth0Client } from '@auth0/nextjs-auth0/server';

// @auth0/nextjs-auth0 v4 with its default stateless (cookie) sessions. The tenant is never reached during the run:
// the bench's network guard would refuse to report.
export const auth0 = new Auth0Client({
  domain: 'bench.auth0.invalid',
  clientId: 'bench-client',
  clientSecret: 'bench-client-secret',
  appBaseUrl: process.env.APP_BASE_URL,
  secret: process.env.AUTH0_SECRET,
});
