import { decryptClaims, encryptClaims } from './jwe.ts';
import type { SessionKeyring } from './keys.ts';
import type { Session } from './types.ts';

/** Claim names are short: the whole session has to fit in browser cookies. */
interface SessionClaims {
  v: 1;
  i?: string;
  at: string;
  rt?: string;
  ai?: number;
  ax: number;
  rx: number;
  u: Session['user'];
  sa?: number;
  aa?: number;
  ls?: number;
  it?: string;
  ps?: Session['provider'];
  rn?: number;
  /** API name → [access token, issued at, expires at]. */
  ap?: Record<string, [string, number, number]>;
}

/** Encrypts a session as a compact JWE (`dir` + `A256GCM`) that expires with the refresh token. */
export async function sealSession(session: Session, keyring: SessionKeyring): Promise<string> {
  const claims: SessionClaims = {
    v: 1,
    i: session.sid,
    at: session.accessToken,
    rt: session.refreshToken,
    ai: session.accessIssuedAt,
    ax: session.accessExpiresAt,
    rx: session.refreshExpiresAt,
    u: session.user,
    sa: session.signedInAt,
    aa: session.authenticatedAt,
    ls: session.lastSeenAt,
    it: session.idToken,
    ps: session.provider,
    rn: session.renewedAt,
    ap: session.apis && Object.fromEntries(Object.entries(session.apis).map(([name, t]) => [name, [t.accessToken, t.issuedAt, t.expiresAt]])),
  };
  return encryptClaims({ ...claims }, keyring, session.refreshExpiresAt);
}

/**
 * Decrypts and validates a session cookie. Anything wrong (tampered, truncated,
 * unknown key, other algorithms, expired (jose checks `exp`), wrong shape) is `null`: logged out, never a throw.
 */
export async function openSession(value: string, keyring: SessionKeyring): Promise<Session | null> {
  try {
    const payload = await decryptClaims(value, keyring);
    return toSession(payload as Partial<SessionClaims>);
  } catch {
    return null;
  }
}

function toSession(c: Partial<SessionClaims>): Session | null {
  if (c.v !== 1 || typeof c.at !== 'string' || (c.rt !== undefined && typeof c.rt !== 'string')) return null;
  if (typeof c.ax !== 'number' || typeof c.rx !== 'number' || (c.ai !== undefined && typeof c.ai !== 'number')) return null;
  if (c.i !== undefined && typeof c.i !== 'string') return null;
  const u = c.u;
  if (!u || typeof u !== 'object' || typeof u.id !== 'string') return null;
  if ((c.ls !== undefined && typeof c.ls !== 'number') || (c.aa !== undefined && typeof c.aa !== 'number')) return null;
  if ((c.sa !== undefined && typeof c.sa !== 'number') || (c.it !== undefined && typeof c.it !== 'string')) return null;
  const p = c.ps;
  if (p !== undefined && (!p || typeof p !== 'object' || typeof p.sub !== 'string' || (p.sid !== undefined && typeof p.sid !== 'string'))) return null;
  if (c.rn !== undefined && typeof c.rn !== 'number') return null;
  const apis = c.ap === undefined ? undefined : apiTokens(c.ap);
  if (apis === null) return null;
  return {
    sid: c.i,
    accessToken: c.at,
    refreshToken: c.rt,
    accessIssuedAt: c.ai,
    accessExpiresAt: c.ax,
    refreshExpiresAt: c.rx,
    user: u,
    signedInAt: c.sa,
    authenticatedAt: c.aa,
    lastSeenAt: c.ls,
    idToken: c.it,
    provider: p,
    renewedAt: c.rn,
    apis,
  };
}

function apiTokens(value: unknown): Session['apis'] | null {
  if (!value || typeof value !== 'object') return null;
  const apis: NonNullable<Session['apis']> = {};
  for (const [name, t] of Object.entries(value)) {
    if (!Array.isArray(t) || typeof t[0] !== 'string' || typeof t[1] !== 'number' || typeof t[2] !== 'number') return null;
    apis[name] = { accessToken: t[0], issuedAt: t[1], expiresAt: t[2] };
  }
  return apis;
}
