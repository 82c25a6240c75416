import { getIronSession } from 'iron-session';
import { NextResponse } from 'next/server';
import { sessionOptions } from './lib/session';

// The guard its Next.js example puts in front of protected pages: no session, no page.
export async function proxy(request) {
  const session = await getIronSession(request.cookies, sessionOptions);
  if (!session.email) return NextResponse.redirect(new URL('/login', request.url));
  return NextResponse.next();
}

export const config = { matcher: ['/me', '/api-call'] };
