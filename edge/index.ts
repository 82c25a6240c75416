/**
 * `next-edge-bff`: the middleware and the auth endpoints, for the edge runtime, Node and `proxy.ts` alike.
 * Server helpers: `next-edge-bff/server`; client hook: `next-edge-bff/client`; next.config: `next-edge-bff/next-config`.
 */
export { createBff, type Bff, type BffDecision } from './bff.ts';
export type { BffOptions } from './options.ts';
export type { BffHooks, SessionEvent, LogoutEvent } from './hooks.ts';
export type { User } from './session/types.ts';
export type { UserMapper, UserSource } from './backend/user-source.ts';
export type {
  AdapterContext,
  AdapterFactory,
  BackendAdapter,
  BackendCall,
  BackendReply,
  Credentials,
  LoginResult,
  RefreshReply,
  TokenGrant,
} from './backend/types.ts';
export type { AuthConfig, ClientAuthMethod, PresetName, RouteConfig } from './config/types.ts';
export type { ClientAuthentication } from './client-auth/authenticate.ts';
export type { DpopSigner } from './dpop/signer.ts';
/** Validates a post-login `next` path (same-site paths only), e.g. on a custom login page. */
export { safeNextPath } from './guard/safe-next.ts';
export { loginErrorMessage, type LoginErrorInfo } from './auth/login-messages.ts';
export { BffError, ConfigError, type BffErrorCode, type BffErrorOptions } from './errors.ts';
/** The built-in contracts, for a custom adapter that changes one of their parts (`{ ...simplejwt(auth, context), parseLogin }`). */
export { envelope } from './backend/presets/envelope.ts';
export { oauth2 } from './backend/presets/oauth2.ts';
export { simplejwt } from './backend/presets/simplejwt.ts';
