import type { AdapterFactory, BackendAdapter } from './backend/types.ts';
import type { UserMapper } from './backend/user-source.ts';
import type { ApiOptions } from './config/apis.ts';
import type { Env } from './config/load.ts';
import type { RouteConfig } from './config/types.ts';
import type { BffHooks } from './hooks.ts';

/** What an app sets in code, on top of the environment (`createBff(options)`). Every field is optional. */
export interface BffOptions {
  /** Where the configuration variables are read: `process.env` by default. */
  env?: Env;
  /**
   * A backend contract outside the presets: one `BackendAdapter` object, or a factory given the `AUTH_*` settings.
   * Replaces `AUTH_PRESET`; paths, timeouts, refresh and cookies stay the BFF's business.
   */
  adapter?: BackendAdapter | AdapterFactory;
  /** Builds the app's `User` from the login answer, the profile endpoint and the token's claims. */
  mapUser?: UserMapper;
  hooks?: BffHooks;
  /** Defaults: `{ auth: '/api/auth', backend: '/api/backend', loginPage: '/login' }`. The middleware matcher must cover them. */
  routes?: Partial<RouteConfig>;
  /**
   * More APIs, each under its own prefix with its own token policy (replaces the BACKENDS variable), e.g.
   * `{ files: { url: 'https://files.example.com', token: 'user' }, partner: { url: '…', token: 'client' } }`.
   */
  backends?: Record<string, ApiOptions>;
}
