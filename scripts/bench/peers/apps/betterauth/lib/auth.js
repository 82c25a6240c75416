import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { nextCookies } from 'better-auth/next-js';

// One in-process database for every bundle of this server (the route handler and the pages are bundled apart).
const db = (globalThis.__benchBetterAuthDb ??= { user: [], session: [], account: [], verification: [] });

// Better Auth with email and password, and the session cookie cache its docs recommend so that reading a session
// does not touch the database (maxAge one hour: the whole run reads the cache). No network: the database is memory.
export const auth = betterAuth({
  secret: process.env.BETTER_AUTH_SECRET,
  baseURL: process.env.APP_BASE_URL,
  database: memoryAdapter(db),
  emailAndPassword: { enabled: true },
  session: { cookieCache: { enabled: true, maxAge: 3600 } },
  telemetry: { enabled: false },
  // Its own limiter guards its endpoints only (the bench mints a thousand sign-ups through one of them before the run);
  // the measured page reads the session and never reaches it.
  rateLimit: { enabled: false },
  plugins: [nextCookies()],
});
