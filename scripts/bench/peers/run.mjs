// `npm run bench:peers`: what a signed-in page costs here and in the libraries users compare us with (not part of
// `npm test`). Every app serves the same two pages: `/me`, a Server Component showing the signed-in user's e-mail, and
// `/api-call`, the same after one call to the example backend with the user's access token. Each library is set up
// as its own docs recommend for Next 16 (scripts/bench/peers/apps/), pinned in scripts/bench/peers/package.json and
// installed on demand under .variants/peers. Sessions are minted before the run; during it, no app may make a network
// call (a preloaded guard logs every outbound connection: net-guard.mjs), and every answer must be that user's page.
// Otherwise the bench refuses to report. Rounds interleave the apps (order reversed every other round); servers run on
// core 0, the load on core 1; ratios are per round against the no-auth floor, as medians with 95% intervals.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVariant, variantsDir } from '../../lib/variant.mjs';
import { freePort, root, run, startBackend, startProcess, waitForHttp } from '../../lib/processes.mjs';
import { cpuMicros } from '../cpu.mjs';
import { benchLifecycle } from '../lifecycle.mjs';
import { median, medianInterval } from '../stats.mjs';
import { bffProxyTs } from '../variants.mjs';
import { refusals } from './refusals.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP = 1;
const CONNECTIONS = 16;
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const SECRET = 'bench-peers-secret-0123456789abcdefghijklmnop';
const log = (line) => process.stderr.write(`${line}\n`);
const { procs, stopAll, run: runBench } = benchLifecycle();

const MATCHER = `export const config = {
  matcher: ['/api/:path*', '/((?!api/|_next/static|_next/image|favicon\\\\.ico|.*\\\\.[^/]+$).*)'],
};
`;
const passThrough = (name) => `import { NextResponse } from 'next/server';\nexport function ${name}() {\n  return NextResponse.next();\n}\n${MATCHER}`;
/** Every app renders in this bare layout (the peers' apps have the same: apps/shared/app/layout.jsx). */
const LAYOUT = `import type { ReactNode } from 'react';
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;
/** The floor's pages: no auth at all, the e-mail (and the token) read from plain cookies. */
const FLOOR_PAGES = {
  'app/layout.tsx': LAYOUT,
  'app/me/page.tsx': `import { cookies } from 'next/headers';
export default async function Me() {
  return <p>{(await cookies()).get('bench_email')?.value}</p>;
}
`,
  'app/api-call/page.tsx': `import { cookies } from 'next/headers';
