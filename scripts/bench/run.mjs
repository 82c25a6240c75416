// `npm run bench`: builds the variants once, starts them, the example backend and a store as real processes on
// loopback (one server per case, so every server is exercised equally), and measures every case once per round, the
// cases of each comparison next to each other and the order reversed every other round. Every ratio is the median of
// its per-round paired ratios with a 95% bootstrap interval and, where there is a budget, a verdict (met / missed /
// inconclusive). A control pair (two servers of one build) says how much the machine itself wobbled.
// Prints tables, then one JSON line.
import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCloudflareVariant, workerStartup } from '../lib/cloudflare.mjs';
import { MIDDLEWARE_GZIP_BUDGET, middlewareBytes } from '../lib/middleware-size.mjs';
import { freePort, root, startApp, startBackend, startProcess, startRedis, startUpstashFixture, waitForHttp } from '../lib/processes.mjs';
import { median, medianInterval, verdict } from './stats.mjs';
import { cpuMicros } from './cpu.mjs';
import { benchLifecycle } from './lifecycle.mjs';
import { refreshStorm } from './storm.mjs';
import { buildVariants } from './variants.mjs';

// Defaults sized on the development machine (2 cores) to keep a full run near 10 minutes; see docs/performance.md.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
// A server idle for a round is measurably colder: every run re-warms it first.
const WARMUP = 2;
const CONNECTIONS = 16;
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuv';
const log = (line) => process.stderr.write(`${line}\n`);

/** The comparisons: [A, B, budget for A/B]. */
const COMPARISONS = {
  control_same_build: ['page_session', 'page_session_twin', undefined],
  session_vs_passthrough: ['page_session', 'page_passthrough', 0.95],
  session_vs_nomiddleware: ['page_session', 'page_nomw', undefined],
  proxy_vs_bare_rewrite: ['proxy_session', 'proxy_bare_rewrite', 0.95],
  // The same on Node (proxy.ts), against Node's own bare rewrite.
  proxy_node_vs_bare_rewrite_node: ['proxy_session_node', 'proxy_bare_rewrite_node', 0.95],
  revocation_check_cost: ['proxy_session_store', 'proxy_session', 0.95],
  proxy_vs_direct: ['proxy_session', 'backend_direct', undefined],
  // SESSION_MODE=server: the record read from the store (cached 1 s per instance) instead of the cookie decrypted.
  server_mode_page_vs_cookie: ['page_session_server', 'page_session', undefined],
  server_mode_proxy_vs_cookie_store: ['proxy_session_server', 'proxy_session_store', undefined],
  // AUTH_DPOP=1 against the example backend's oauth2 mode: a signed proof per proxied call (and the backend's check of
  // it, in the throughput) against a bearer token from the same backend. CPU: the BFF's own.
  dpop_proxy_vs_bearer_proxy: ['proxy_session_dpop', 'proxy_session_oauth2', undefined],
  // OpenTelemetry on (the demo's instrumentation.ts exporting every span and metric over OTLP/HTTP protobuf to a local
  // sink) against off (no OTEL_EXPORTER_OTLP_ENDPOINT: no SDK, the BFF's spans are the API's no-ops). Same build.
  tracing_on_vs_off_page: ['page_session_traced', 'page_session', undefined],
  tracing_on_vs_off_proxy: ['proxy_session_traced', 'proxy_session', undefined],
};

// Every process this run starts, stopped on every way out: normal end, error, Ctrl-C, kill.
const { procs, stopAll, run: runBench } = benchLifecycle();

/** One line per missing prerequisite, before anything is built or started. */
function checkPrerequisites() {
  const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  const problems = [];
  if (!has('redis-server', ['--version'])) problems.push('redis-server: not found — install it (`sudo apt-get install -y redis-server`); the store cases and the refresh storm need it.');
  if (problems.length) {
    for (const p of problems) log(p);
    process.exit(1);
  }
  const pinning = has('taskset', ['-V']);
  if (!pinning) log('taskset: not found — servers and load share both cores, so ratios are noisier (util-linux provides it).');
  return pinning;
}

