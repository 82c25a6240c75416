import { NextResponse, type NextRequest } from 'next/server';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import { readSessionValue } from '../session/read.ts';

/** GET /api/auth/session: `{ user, expiresAt }` or `{ user: null }`. Never a token. */
export async function sessionInfo(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const value = readSessionValue((name) => req.cookies.get(name)?.value, rt.config.cookie);
  const session = value ? await rt.sessions.open(value) : null;
  const res = session
    ? NextResponse.json({ user: session.user, expiresAt: new Date(session.refreshExpiresAt).toISOString() })
    : NextResponse.json({ user: null });
  // A cookie that does not open is cleared here too; the answer is per-user either way.
  const stale = value !== undefined && !session;
  setResponseCookies(res, stale ? planSessionCookies(rt.config.cookie, null, 0, req.cookies.getAll().map((c) => c.name)) : []);
  return res;
}
