// The benchmark's app variants: copies of this project under .bench/<variant>/ that differ only in
// middleware.ts, plus one trivial dynamic page (/bench) that every variant serves. Each is built once.
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, root } from '../lib/processes.mjs';

const MATCHER = `export const config = {
  matcher: ['/api/:path*', '/((?!api/|_next/static|_next/image|favicon\\\\.ico|.*\\\\.[^/]+$).*)'],
};
`;

export const VARIANTS = {
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
  bff: 'COPY',
};

const PAGE = `export const dynamic = 'force-dynamic';
export default function Bench() {
  return <p>bench</p>;
}
`;

export const benchDir = join(root, '.bench');

/** Creates and builds every variant; returns { name: dir }. */
export async function buildVariants(log) {
  const dirs = {};
  for (const [name, middleware] of Object.entries(VARIANTS)) {
    const dir = join(benchDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const item of ['app', 'edge', 'next.config.ts', 'tsconfig.json', 'package.json']) cpSync(join(root, item), join(dir, item), { recursive: true });
    // Inside the repository, so Turbopack's root (the lockfile's directory) contains the link target.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'app', 'bench'), { recursive: true });
    writeFileSync(join(dir, 'app', 'bench', 'page.tsx'), PAGE);
    if (middleware === 'COPY') cpSync(join(root, 'middleware.ts'), join(dir, 'middleware.ts'));
    else if (middleware) writeFileSync(join(dir, 'middleware.ts'), middleware);
    log(`building variant ${name}…`);
    await buildApp({ cwd: dir });
    if (!existsSync(join(dir, '.next', 'BUILD_ID'))) throw new Error(`variant ${name} did not build`);
    dirs[name] = dir;
  }
  return dirs;
}
