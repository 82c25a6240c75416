// `npm run bench`: builds the variants once, starts them and the example backend as real processes
// on loopback, and measures them side by side in interleaved rounds (A B C … A B C …), because this
// machine is shared and noisy. Prints a table, then one JSON line with the named ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { freePort, root, startApp, startBackend, waitForHttp } from '../lib/processes.mjs';
import { refreshStorm } from './storm.mjs';
import { buildVariants } from './variants.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (µs) used so far by every process in these process groups (a `next start` and its workers). */
function cpuMicros(pgids) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // After "pid (comm) ": state ppid pgrp … utime is field 14, stime 15 (1-based over the whole line).
      if (pgids.includes(Number(fields[2]))) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return (ticks * 1e6) / CLK_TCK;
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
  for (const name of ['backend', 'nomw', 'passthrough', 'bare', 'bff']) ports[name] = await freePort();
  const backendUrl = `http://127.0.0.1:${ports.backend}`;
  const backendProc = pinned(startBackend(ports.backend, { ACCESS_TTL_SECONDS: '3600', TEST_HOOKS: '1' }));
  procs.push(backendProc);
  await waitForHttp(`${backendUrl}/__test/stats`);

  // A real access token for the direct and bare-rewrite cases.
  const grant = await (await fetch(`${backendUrl}/auth/login`, { method: 'POST', body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }) })).json();
  const bearer = grant.data.token;
  const base = { BACKEND_URL: backendUrl, SESSION_SECRET: SECRET, RATE_LIMIT_LOGIN_PER_IP: '100000/60', BENCH_BEARER: bearer };
  const apps = {
    nomw: [dirs.nomw, base],
    passthrough: [dirs.passthrough, base],
    bare: [dirs.bare, base],
    bff: [dirs.bff, base],
  };
  const pgid = { backend: backendProc.child.pid };
  for (const [name, [dir, env]] of Object.entries(apps)) {
    const proc = pinned(startApp(ports[name], env, false, dir));
    pgid[name] = proc.child.pid;
    procs.push(proc);
  }
  await Promise.all(Object.keys(apps).map((name) => waitForHttp(`http://127.0.0.1:${ports[name]}/`, 60_000)));

  const login = await fetch(`http://127.0.0.1:${ports.bff}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${ports.bff}` },
    body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const browserish = { accept: 'text/html', cookie: `${cookie}; theme=dark; _ga=GA1.2.123456789.1700000000` };
  const url = (name, path) => `http://127.0.0.1:${ports[name]}${path}`;

  // [url, headers, process groups whose CPU the case spends]
  const cases = {
    page_nomw: [url('nomw', '/bench'), browserish, [pgid.nomw]],
    page_passthrough: [url('passthrough', '/bench'), browserish, [pgid.passthrough]],
    page_session: [url('bff', '/bench'), browserish, [pgid.bff]],
    proxy_session: [url('bff', '/api/backend/notes'), browserish, [pgid.bff, pgid.backend]],
    proxy_bare_rewrite: [url('bare', '/api/backend/notes'), browserish, [pgid.bare, pgid.backend]],
    backend_direct: [`${backendUrl}/notes`, { authorization: `Bearer ${bearer}` }, [pgid.backend]],
  };
  // BENCH_CASES=a,b limits a run to some cases (for quick comparisons; the published table runs all).
  const only = process.env.BENCH_CASES?.split(',');
  if (only) for (const name of Object.keys(cases)) if (!only.includes(name)) delete cases[name];
  // Every case must work before it is timed.
  for (const [name, [u, headers]] of Object.entries(cases)) {
    const res = await fetch(u, { headers, redirect: 'manual' });
    await res.arrayBuffer();
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
      const [u, headers, groups] = cases[name];
      // The worker warms up for 2 s before its measured run; CPU is counted over both and divided by all requests.
      const before = cpuMicros(groups);
      const r = load(u, headers);
      r.cpuPerRequest = (cpuMicros(groups) - before) / (r.requests * (1 + 2 / DURATION));
      samples[name].push(r);
      log(`round ${round}/${ROUNDS} ${name.padEnd(22)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuPerRequest.toFixed(0).padStart(6)} µs CPU/req  errors ${r.errors}`);
    }
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, runs]) => [
      name,
      {
        rps: median(runs.map((r) => r.rps)),
        p50: median(runs.map((r) => r.p50)),
        p99: median(runs.map((r) => r.p99)),
        cpu: median(runs.map((r) => r.cpuPerRequest)),
        errors: runs.reduce((n, r) => n + r.errors, 0),
      },
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

  const round3 = (x) => Number(x.toFixed(3));
  // The named ratios: median throughput over median throughput.
  const ratio = (a, b) => round3(summary[a].rps / summary[b].rps);
  // Two cross-checks: the median of the per-round ratios (the pair ran minutes apart at most), and the ratio of
  // median server CPU per request (the capacity one core would have), which scheduling noise disturbs least.
  const paired = (a, b) => round3(median(samples[a].map((r, i) => r.rps / samples[b][i].rps)));
  const cpuRatio = (a, b) => round3(summary[b].cpu / summary[a].cpu);
  const COMPARISONS = {
    session_vs_passthrough: ['page_session', 'page_passthrough'],
    session_vs_nomiddleware: ['page_session', 'page_nomw'],
    proxy_vs_bare_rewrite: ['proxy_session', 'proxy_bare_rewrite'],
    proxy_vs_direct: ['proxy_session', 'backend_direct'],
  };
  const each = (fn) => Object.fromEntries(Object.entries(COMPARISONS).map(([k, [a, b]]) => [k, fn(a, b)]));
  const size = middlewareBytes(dirs.bff);
  const result = {
    ...each(ratio),
    paired_round_medians: each(paired),
    by_cpu_per_request: each(cpuRatio),
    cpu_us_per_request: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, Math.round(v.cpu)])),
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

  console.log('\n| configuration | req/s (median) | p50 ms | p99 ms | server CPU µs/req | errors |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, v] of Object.entries(summary)) console.log(`| ${name} | ${v.rps.toFixed(0)} | ${v.p50} | ${v.p99} | ${v.cpu.toFixed(0)} | ${v.errors} |`);
  console.log(`\nmiddleware bundle: ${size.raw} B raw, ${size.gzip} B gzip`);
  console.log(`refresh storm: ${JSON.stringify(storm)}`);
  console.log(`micro (ops/s): ${JSON.stringify(micro)}\n`);
  console.log(JSON.stringify(result));
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

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
});
