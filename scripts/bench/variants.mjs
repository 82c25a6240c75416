// The benchmark's app variants: copies of this project that differ only in middleware.ts, plus one trivial
// dynamic page (/bench) that every variant serves. Each is built once per run.
import { buildVariant } from '../lib/variant.mjs';

const MATCHER = `export const config = {
  matcher: ['/api/:path*', '/((?!api/|_next/static|_next/image|favicon\\\\.ico|.*\\\\.[^/]+$).*)'],
};
`;

const MIDDLEWARE = {
  // The floor: no middleware at all.
  nomw: null,
  // Next's own middleware cost: a middleware that does nothing.
  passthrough: `import { NextResponse } from 'next/server';
export function middleware() {
  return NextResponse.next();
}
${MATCHER}`,
  // A bare external rewrite with a fixed bearer: no session work.
  bare: `import { NextResponse, type NextRequest } from 'next/server';
export function middleware(req: NextRequest) {
  if (!req.nextUrl.pathname.startsWith('/api/backend/')) return NextResponse.next();
  const headers = new Headers(req.headers);
  headers.delete('cookie');
  headers.set('authorization', 'Bearer ' + process.env.BENCH_BEARER);
  return NextResponse.rewrite(new URL(req.nextUrl.pathname.slice('/api/backend'.length) + req.nextUrl.search, process.env.BACKEND_URL), { request: { headers } });
}
${MATCHER}`,
  // This project's middleware, unchanged.
  bff: undefined,
};

const PAGE = `export const dynamic = 'force-dynamic';
export default function Bench() {
  return <p>bench</p>;
}
`;

/** Builds every variant; returns { name: dir }. */
export async function buildVariants(log) {
  const dirs = {};
  for (const [name, middleware] of Object.entries(MIDDLEWARE)) {
    log(`building variant ${name}…`);
    const files = { 'app/bench/page.tsx': PAGE };
    if (middleware !== undefined) files['middleware.ts'] = middleware;
    dirs[name] = await buildVariant(`bench-${name}`, files);
  }
  return dirs;
}