export default async function ApiCall() {
  const jar = await cookies();
  const res = await fetch(\`\${process.env.BACKEND_URL}/notes\`, { headers: { authorization: \`Bearer \${jar.get('bench_token')?.value}\` }, cache: 'no-store' });
  if (!res.ok) throw new Error(\`API \${res.status}\`);
  const notes = await res.json();
  return <p>{jar.get('bench_email')?.value}: {JSON.stringify(notes).length}</p>;
}
`,
};
/** This project's pages, through the demo's server helpers (`serverHelpers(bff)` of next-edge-bff/server). */
const BFF_PAGES = {
  'app/layout.tsx': LAYOUT,
  'app/me/page.tsx': `import { requireUser } from '../lib/bff-server';
export default async function Me() {
  const user = await requireUser('/me');
  return <p>{user.email}</p>;
}
`,
  'app/api-call/page.tsx': `import { backendFetch, requireUser } from '../lib/bff-server';
export default async function ApiCall() {
  const user = await requireUser('/api-call');
  const res = await backendFetch('/notes');
  if (!res.ok) throw new Error(\`API \${res.status}\`);
  const notes = await res.json();
  return <p>{user.email}: {JSON.stringify(notes).length}</p>;
}
`,
};

/** The apps: how each is built, and which shapes it serves (Better Auth holds no token for an outside API). */
const OURS = {
  floor: { files: { 'middleware.ts': null, ...FLOOR_PAGES }, label: 'no auth (the floor)' },
  floor_twin: { same: 'floor', label: 'no auth, a second server (control)' },
  passthrough_edge: { files: { 'middleware.ts': passThrough('middleware'), ...FLOOR_PAGES }, label: 'pass-through `middleware.ts`' },
  passthrough_node: { files: { 'middleware.ts': null, 'proxy.ts': passThrough('proxy'), ...FLOOR_PAGES }, label: 'pass-through `proxy.ts`' },
  bff_edge: { files: BFF_PAGES, label: 'next-edge-bff, `middleware.ts`' },
  bff_node: { files: { 'middleware.ts': null, 'proxy.ts': bffProxyTs, ...BFF_PAGES }, label: 'next-edge-bff, `proxy.ts`' },
};
const PEERS = {
  authjs: { label: 'Auth.js v5 (JWT sessions), `proxy.ts`', pkg: 'next-auth' },
  auth0: { label: '@auth0/nextjs-auth0 v4 (stateless sessions), `proxy.ts`', pkg: '@auth0/nextjs-auth0' },
  iron: { label: 'iron-session, `proxy.ts`', pkg: 'iron-session' },
  betterauth: { label: 'Better Auth (cookie cache, in-process database), `proxy.ts`', pkg: 'better-auth', noApi: true },
};
const SHAPES = {
  one_user: { path: '/me', many: false, label: 'one user, the same cookie' },
  many_users: { path: '/me', many: true, label: `${USERS} users, round-robin` },
  api_call: { path: '/api-call', many: true, api: true, label: `${USERS} users, a page calling the API` },
};

/** Each app's own settings: the same secret everywhere, so that sessions minted here open there (the floor and the
 * pass-throughs are this demo without its middleware: its start-up still checks the BFF's configuration). */
const ENVS = {
  bff: { SESSION_SECRET: SECRET, PROTECTED_PATHS: '/me,/api-call', RATE_LIMIT_LOGIN_PER_IP: '100000/60', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '100000/60' },
  floor: { SESSION_SECRET: SECRET },
  authjs: { AUTH_SECRET: SECRET },
  auth0: { AUTH0_SECRET: SECRET },
  iron: { IRON_PASSWORD: SECRET },
  betterauth: { BETTER_AUTH_SECRET: SECRET, BETTER_AUTH_TELEMETRY: '0' },
};

function checkPrerequisites() {
  const pinning = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!pinning) log('taskset: not found — servers and load share both cores, so ratios are noisier (util-linux provides it).');
  return pinning;
}

