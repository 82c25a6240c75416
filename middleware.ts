import type { NextRequest } from 'next/server';
import { handle } from './edge/handle';
import { getRuntime } from './edge/runtime';

/** Thin by design: all behaviour lives in edge/handle.ts. */
export async function middleware(req: NextRequest): Promise<Response> {
  return handle(req, await getRuntime());
}

export const config = {
  matcher: [
    // All API routes, including /api/backend paths that look like files (`/api/backend/report.csv`).
    '/api/:path*',
    // Pages: everything except build assets, images, the favicon and files with an extension.
    '/((?!api/|_next/static|_next/image|favicon\\.ico|.*\\.[^/]+$).*)',
  ],
};
