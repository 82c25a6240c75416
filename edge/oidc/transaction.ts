import type { CookieConfig } from '../config/types.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { decryptClaims, encryptClaims } from '../session/jwe.ts';
import type { SessionKeyring } from '../session/keys.ts';

/** One sign-in at the provider in flight: what the callback must see again, bound to this browser. */
export interface OidcTransaction {
  state: string;
  nonce: string;
  verifier: string;
  /** Where the visitor lands afterwards (already a validated same-site path). */
  next: string;
  /** Step-up: the `max_age` asked of the provider, which the ID token's `auth_time` must then meet. */
  maxAge?: number;
}

const PURPOSE = 'oidc-transaction';

/** Sign-ins one browser may have in flight at once (tabs); starting another drops the surplus. */
const MAX_IN_FLIGHT = 4;

function prefix(cookie: CookieConfig): string {
  return cookie.secure ? '__Host-bff_oidc.' : 'bff_oidc.';
}

/**
 * One cookie per sign-in, named after its `state`, so that several tabs signing in at once each find their own.
 * `__Host-` like the session cookie when Secure; SameSite=Lax so the provider's top-level redirect back carries it.
 */
export function transactionCookie(cookie: CookieConfig, state: string) {
  return {
    name: prefix(cookie) + state.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16),
    options: { httpOnly: true, secure: cookie.secure, sameSite: 'lax' as const, path: '/', maxAge: DEFAULTS.oidcTransactionSeconds },
  };
}

/** The transaction cookies to clear before starting one more, so a browser never carries more than MAX_IN_FLIGHT. */
export function surplusTransactionCookies(cookie: CookieConfig, present: readonly string[]): string[] {
  const mine = present.filter((name) => name.startsWith(prefix(cookie)));
  return mine.slice(0, Math.max(0, mine.length - (MAX_IN_FLIGHT - 1)));
}

/** Encrypted with the session keys (a different purpose, so neither cookie can stand in for the other), short-lived. */
export async function sealTransaction(tx: OidcTransaction, keyring: SessionKeyring, now: number): Promise<string> {
  return encryptClaims({ p: PURPOSE, s: tx.state, n: tx.nonce, v: tx.verifier, x: tx.next, m: tx.maxAge }, keyring, now + DEFAULTS.oidcTransactionSeconds * 1000, now);
}

/** The transaction, or null for anything missing, tampered, expired or of another purpose. */
export async function openTransaction(value: string | undefined, keyring: SessionKeyring, now: number): Promise<OidcTransaction | null> {
  if (!value) return null;
  try {
    const payload = await decryptClaims(value, keyring, now);
    const { p, s, n, v, x, m } = payload;
    if (p !== PURPOSE || typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || typeof x !== 'string') return null;
    if (m !== undefined && typeof m !== 'number') return null;
    return { state: s, nonce: n, verifier: v, next: x, ...(m === undefined ? {} : { maxAge: m }) };
  } catch {
    return null;
  }
}
