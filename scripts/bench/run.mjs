// `npm run bench`: builds the variants once, starts them and the example backend as real processes
// on loopback, and measures them side by side in interleaved rounds (A B C … A B C …), because this
// machine is shared and noisy. Prints a table, then one JSON line with the named ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort, root, startApp, startBackend, waitForHttp } from '../lib/processes.mjs';
import { refreshStorm } from './storm.mjs';
import { buildVariants } from './variants.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 16;
const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuv';
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const procs = [];
const stopAll = () => Promise.all(procs.map((p) => p.stop()));
process.on('SIGINT', async () => {
  await stopAll();
  process.exit(130);
});

/** Servers on core 0, the load generator on core 1, when taskset exists. */
function pinned(proc) {
  if (hasTaskset) spawnSync('taskset', ['-a', '-p', '-c', '0', String(proc.child.pid)], { stdio: 'ignore' });
  return proc;
}

function load(url, headers) {
  const args = [join(root, 'scripts/bench/load-worker.mjs'), JSON.stringify({ url, headers, connections: CONNECTIONS, duration: DURATION })];
  const out = hasTaskset ? execFileSync('taskset', ['-c', '1', process.execPath, ...args]) : execFileSync(process.execPath, args);
  return JSON.parse(out.toString().trim().split('\n').pop());
}

function middlewareBytes(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, '.next/server/middleware-manifest.json'), 'utf8'));
  const files = manifest.middleware['/'].files.map((f) => join(dir, '.next', f));
  const raw = files.reduce((n, f) => n + statSync(f).size, 0);
  const gzip = gzipSync(Buffer.concat(files.map((f) => readFileSync(f))), { level: 9 }).length;
  return { raw, gzip };
}

