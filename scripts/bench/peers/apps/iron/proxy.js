import { getIronSession, nextProxyCookies } from 'iron-session';
import { NextResponse } from 'next/server';
import { sessionOptions } from './lib/session';

// The guard its README puts in `proxy.ts`: no session, no page.
export async function proxy(request) {
  const response = NextResponse.next();
  const session = await getIronSession(nextProxyCookies(request, response), sessionOptions);
  if (!session.email) return NextResponse.redirect(new URL('/login', request.url));
  return response;
}

export const config = { matcher: ['/me', '/api-call'] };
