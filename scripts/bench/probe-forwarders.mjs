// Probe (issue 21): forwarding designs with no session work, side by side against the bare external rewrite, on the
// edge (middleware.ts) and on Node (proxy.ts). Not part of `npm run bench`; run it by hand:
//   node scripts/bench/probe-forwarders.mjs
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, root, startApp, startBackend, waitForHttp } from '../lib/processes.mjs';
import { median } from './stats.mjs';
import { buildVariant } from '../lib/variant.mjs';
import { bareRewrite } from './variants.mjs';

const MATCHER = `export const config = { matcher: ['/api/:path*'] };\n`;
const HEAD = `import { NextResponse, type NextRequest } from 'next/server';
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length']);
function target(req: NextRequest) {
  return new URL(req.nextUrl.pathname.slice('/api/backend'.length) + req.nextUrl.search, process.env.BACKEND_URL);
}
function upstream(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.delete('cookie');
  headers.delete('host');
  headers.set('authorization', 'Bearer ' + process.env.BENCH_BEARER);
  return headers;
}
function back(h: Headers) {
  const out = new Headers();
  h.forEach((v, k) => { if (!HOP.has(k)) out.set(k, v); });
  return out;
}
`;
const fetchStream = (name) => `${HEAD}
export async function ${name}(req: NextRequest) {
  if (!req.nextUrl.pathname.startsWith('/api/backend/')) return NextResponse.next();
  const res = await fetch(target(req), { method: req.method, headers: upstream(req), redirect: 'manual' });
  return new Response(res.body, { status: res.status, headers: back(res.headers) });
}
${MATCHER}`;
const fetchBuffered = (name) => `${HEAD}
export async function ${name}(req: NextRequest) {
  if (!req.nextUrl.pathname.startsWith('/api/backend/')) return NextResponse.next();
  const res = await fetch(target(req), { method: req.method, headers: upstream(req), redirect: 'manual' });
  return new Response(await res.arrayBuffer(), { status: res.status, headers: back(res.headers) });
}
${MATCHER}`;
const httpBuffered = `${HEAD}
import { Agent, request } from 'node:http';
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
export function proxy(req: NextRequest): Response | Promise<Response> {
  if (!req.nextUrl.pathname.startsWith('/api/backend/')) return NextResponse.next();
  const headers: Record<string, string> = {};
  upstream(req).forEach((v, k) => { headers[k] = v; });
  return new Promise((resolve, reject) => {
    const out = request(target(req), { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP.has(k)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: h }));
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end();
  });
}
${MATCHER}`;

const VARIANTS = {
  edgeBare: { 'middleware.ts': bareRewrite('middleware') },
  edgeFetchStream: { 'middleware.ts': fetchStream('middleware') },
  edgeFetchBuffered: { 'middleware.ts': fetchBuffered('middleware') },
  nodeBare: { 'middleware.ts': null, 'proxy.ts': bareRewrite('proxy') },
  nodeFetchStream: { 'middleware.ts': null, 'proxy.ts': fetchStream('proxy') },
  nodeFetchBuffered: { 'middleware.ts': null, 'proxy.ts': fetchBuffered('proxy') },
  nodeHttpBuffered: { 'middleware.ts': null, 'proxy.ts': httpBuffered },
};
const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 5);
const log = (l) => process.stderr.write(`${l}\n`);

const dirs = {};
for (const [name, files] of Object.entries(VARIANTS)) {
  if (process.env.PROBE_SKIP_BUILD) dirs[name] = join(root, '.variants', `probe-${name}`);
  else {
    log(`building ${name}`);
    dirs[name] = await buildVariant(`probe-${name}`, files);
  }
}
const pin = (proc) => (spawnSync('taskset', ['-a', '-p', '-c', '0', String(proc.child.pid)], { stdio: 'ignore' }), proc);
const backendPort = await freePort();
const backendUrl = `http://127.0.0.1:${backendPort}`;
const procs = [pin(startBackend(backendPort, { ACCESS_TTL_SECONDS: '3600' }))];
try {
  await waitForHttp(`${backendUrl}/.well-known/jwks.json`);
  const grant = await (await fetch(`${backendUrl}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }) })).json();
  const env = { BACKEND_URL: backendUrl, BENCH_BEARER: grant.data.token, SESSION_SECRET: 'probe-secret-0123456789abcdefghijklmnopqrstuv' };
  const urls = {};
  for (const name of Object.keys(VARIANTS)) {
    const port = await freePort();
    procs.push(pin(startApp(port, env, false, dirs[name])));
    urls[name] = `http://127.0.0.1:${port}/api/backend/notes`;
  }
  for (const u of Object.values(urls)) await waitForHttp(u.replace('/api/backend/notes', '/'), 60_000);
  const load = (url) =>
    new Promise((resolve, reject) =>
      execFile('taskset', ['-c', '1', process.execPath, join(root, 'scripts/bench/load-worker.mjs'), JSON.stringify({ url, headers: {}, connections: 16, duration: 3, warmup: 2 })], (e, out) =>
        e ? reject(e) : resolve(JSON.parse(out.trim().split('\n').pop())),
      ),
    );
  const names = Object.keys(urls);
  for (const n of names) {
    const check = await fetch(urls[n]);
    if (check.status !== 200) throw new Error(`${n}: ${check.status}`);
    await load(urls[n]);
  }
  const rps = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of r % 2 ? [...names].reverse() : names) {
      const res = await load(urls[n]);
      rps[n].push(res.rps);
      log(`round ${r + 1} ${n.padEnd(18)} ${res.rps.toFixed(0)} req/s p99 ${res.p99}`);
    }
  }
  const rel = (n, ref) => median(rps[n].map((x, i) => x / rps[ref][i])).toFixed(3);
  console.log('| design | runtime | req/s | ÷ bare rewrite (same runtime) | ÷ edge bare rewrite |');
  console.log('|---|---|---|---|---|');
  for (const n of names) {
    const ref = n.startsWith('edge') ? 'edgeBare' : 'nodeBare';
    console.log(`| ${n} | ${n.startsWith('edge') ? 'edge' : 'Node'} | ${median(rps[n]).toFixed(0)} | ${rel(n, ref)} | ${rel(n, 'edgeBare')} |`);
  }
} finally {
  await Promise.all(procs.map((p) => p.stop()));
}