/** The peers' pinned install under .variants/peers (npm ci from the bench's own lockfile), once. */
async function installPeers() {
  const dir = join(variantsDir, 'peers');
  const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const installed = (name) => {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return undefined;
    }
  };
  if (Object.entries(manifest.dependencies).some(([name, version]) => installed(name) !== version)) {
    mkdirSync(dir, { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(here, file), join(dir, file));
    log('installing the peers (npm ci, pinned)…');
    await run('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir });
  }
  cpSync(join(here, 'seal.mjs'), join(dir, 'seal.mjs'));
  return { dir, versions: Object.fromEntries(Object.keys(manifest.dependencies).map((name) => [name, installed(name)])) };
}

/** One peer app: the shared files, its own, then `next build` with the peers' Next. */
async function buildPeer(peersDir, name, env) {
  const dir = join(peersDir, 'apps', name);
  if (process.env.BENCH_REUSE === '1' && existsSync(join(dir, '.next', 'BUILD_ID'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(here, 'apps', 'shared'), dir, { recursive: true });
  cpSync(join(here, 'apps', name), dir, { recursive: true });
  log(`building ${name}…`);
  await run(`next build (${name})`, process.execPath, [join(peersDir, 'node_modules/next/dist/bin/next'), 'build'], { cwd: dir, env });
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) throw new Error(`${name} did not build`);
  return dir;
}

async function buildOurs(name, files) {
  const dir = join(variantsDir, `peers-${name}`);
  if (process.env.BENCH_REUSE === '1' && existsSync(join(dir, '.next', 'BUILD_ID'))) return dir;
  log(`building ${name}…`);
  return buildVariant(`peers-${name}`, files);
}

async function main() {
  const pinning = checkPrerequisites();
  const pinned = (proc) => {
    if (pinning) spawnSync('taskset', ['-a', '-p', '-c', '0', String(proc.child.pid)], { stdio: 'ignore' });
    return proc;
  };
  const { dir: peersDir, versions } = await installPeers();
  const dirs = {};
  for (const [name, app] of Object.entries(OURS)) if (!app.same) dirs[name] = await buildOurs(name, app.files);
  dirs.floor_twin = dirs.floor;
  for (const name of Object.keys(PEERS)) dirs[name] = await buildPeer(peersDir, name, ENVS[name]);

  const names = [...Object.keys(OURS), ...Object.keys(PEERS)];
  const ports = Object.fromEntries(await Promise.all(['backend', ...names].map(async (n) => [n, await freePort()])));
  const backendUrl = `http://127.0.0.1:${ports.backend}`;
  const backend = pinned(startBackend(ports.backend, { ACCESS_TTL_SECONDS: '7200', TEST_HOOKS: '1' }));
  procs.push(backend);
  await waitForHttp(`${backendUrl}/__test/stats`);

  const logs = join(tmpdir(), `bench-peers-${process.pid}`);
  mkdirSync(logs, { recursive: true });
  const netLog = (name) => join(logs, `${name}.net`);
  const appUrl = (name) => `http://127.0.0.1:${ports[name]}`;
  const common = (name) => ({
    NODE_ENV: 'production',
    BACKEND_URL: backendUrl,
    NODE_OPTIONS: `--import ${join(here, 'net-guard.mjs')}`,
    BENCH_NET_LOG: netLog(name),
    // The backend is the only address an app may reach: for a sign-in before the run, and for the API-call pages.
    BENCH_NET_ALLOW: String(ports.backend),
  });
  const pgid = { backend: backend.child.pid };
  for (const name of names) {
    const peer = PEERS[name];
    const env = { ...common(name), APP_URL: appUrl(name), APP_BASE_URL: appUrl(name), ...(ENVS[name.startsWith('bff') ? 'bff' : OURS[name] ? 'floor' : name]) };
    const next = peer ? join(peersDir, 'node_modules/next/dist/bin/next') : join(root, 'node_modules/next/dist/bin/next');
    const proc = pinned(startProcess(name, process.execPath, [next, 'start', '-p', String(ports[name]), '-H', '127.0.0.1'], { env, cwd: dirs[name] }));
    pgid[name] = proc.child.pid;
    procs.push(proc);
  }
  await Promise.all(names.map((name) => waitForHttp(appUrl(name), 90_000, procs.find((p) => p.name === name))));

  log(`minting ${USERS} sessions per app…`);
  const users = await mintSessions({ backendUrl, appUrl, count: USERS });
  const start = Date.now();

  const load = (file) => {
    const args = [join(here, 'load.mjs'), file];
    const [cmd, argv] = pinning ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
    return new Promise((resolve, reject) => execFile(cmd, argv, { maxBuffer: 1 << 20 }, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').pop())))));
  };
  const cases = [];
  for (const [shape, s] of Object.entries(SHAPES)) {
    for (const name of names) {
      if (s.api && (PEERS[name]?.noApi || name.startsWith('passthrough'))) continue;
      const family = PEERS[name] ? name : name.startsWith('bff') ? 'bff' : 'floor';
      const list = (s.many ? users : users.slice(0, 1)).map((u) => ({ cookie: u.cookies[family], email: u.email }));
      const file = join(logs, `${shape}-${name}.json`);
      writeFileSync(file, JSON.stringify({ url: appUrl(name) + s.path, users: list, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP }));
      cases.push({ shape, name, file, groups: [pgid[name], ...(s.api ? [pgid.backend] : [])] });
    }
  }
  const windows = [];
  const measure = async (c) => {
    const before = cpuMicros(c.groups);
    const t0 = Date.now();
    const r = await load(c.file);
    windows.push({ name: c.name, api: SHAPES[c.shape].api, t0, t1: Date.now() });
    r.cpuPerRequest = (cpuMicros(c.groups) - before) / (r.requests * (1 + WARMUP / DURATION));
    return r;
  };

  for (const c of cases) {
    log(`warm-up ${c.shape} ${c.name}`);
    await measure(c);
  }
  const runs = Object.fromEntries(cases.map((c) => [`${c.shape}/${c.name}`, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const c of round % 2 ? cases : [...cases].reverse()) {
      const r = await measure(c);
      runs[`${c.shape}/${c.name}`].push(r);
      log(`round ${round}/${ROUNDS} ${c.shape.padEnd(10)} ${c.name.padEnd(16)} ${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuPerRequest.toFixed(0).padStart(6)} µs CPU/req  errors ${r.errors}`);
    }
  }
  await stopAll();

  const problems = refusals({
    runs,
    windows,
    connections: Object.fromEntries(names.map((name) => [name, readLog(netLog(name))])),
    backendPort: ports.backend,
    since: start,
  });
  if (problems.length) {
    for (const p of problems) log(`REFUSED: ${p}`);
    throw new Error(`the bench refuses to report: ${problems.length} problem(s) above`);
  }
  report(runs, versions, names);
}

/** `{ at, what }` for every line the guard logged for one app. */
function readLog(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, , ...what] = line.split(' ');
      return { at: Number(at), what: what.join(' ') };
    });
}

/**
 * One session per user and app, made before the run: this project's and Better Auth's through their own sign-in
 * endpoints (as a browser would), the others sealed with their libraries' own functions (seal.mjs) and the app's secret.
 */
async function mintSessions({ backendUrl, appUrl, count }) {
  const { authjsCookie, auth0Cookie, ironCookie } = await import(join(variantsDir, 'peers', 'seal.mjs'));
  const post = (url, body, headers = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const cookiesOf = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => !c.endsWith('=')).join('; ');
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = `peer-${i}@example.com`;
    const password = `peer-password-${i}-0123456789`;
    const name = `Peer ${i}`;
    await post(`${backendUrl}/__test/users`, { email, password, name });
    const grant = await (await post(`${backendUrl}/auth/login`, { email, password })).json();
    const accessToken = grant.data.token;
    const bff = await post(`${appUrl('bff_edge')}/api/auth/login`, { email, password }, { origin: appUrl('bff_edge') });
    if (bff.status !== 200) throw new Error(`bff sign-in: ${bff.status}`);
    const better = await post(`${appUrl('betterauth')}/api/auth/sign-up/email`, { email, password, name }, { origin: appUrl('betterauth') });
    if (better.status !== 200) throw new Error(`Better Auth sign-up: ${better.status} ${await better.text()}`);
    const user = { id: String(i + 1), email, name, accessToken };
    users.push({
      email,
      cookies: {
        floor: `bench_email=${email}; bench_token=${accessToken}`,
        bff: cookiesOf(bff),
        betterauth: cookiesOf(better),
        authjs: await authjsCookie(user, SECRET),
        auth0: await auth0Cookie(user, SECRET),
        iron: await ironCookie(user, SECRET),
      },
    });
    if ((i + 1) % 100 === 0) log(`  ${i + 1} users`);
  }
  return users;
}
function report(runs, versions, names) {
  const r3 = (x) => Number(x.toFixed(3));
  const byKey = (shape, name) => runs[`${shape}/${name}`];
  const lines = [];
  const json = { date: new Date().toISOString().slice(0, 10), node: process.version, versions, rounds: ROUNDS, seconds: DURATION, users: USERS, shapes: {} };
  for (const [shape, s] of Object.entries(SHAPES)) {
    const floor = byKey(shape, 'floor');
    lines.push(`\n### ${s.label} (\`${s.path}\`)\n`);
    lines.push('| app | req/s | p50 ms | p99 ms | CPU µs/req | CPU per request ÷ floor (95% interval) | req/s ÷ floor (95% interval) |');
    lines.push('|---|---|---|---|---|---|---|');
    json.shapes[shape] = {};
    for (const name of names) {
      const rs = byKey(shape, name);
      if (!rs) continue;
      // Per round: the floor's CPU per request over the app's (higher is cheaper), and throughput over the floor's.
      const cpu = rs.map((r, i) => floor[i].cpuPerRequest / r.cpuPerRequest);
      const rps = rs.map((r, i) => r.rps / floor[i].rps);
      const row = {
        rps: Math.round(median(rs.map((r) => r.rps))),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpu: Math.round(median(rs.map((r) => r.cpuPerRequest))),
        cpuRatio: r3(median(cpu)),
        cpuInterval: medianInterval(cpu).map(r3),
        rpsRatio: r3(median(rps)),
        rpsInterval: medianInterval(rps).map(r3),
      };
      json.shapes[shape][name] = row;
      const label = OURS[name]?.label ?? PEERS[name].label;
      lines.push(`| ${label} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.cpu} | **${row.cpuRatio}** (${row.cpuInterval.join('–')}) | ${row.rpsRatio} (${row.rpsInterval.join('–')}) |`);
    }
  }
  console.log(`\nVersions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}; Node ${process.version}; ${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections.`);
  console.log(lines.join('\n'));
  console.log(`\n${JSON.stringify(json)}`);
}

await runBench(main);
