// Probe (issue 21): every forwarding design side by side in one run, against the bare external rewrite, on the edge
// (middleware.ts) and on Node (proxy.ts): minimal forwarders with no session work, Next's own config rewrite, and this
// project's BFF itself. Requests look like a browser's (the session cookie and two others). Not part of
// `npm run bench` (ten builds); run it by hand:
//   node scripts/bench/probe-forwarders.mjs
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, root, startApp, startBackend, waitForHttp } from '../lib/processes.mjs';
import { cpuMicros } from './cpu.mjs';
import { median } from './stats.mjs';
import { buildVariant } from '../lib/variant.mjs';
import { bareRewrite, bffProxyTs } from './variants.mjs';

const MATCHER = `export const config = { matcher: ['/api/:path*'] };\n`;
// Next's config rewrite to the backend (fixed when the app is built), with the bearer set by a middleware.
const CONFIG_REWRITE = `export default {
  async rewrites() {
    return { beforeFiles: [{ source: '/api/backend/:path*', destination: process.env.BACKEND_URL + '/:path*' }] };
  },
};
`;
const bearerOnly = `import { NextResponse, type NextRequest } from 'next/server';
export function middleware(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.delete('cookie');
  if (req.nextUrl.pathname.startsWith('/api/backend/')) headers.set('authorization', 'Bearer ' + process.env.BENCH_BEARER);
  return NextResponse.next({ request: { headers } });
}
${MATCHER}`;
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

/** Each design: its files, and what it keeps of /api/backend's guarantees (hides the backend, JSON 502/504, filtered answer headers). */
const VARIANTS = {
  edgeBare: { files: { 'middleware.ts': bareRewrite('middleware') }, keeps: 'no · no · no' },
  edgeConfigRewrite: { files: { 'middleware.ts': bearerOnly, 'next.config.ts': CONFIG_REWRITE }, keeps: 'yes · no · no' },
  edgeFetchStream: { files: { 'middleware.ts': fetchStream('middleware') }, keeps: 'yes · yes · yes' },
  edgeFetchBuffered: { files: { 'middleware.ts': fetchBuffered('middleware') }, keeps: 'yes · yes · yes' },
  edgeBff: { files: {}, keeps: 'yes · yes · yes, with the session' },
  nodeBare: { files: { 'middleware.ts': null, 'proxy.ts': bareRewrite('proxy') }, keeps: 'no · no · no' },
  nodeFetchStream: { files: { 'middleware.ts': null, 'proxy.ts': fetchStream('proxy') }, keeps: 'yes · yes · yes' },
  nodeFetchBuffered: { files: { 'middleware.ts': null, 'proxy.ts': fetchBuffered('proxy') }, keeps: 'yes · yes · yes' },
  nodeHttpBuffered: { files: { 'middleware.ts': null, 'proxy.ts': httpBuffered }, keeps: 'yes · yes · yes' },
  nodeBff: { files: { 'middleware.ts': null, 'proxy.ts': bffProxyTs }, keeps: 'yes · yes · yes, with the session' },
};
const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 5);
const log = (l) => process.stderr.write(`${l}\n`);

// The config rewrite's destination is read at build time, so the backend's port is chosen first.
const backendPort = Number(process.env.PROBE_BACKEND_PORT ?? (await freePort()));
const backendUrl = `http://127.0.0.1:${backendPort}`;
const dirs = {};
for (const [name, { files }] of Object.entries(VARIANTS)) {
  if (process.env.PROBE_SKIP_BUILD) dirs[name] = join(root, '.variants', `probe-${name}`);
  else {
    log(`building ${name}`);
    dirs[name] = await buildVariant(`probe-${name}`, files, { BACKEND_URL: backendUrl });
  }
}
const pin = (proc) => (spawnSync('taskset', ['-a', '-p', '-c', '0', String(proc.child.pid)], { stdio: 'ignore' }), proc);
const procs = [pin(startBackend(backendPort, { ACCESS_TTL_SECONDS: '3600' }))];
try {
  await waitForHttp(`${backendUrl}/.well-known/jwks.json`);
  const grant = await (await fetch(`${backendUrl}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }) })).json();
  const env = {
    BACKEND_URL: backendUrl,
    BENCH_BEARER: grant.data.token,
    SESSION_SECRET: 'probe-secret-0123456789abcdefghijklmnopqrstuv',
    RATE_LIMIT_LOGIN_PER_IP: '100000/60',
  };
  const urls = {};
  const groups = {};
  for (const name of Object.keys(VARIANTS)) {
    const port = await freePort();
    const proc = pin(startApp(port, env, false, dirs[name]));
    procs.push(proc);
    // CPU per request counts the server and the backend it calls.
    groups[name] = [proc.child.pid, procs[0].child.pid];
    urls[name] = `http://127.0.0.1:${port}/api/backend/notes`;
  }
  for (const u of Object.values(urls)) await waitForHttp(u.replace('/api/backend/notes', '/'), 60_000);
  // The BFF's own session cookie; the other designs ignore it (and never forward it).
  const login = await fetch(urls.edgeBff.replace('/backend/notes', '/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(urls.edgeBff).origin },
    body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
  });
  const session = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const headers = { accept: 'text/html', cookie: `${session}; theme=dark; _ga=GA1.2.123456789.1700000000` };
  const load = (url) =>
    new Promise((resolve, reject) =>
      execFile('taskset', ['-c', '1', process.execPath, join(root, 'scripts/bench/load-worker.mjs'), JSON.stringify({ url, headers, connections: 16, duration: 3, warmup: 2 })], (e, out) =>
        e ? reject(e) : resolve(JSON.parse(out.trim().split('\n').pop())),
      ),
    );
  const names = Object.keys(urls);
  for (const n of names) {
    const check = await fetch(urls[n], { headers });
    if (check.status !== 200) throw new Error(`${n}: ${check.status}`);
    await load(urls[n]);
  }
  const rps = Object.fromEntries(names.map((n) => [n, []]));
  const p99 = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of r % 2 ? [...names].reverse() : names) {
      const before = cpuMicros(groups[n]);
      const res = await load(urls[n]);
      // Over the warm-up (2 s) and the measured run (3 s), divided by the requests of both.
      cpu[n].push((cpuMicros(groups[n]) - before) / (res.requests * (5 / 3)));
      rps[n].push(res.rps);
      p99[n].push(res.p99);
      log(`round ${r + 1} ${n.padEnd(18)} ${res.rps.toFixed(0)} req/s p99 ${res.p99}`);
    }
  }
  const rel = (n, ref) => median(rps[n].map((x, i) => x / rps[ref][i])).toFixed(3);
  // By CPU: the reference's CPU per request over this design's, so that higher is better in both columns.
  const relCpu = (n, ref) => median(cpu[n].map((x, i) => cpu[ref][i] / x)).toFixed(3);
  console.log('| design | runtime | req/s | p99 ms | CPU µs/req | ÷ bare rewrite, same runtime (by CPU) | ÷ edge bare rewrite | hides · JSON 502/504 · filtered headers |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const n of names) {
    const ref = n.startsWith('edge') ? 'edgeBare' : 'nodeBare';
    console.log(`| ${n} | ${n.startsWith('edge') ? 'edge' : 'Node'} | ${median(rps[n]).toFixed(0)} | ${median(p99[n])} | ${median(cpu[n]).toFixed(0)} | ${rel(n, ref)} (${relCpu(n, ref)}) | ${rel(n, 'edgeBare')} | ${VARIANTS[n].keeps} |`);
  }
} finally {
  await Promise.all(procs.map((p) => p.stop()));
}
