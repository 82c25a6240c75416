import { bff } from './app/lib/bff';

/** Thin by design: all behaviour lives in the package (`next-edge-bff`). */
export const middleware = bff.middleware;

export const config = {
  matcher: [
    // All API routes, including /api/backend paths that look like files (`/api/backend/report.csv`).
    '/api/:path*',
    // Pages: everything except build assets, images, the favicon and files with an extension.
    '/((?!api/|_next/static|_next/image|favicon\\.ico|.*\\.[^/]+$).*)',
  ],
};