async function main() {
  const pinning = checkPrerequisites();
  /** Servers on core 0, the load generator on core 1. */
  const pinned = (proc) => {
    if (pinning) spawnSync('taskset', ['-a', '-p', '-c', '0', String(proc.child.pid)], { stdio: 'ignore' });
    return proc;
  };
  // Asynchronous, so a Ctrl-C or kill is handled (and every process stopped) even in the middle of a run.
  const load = (url, headers) => {
    const args = [join(root, 'scripts/bench/load-worker.mjs'), JSON.stringify({ url, headers, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP })];
    const [cmd, argv] = pinning ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
    return new Promise((resolve, reject) =>
      execFile(cmd, argv, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout.trim().split('\n').pop())))),
    );
  };

  const dirs = await buildVariants(log);
  const names = ['backend', 'backendOauth2', 'redis', 'upstash', 'nomw', 'passthrough', 'bare', 'bffPage', 'bffPageTwin', 'bffProxy', 'bffStore', 'bffServerPage', 'bffServerProxy', 'bareNode', 'bffProxyNode', 'bffOauth2', 'bffDpop', 'otlp', 'bffPageTraced', 'bffProxyTraced'];
  const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()])));
  const backendUrl = `http://127.0.0.1:${ports.backend}`;
  const upstashUrl = `http://127.0.0.1:${ports.upstash}`;
  const backendProc = pinned(startBackend(ports.backend, { ACCESS_TTL_SECONDS: '3600', TEST_HOOKS: '1' }));
  const oauth2Proc = pinned(startBackend(ports.backendOauth2, { ACCESS_TTL_SECONDS: '3600', AUTH_MODE: 'oauth2' }));
  procs.push(backendProc, oauth2Proc, startRedis(ports.redis));
  procs.push(startUpstashFixture(ports.upstash, ports.redis, 'bench'));
  procs.push(startProcess('otlp sink', process.execPath, [join(root, 'scripts/bench/otlp-sink.mjs'), String(ports.otlp)]));
  await Promise.all([waitForHttp(`${backendUrl}/__test/stats`), waitForHttp(upstashUrl), waitForHttp(`http://127.0.0.1:${ports.backendOauth2}/.well-known/jwks.json`)]);

  // A real access token for the direct and bare-rewrite cases.
  const grant = await (await fetch(`${backendUrl}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }) })).json();
  const bearer = grant.data.token;
  const base = { BACKEND_URL: backendUrl, SESSION_SECRET: SECRET, RATE_LIMIT_LOGIN_PER_IP: '100000/60', BENCH_BEARER: bearer };
  const store = { UPSTASH_REDIS_REST_URL: upstashUrl, UPSTASH_REDIS_REST_TOKEN: 'bench' };
  const oauth2 = { ...base, BACKEND_URL: `http://127.0.0.1:${ports.backendOauth2}`, AUTH_PRESET: 'oauth2' };
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dpopKey = JSON.stringify(privateKey.export({ format: 'jwk' }));
  const traced = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlp}` };
  const apps = {
    nomw: [dirs.nomw, base],
    passthrough: [dirs.passthrough, base],
    bare: [dirs.bare, base],
    bffPage: [dirs.bff, base],
    // The control: a second server of the very same build and configuration.
    bffPageTwin: [dirs.bff, base],
    bffProxy: [dirs.bff, base],
    // With a store: every session is checked against the revocation list (one store read per session per 5 s).
    bffStore: [dirs.bff, { ...base, ...store }],
    bffServerPage: [dirs.bff, { ...base, ...store, SESSION_MODE: 'server' }],
    bffServerProxy: [dirs.bff, { ...base, ...store, SESSION_MODE: 'server' }],
    bareNode: [dirs.bareNode, base],
    bffProxyNode: [dirs.bffNode, base],
    bffOauth2: [dirs.bff, oauth2],
    bffDpop: [dirs.bff, { ...oauth2, AUTH_DPOP: '1', AUTH_DPOP_PRIVATE_KEY: dpopKey }],
    bffPageTraced: [dirs.bff, { ...base, ...traced }],
    bffProxyTraced: [dirs.bff, { ...base, ...traced }],
  };
  const pgid = { backend: backendProc.child.pid };
  for (const [name, [dir, env]] of Object.entries(apps)) {
    const proc = pinned(startApp(ports[name], env, false, dir));
    pgid[name] = proc.child.pid;
    procs.push(proc);
  }
  await Promise.all(Object.keys(apps).map((name) => waitForHttp(`http://127.0.0.1:${ports[name]}/`, 60_000)));

  /** The session cookie of a sign-in at `name` (server mode: an opaque id whose record both server-mode apps share). */
  const signIn = async (name) => {
    const res = await fetch(`http://127.0.0.1:${ports[name]}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${ports[name]}` },
      body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
    });
    return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  };
  const browserLike = (cookie) => ({ accept: 'text/html', cookie: `${cookie}; theme=dark; _ga=GA1.2.123456789.1700000000` });
  const browserish = browserLike(await signIn('bffPage'));
  const serverSession = browserLike(await signIn('bffServerPage'));
  const url = (name, path) => `http://127.0.0.1:${ports[name]}${path}`;

  // [url, headers, process groups whose CPU the case spends], in the order a round runs them: the two cases of each
  // comparison are neighbours, or one apart.
  const cases = {
    page_session_server: [url('bffServerPage', '/bench'), serverSession, [pgid.bffServerPage]],
    page_session_twin: [url('bffPageTwin', '/bench'), browserish, [pgid.bffPageTwin]],
    page_session: [url('bffPage', '/bench'), browserish, [pgid.bffPage]],
    page_session_traced: [url('bffPageTraced', '/bench'), browserLike(await signIn('bffPageTraced')), [pgid.bffPageTraced]],
    page_passthrough: [url('passthrough', '/bench'), browserish, [pgid.passthrough]],
    page_nomw: [url('nomw', '/bench'), browserish, [pgid.nomw]],
    proxy_session_store: [url('bffStore', '/api/backend/notes'), browserish, [pgid.bffStore, pgid.backend]],
    proxy_session_server: [url('bffServerProxy', '/api/backend/notes'), serverSession, [pgid.bffServerProxy, pgid.backend]],
    proxy_session: [url('bffProxy', '/api/backend/notes'), browserish, [pgid.bffProxy, pgid.backend]],
    proxy_session_traced: [url('bffProxyTraced', '/api/backend/notes'), browserLike(await signIn('bffProxyTraced')), [pgid.bffProxyTraced, pgid.backend]],
    proxy_bare_rewrite: [url('bare', '/api/backend/notes'), browserish, [pgid.bare, pgid.backend]],
    backend_direct: [`${backendUrl}/notes`, { authorization: `Bearer ${bearer}` }, [pgid.backend]],
    proxy_session_node: [url('bffProxyNode', '/api/backend/notes'), browserish, [pgid.bffProxyNode, pgid.backend]],
    proxy_bare_rewrite_node: [url('bareNode', '/api/backend/notes'), browserish, [pgid.bareNode, pgid.backend]],
    proxy_session_dpop: [url('bffDpop', '/api/backend/notes'), browserLike(await signIn('bffDpop')), [pgid.bffDpop]],
    proxy_session_oauth2: [url('bffOauth2', '/api/backend/notes'), browserLike(await signIn('bffOauth2')), [pgid.bffOauth2]],
  };
  // BENCH_CASES=a,b limits a run to the comparisons whose cases are all listed (for quick looks).
  const only = process.env.BENCH_CASES?.split(',');
  const comparisons = Object.fromEntries(Object.entries(COMPARISONS).filter(([, [a, b]]) => !only || (only.includes(a) && only.includes(b))));
  const used = new Set(Object.values(comparisons).flatMap(([a, b]) => [a, b]));
  if (used.size === 0) throw new Error(`BENCH_CASES=${process.env.BENCH_CASES} selects no comparison; cases: ${Object.keys(cases).join(', ')}`);

  // Every case must work before it is timed.
  for (const name of used) {
    const [u, headers] = cases[name];
    const res = await fetch(u, { headers, redirect: 'manual' });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: expected 200 from ${u}, got ${res.status}`);
  }
  const measure = async (name) => {
    const [u, headers, groups] = cases[name];
    const before = cpuMicros(groups);
    const r = await load(u, headers);
    // CPU is counted over the warm-up and the measured run, divided by the requests of both.
    r.cpuPerRequest = (cpuMicros(groups) - before) / (r.requests * (1 + WARMUP / DURATION));
    return r;
  };

  // One discarded pass first: the servers' JIT warms up, so round 1 is not systematically slower.
  const order = Object.keys(cases).filter((name) => used.has(name));
  for (const name of order) {
    log(`warm-up ${name}`);
    await load(cases[name][0], cases[name][1]);
  }
  const runs = Object.fromEntries(order.map((k) => [k, []]));
  const pairs = Object.fromEntries(Object.keys(comparisons).map((k) => [k, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const result = {};
    for (const name of round % 2 ? order : [...order].reverse()) {
      result[name] = await measure(name);
      runs[name].push(result[name]);
      log(`round ${round}/${ROUNDS} ${name.padEnd(22)} ${result[name].rps.toFixed(0).padStart(6)} req/s  p50 ${result[name].p50} ms  ${result[name].cpuPerRequest.toFixed(0).padStart(6)} µs CPU/req  errors ${result[name].errors}`);
    }
    for (const [key, [a, b]] of Object.entries(comparisons)) {
      const pair = { rps: result[a].rps / result[b].rps, cpu: result[b].cpuPerRequest / result[a].cpuPerRequest };
      pairs[key].push(pair);
      log(`round ${round}/${ROUNDS} ${key.padEnd(26)} = ${pair.rps.toFixed(3)}  (CPU ${pair.cpu.toFixed(3)})`);
    }
  }

  const round3 = (x) => Number(x.toFixed(3));
  const summary = Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => [
      name,
      { rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), cpu: median(rs.map((r) => r.cpuPerRequest)), errors: rs.reduce((n, r) => n + r.errors, 0) },
    ]),
  );
  const ratios = Object.fromEntries(
    Object.entries(pairs).map(([key, ps]) => {
      const rps = ps.map((p) => p.rps);
      const cpu = ps.map((p) => p.cpu);
      const interval = medianInterval(rps).map(round3);
      const cpuInterval = medianInterval(cpu).map(round3);
      const budget = comparisons[key][2];
      return [key, { point: round3(median(rps)), interval, cpu: round3(median(cpu)), cpuInterval, budget, verdict: verdict(interval, budget), cpuVerdict: verdict(cpuInterval, budget) }];
    }),
  );

  let storm;
  let micro;
  let size;
  let worker;
  if (!only) {
    log('refresh storm: two instances sharing Redis…');
    storm = await refreshStorm({ dir: dirs.bff, secret: SECRET, procs, pinned, upstashUrl });
    micro = runMicro();
    size = middlewareBytes(dirs.bff);
  }
  await stopAll();
  if (!only) worker = await cloudflareWorker();

  console.log('\n| case | req/s (median) | p50 ms | p99 ms | server CPU µs/req | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, v] of Object.entries(summary)) console.log(`| ${name} | ${v.rps.toFixed(0)} | ${v.p50} | ${v.p99} | ${v.cpu.toFixed(0)} | ${v.errors} |`);
  console.log('\n| ratio (A ÷ B) | median of paired ratios | 95% interval | by CPU per request | its interval | budget | verdict (throughput / CPU) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [key, r] of Object.entries(ratios)) {
    const [a, b] = comparisons[key];
    console.log(`| \`${key}\` (${a} ÷ ${b}) | **${r.point}** | ${r.interval.join('–')} | ${r.cpu} | ${r.cpuInterval.join('–')} | ${r.budget ? `≥ ${r.budget}` : '—'} | ${r.verdict ? `${r.verdict} / ${r.cpuVerdict}` : '—'} |`);
  }
  const control = ratios.control_same_build;
  let noise;
  if (control) {
    const [lo, hi] = control.interval;
    const off = lo > 1 ? lo - 1 : hi < 1 ? 1 - hi : 0;
    noise = { interval: control.interval, within: off === 0, off: round3(off), halfWidth: round3((hi - lo) / 2) };
    console.log(
      noise.within
        ? `\ncontrol: one build against itself read ${control.point} (${lo}–${hi}): the machine was steady enough; differences smaller than ±${noise.halfWidth} are not resolved by this run.`
        : `\ncontrol: one build against itself read ${control.point} (${lo}–${hi}), which excludes 1.00 by ${noise.off}: the machine was too noisy during this run; treat every ratio as uncertain by at least that much.`,
    );
  }
  if (size) console.log(`\nmiddleware bundle: ${size.raw} B raw, ${size.gzip} B gzip (budget < ${MIDDLEWARE_GZIP_BUDGET / 1000} KB gzip: ${size.gzip < MIDDLEWARE_GZIP_BUDGET ? 'met' : 'missed'})`);
  if (worker) console.log(`Cloudflare worker (OpenNext): ${worker.gzipKiB} KiB gzip, start-up CPU ${worker.startupCpuMs} ms here (median of 3; wrangler check startup)`);
  if (storm) console.log(`refresh storm: ${JSON.stringify(storm)}`);
  if (micro) console.log(`micro (ops/s): ${JSON.stringify(micro)}\n`);

  // The named ratios keep their keys, now as the median of paired ratios; intervals and verdicts beside them.
  const result = {
    ...Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, r.point])),
    intervals: Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, r.interval])),
    verdicts: Object.fromEntries(Object.entries(ratios).filter(([, r]) => r.verdict).map(([k, r]) => [k, r.verdict])),
    by_cpu_per_request: Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, r.cpu])),
    by_cpu_intervals: Object.fromEntries(Object.entries(ratios).map(([k, r]) => [k, r.cpuInterval])),
    control: noise,
    cpu_us_per_request: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, Math.round(v.cpu)])),
    rps: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, Math.round(v.rps)])),
    middleware_raw_bytes: size?.raw,
    middleware_gzip_bytes: size?.gzip,
    cloudflare_worker_gzip_kib: worker?.gzipKiB,
    cloudflare_worker_startup_cpu_ms: worker?.startupCpuMs,
    refresh_storm: storm,
    micro_ops_per_sec: micro,
    rounds: ROUNDS,
    seconds_per_run: DURATION,
    connections: CONNECTIONS,
    pinned: pinning,
  };
  console.log(JSON.stringify(result));
}

/** The demo as Cloudflare runs it: its upload size and start-up CPU, the median of three profiles. */
async function cloudflareWorker() {
  log('Cloudflare worker: OpenNext build and start-up profiles…');
  const dir = await buildCloudflareVariant('cloudflare-bench');
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await workerStartup(dir));
  return { gzipKiB: runs[0].gzipKiB, startupCpuMs: median(runs.map((r) => r.startupCpuMs)) };
}

/** The hot path's pieces in plain Node (vitest bench, node environment). */
function runMicro() {
  const out = join(root, '.variants', 'micro.json');
  const res = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', '--project', 'micro', '--outputJson', out], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`micro-benchmarks failed:\n${res.stdout}\n${res.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const ops = {};
  for (const file of report.files) for (const group of file.groups) for (const b of group.benchmarks) ops[b.name] = Math.round(b.hz);
  return ops;
}

await runBench(main);
