import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse } from 'next/server';

// Its Next.js guide: an optimistic cookie check in the proxy, the real check in the page.
export function proxy(request) {
  if (!getSessionCookie(request)) return NextResponse.redirect(new URL('/login', request.url));
  return NextResponse.next();
}

export const config = { matcher: ['/me'] };
