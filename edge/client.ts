'use client';
/** `next-edge-bff/client`: the session for client components. It never sees a token: the cookie is HttpOnly. */
export { useSession, type ClientOptions } from './client/use-session.ts';
export { signIn, type PasswordSignInOptions, type ProviderSignInOptions, type SignInError, type SignInOptions, type SignInRedirect, type SignInResult } from './client/sign-in.ts';
export { signOut, type SignOutOptions } from './client/sign-out.ts';
export type { SessionState } from './client/session-store.ts';
export type { User } from './session/types.ts';
export { loginErrorMessage, type LoginErrorInfo } from './auth/login-messages.ts';