async function main() {
  const dirs = await buildVariants(log);
  const ports = {};
  for (const name of ['backend', 'nomw', 'passthrough', 'bare', 'bffFetch', 'bffRewrite']) ports[name] = await freePort();
  const backendUrl = `http://127.0.0.1:${ports.backend}`;
  procs.push(pinned(startBackend(ports.backend, { ACCESS_TTL_SECONDS: '3600', TEST_HOOKS: '1' })));
  await waitForHttp(`${backendUrl}/__test/stats`);

  // A real access token for the direct and bare-rewrite cases.
  const grant = await (await fetch(`${backendUrl}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }) })).json();
  const bearer = grant.data.token;
  const base = { BACKEND_URL: backendUrl, SESSION_SECRET: SECRET, RATE_LIMIT_LOGIN_PER_IP: '100000/60', BENCH_BEARER: bearer };
  const apps = {
    nomw: [dirs.nomw, base],
    passthrough: [dirs.passthrough, base],
    bare: [dirs.bare, base],
    bffFetch: [dirs.bff, { ...base, PROXY_MODE: 'fetch' }],
    bffRewrite: [dirs.bff, { ...base, PROXY_MODE: 'rewrite' }],
  };
  for (const [name, [dir, env]] of Object.entries(apps)) procs.push(pinned(startApp(ports[name], env, false, dir)));
  await Promise.all(Object.keys(apps).map((name) => waitForHttp(`http://127.0.0.1:${ports[name]}/`, 60_000)));

  const login = await fetch(`http://127.0.0.1:${ports.bffFetch}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${ports.bffFetch}` },
    body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const browserish = { accept: 'text/html', cookie: `${cookie}; theme=dark; _ga=GA1.2.123456789.1700000000` };
  const url = (name, path) => `http://127.0.0.1:${ports[name]}${path}`;

  const cases = {
    page_nomw: [url('nomw', '/bench'), browserish],
    page_passthrough: [url('passthrough', '/bench'), browserish],
    page_session: [url('bffRewrite', '/bench'), browserish],
    proxy_session_fetch: [url('bffFetch', '/api/backend/notes'), browserish],
    proxy_session_rewrite: [url('bffRewrite', '/api/backend/notes'), browserish],
    proxy_bare_rewrite: [url('bare', '/api/backend/notes'), browserish],
    backend_direct: [`${backendUrl}/notes`, { authorization: `Bearer ${bearer}` }],
  };
  // BENCH_CASES=a,b limits a run to some cases (for quick comparisons; the published table runs all).
  const only = process.env.BENCH_CASES?.split(',');
  if (only) for (const name of Object.keys(cases)) if (!only.includes(name)) delete cases[name];
  // Every case must work before it is timed.
  for (const [name, [u, headers]] of Object.entries(cases)) {
    const res = await fetch(u, { headers, redirect: 'manual' });
    if (res.status !== 200) throw new Error(`${name}: expected 200 from ${u}, got ${res.status}`);
  }

  // One discarded pass first: the servers' JIT warms up, so round 1 is not systematically slower.
  for (const [name, [u, headers]] of Object.entries(cases)) {
    log(`warm-up ${name}`);
    load(u, headers);
  }
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    const order = Object.keys(cases);
    if (round % 2 === 0) order.reverse();
    for (const name of order) {
      const r = load(...cases[name]);
      samples[name].push(r);
      log(`round ${round}/${ROUNDS} ${name.padEnd(22)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  errors ${r.errors}`);
    }
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, runs]) => [
      name,
      { rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), errors: runs.reduce((n, r) => n + r.errors, 0) },
    ]),
  );

  if (only) {
    for (const [name, v] of Object.entries(summary)) console.log(`${name}: ${v.rps.toFixed(0)} req/s`);
    return stopAll();
  }
  log('refresh storm: two instances sharing Redis…');
  const storm = await refreshStorm({ dir: dirs.bff, secret: SECRET, procs, pinned });
  const micro = runMicro();
  await stopAll();

  const ratio = (a, b) => Number((summary[a].rps / summary[b].rps).toFixed(3));
  const size = middlewareBytes(dirs.bff);
  const result = {
    session_vs_passthrough: ratio('page_session', 'page_passthrough'),
    session_vs_nomiddleware: ratio('page_session', 'page_nomw'),
    // The default PROXY_MODE (rewrite); the fetch mode's own ratio is reported beside it.
    proxy_vs_bare_rewrite: ratio('proxy_session_rewrite', 'proxy_bare_rewrite'),
    proxy_fetch_mode_vs_bare_rewrite: ratio('proxy_session_fetch', 'proxy_bare_rewrite'),
    proxy_vs_direct: ratio('proxy_session_rewrite', 'backend_direct'),
    latency_ms: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, { p50: v.p50, p99: v.p99 }])),
    rps: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, Math.round(v.rps)])),
    middleware_raw_bytes: size.raw,
    middleware_gzip_bytes: size.gzip,
    refresh_storm: storm,
    micro_ops_per_sec: micro,
    rounds: ROUNDS,
    seconds_per_run: DURATION,
    connections: CONNECTIONS,
    pinned: hasTaskset,
  };

  console.log('\n| configuration | req/s (median) | p50 ms | p99 ms | errors |');
  console.log('|---|---|---|---|---|');
  for (const [name, v] of Object.entries(summary)) console.log(`| ${name} | ${v.rps.toFixed(0)} | ${v.p50} | ${v.p99} | ${v.errors} |`);
  console.log(`\nmiddleware bundle: ${size.raw} B raw, ${size.gzip} B gzip`);
  console.log(`refresh storm: ${JSON.stringify(storm)}`);
  console.log(`micro (ops/s): ${JSON.stringify(micro)}\n`);
  console.log(JSON.stringify(result));
}

/** The hot path's pieces in plain Node (vitest bench, node environment). */
function runMicro() {
  const out = join(root, '.bench', 'micro.json');
  const res = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', '--project', 'micro', '--outputJson', out], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`micro-benchmarks failed:\n${res.stdout}\n${res.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const ops = {};
  for (const file of report.files) for (const group of file.groups) for (const b of group.benchmarks) ops[b.name] = Math.round(b.hz);
  return ops;
}

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
});
