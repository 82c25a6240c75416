// The benchmark's app variants: copies of this project that differ only in middleware.ts/proxy.ts, plus one trivial
// dynamic page (/bench) that every variant serves. Each is built once per run.
import { buildVariant } from '../lib/variant.mjs';

const MATCHER = `export const config = {
  matcher: ['/api/:path*', '/((?!api/|_next/static|_next/image|favicon\\\\.ico|.*\\\\.[^/]+$).*)'],
};
`;

/** A bare external rewrite with a fixed bearer: no session work. `name` is `middleware` (edge) or `proxy` (Node). */
export const bareRewrite = (name) => `import { NextResponse, type NextRequest } from 'next/server';
export function ${name}(req: NextRequest) {
  if (!req.nextUrl.pathname.startsWith('/api/backend/')) return NextResponse.next();
  const headers = new Headers(req.headers);
  headers.delete('cookie');
  headers.set('authorization', 'Bearer ' + process.env.BENCH_BEARER);
  return NextResponse.rewrite(new URL(req.nextUrl.pathname.slice('/api/backend'.length) + req.nextUrl.search, process.env.BACKEND_URL), { request: { headers } });
}
${MATCHER}`;

/** This project's BFF on Node's proxy.ts, as the README switches it. */
export const bffProxyTs = `import { bff } from './app/lib/bff';\nexport const proxy = bff.middleware;\n${MATCHER}`;

/** Each variant's files over this project's (null deletes one); `{}` is this project unchanged. */
const VARIANTS = {
  // The floor: no middleware at all.
  nomw: { 'middleware.ts': null },
  // Next's own middleware cost: a middleware that does nothing.
  passthrough: {
    'middleware.ts': `import { NextResponse } from 'next/server';
export function middleware() {
  return NextResponse.next();
}
${MATCHER}`,
  },
  bare: { 'middleware.ts': bareRewrite('middleware') },
  // This project's middleware, unchanged (edge runtime).
  bff: {},
  // Next 16's proxy.ts on the Node runtime: the same bare rewrite, and this project's BFF as the README switches it.
  bareNode: { 'middleware.ts': null, 'proxy.ts': bareRewrite('proxy') },
  bffNode: { 'middleware.ts': null, 'proxy.ts': bffProxyTs },
};

const PAGE = `export const dynamic = 'force-dynamic';
export default function Bench() {
  return <p>bench</p>;
}
`;

/** Builds every variant; returns { name: dir }. */
export async function buildVariants(log) {
  const dirs = {};
  for (const [name, files] of Object.entries(VARIANTS)) {
    log(`building variant ${name}…`);
    dirs[name] = await buildVariant(`bench-${name}`, { 'app/bench/page.tsx': PAGE, ...files });
  }
  return dirs;
}
