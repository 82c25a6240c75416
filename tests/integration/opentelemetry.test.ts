import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';
import { startStack, upstashEnv, type Stack } from '../helpers/stack';

/** The standard settings the demo's instrumentation.ts reads, and nothing else. */
const otelEnv = (otlp: OtlpReceiver) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRIC_EXPORT_INTERVAL: '300' });

/** Waits for exported telemetry (batched by the SDK) to satisfy `check`. */
async function eventually<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`not exported within ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
}

const bffSpans = (otlp: OtlpReceiver, name?: string) => otlp.spans.filter((s) => s.scope === 'next-edge-bff' && (!name || s.name === name));
const latestPoint = (otlp: OtlpReceiver, metric: string, match: Record<string, unknown>) =>
  otlp.points.filter((p) => p.metric === metric && Object.entries(match).every(([k, v]) => p.attributes[k] === v)).at(-1);

/**
 * The demo with OTEL_EXPORTER_OTLP_ENDPOINT set (http/json), two `next start` instances of the edge-middleware build
 * sharing the Upstash fixture: what a collector receives, read back from a local OTLP/HTTP receiver. The SDK is the
 * real one (@vercel/otel and the OTLP metric exporter, as the demo's instrumentation.ts sets them up).
 */
describe('OpenTelemetry exported from next start (edge middleware, two instances)', () => {
  let stack: Stack;
  let otlp: OtlpReceiver;
  let a: ReturnType<typeof clientFor>;
  let b: ReturnType<typeof clientFor>;
  /** Every secret and identifier the tests saw: none may appear in anything exported. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startStack({}, () => ({ ...upstashEnv(), ...otelEnv(otlp), RATE_LIMIT_LOGIN_PER_IDENTIFIER: '3/60', REFRESH_TIMEOUT_MS: '3000' }), 2);
    a = clientFor({ app: () => stack.appUrls[0], backend: () => stack.backendUrl });
    b = clientFor({ app: () => stack.appUrls[1], backend: () => stack.backendUrl });
  });
  afterAll(async () => {
    await stack?.stop();
    await otlp?.stop();
  });
  beforeEach(() => a.backend.reset());

  async function signIn(jar: CookieJar) {
    const user = await a.newUser();
    const res = await a.login(jar, user);
    const { user: signedIn } = (await res.json()) as { user: { id: string | number; email: string } };
    for (const value of [user.password, user.email, String(signedIn.id), ...jar.cookies.values()]) secrets.add(String(value));
    return user;
  }

  it('a sign-in, then a proxied call: the backend receives a traceparent of the same trace, under the BFF’s spans', async () => {
    const jar = new CookieJar();
    await signIn(jar);
    const res = await a.app('/api/backend/echo/42?q=1', { jar });
    expect(res.status).toBe(200);
    const echoed = (await res.json()) as { headers: Record<string, string> };
    secrets.add(echoed.headers.authorization.replace(/^Bearer /, ''));
    const [, traceId, parentId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(echoed.headers.traceparent) ?? [];
    expect(traceId).toBeDefined();

    const proxied = await eventually('the proxied call’s span', () => bffSpans(otlp).find((s) => s.spanId === parentId));
    expect(proxied.name).toBe('GET /echo/{id}');
    expect(proxied.traceId).toBe(traceId);
    expect(proxied.attributes).toMatchObject({ 'bff.api': 'backend', 'http.request.method': 'GET', 'url.template': '/echo/{id}', 'http.response.status_code': 200 });
    expect(proxied.attributes['bff.proxy.time_to_headers_ms']).toBeTypeOf('number');
    const parent = bffSpans(otlp, 'bff.middleware').find((s) => s.spanId === proxied.parentSpanId);
    expect(parent?.attributes).toMatchObject({ 'bff.route': 'backend', 'bff.session': 'valid', 'bff.decision': 'respond', 'http.response.status_code': 200 });

    // The SDK's own fetch spans leave the API's calls to the BFF's (instrumentation.ts): no raw backend URL exported.
    expect(otlp.spans.filter((s) => String(s.attributes['http.url'] ?? '').startsWith(stack.backendUrl))).toEqual([]);
    const signInSpan = await eventually('the sign-in span', () => bffSpans(otlp, 'bff.sign_in').find((s) => s.attributes['bff.sign_in.outcome'] === 'succeeded'));
    expect(signInSpan.attributes).toMatchObject({ 'bff.auth.preset': 'envelope', 'bff.rate_limit.verdict': 'allowed' });
    await eventually('bff.session.started', () => latestPoint(otlp, 'bff.session.started', { 'bff.auth.preset': 'envelope' }));
    const calls = await eventually('bff.proxy.duration', () => latestPoint(otlp, 'bff.proxy.duration', { 'bff.api': 'backend', 'bff.status_class': '2xx' }));
    expect(calls.count).toBeGreaterThanOrEqual(1);
  });

  it('a burst at expiry over both instances: one refresh redeemed, every other request waited for it or joined it', async () => {
    await a.backend.configure({ accessTtlSeconds: 1 });
    const jar = new CookieJar();
    await signIn(jar);
    await a.backend.configure({ accessTtlSeconds: 3600 });
    await sleep(1100);
    const before = new Set(bffSpans(otlp, 'bff.refresh').map((s) => s.spanId));
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).app('/api/backend/notes', { jar: jar.clone() })));
    expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
    expect((await a.backend.stats()).refreshCalls).toBe(1);

    const refreshes = await eventually('8 refresh spans', () => {
      const found = bffSpans(otlp, 'bff.refresh').filter((s) => !before.has(s.spanId));
      return found.length >= 8 && found;
    });
    const roles = refreshes.map((s) => s.attributes['bff.refresh.role']);
    expect(roles.filter((r) => r === 'redeemed')).toHaveLength(1);
    expect(roles.every((r) => r === 'redeemed' || r === 'waited' || r === 'joined')).toBe(true);
    expect(roles).toContain('waited'); // the other instance, through the store
    expect(refreshes.every((s) => s.attributes['bff.refresh.outcome'] === 'refreshed')).toBe(true);
    const redeemer = refreshes.find((s) => s.attributes['bff.refresh.role'] === 'redeemed')!;
    const grants = bffSpans(otlp, 'bff.refresh.grant').filter((s) => s.traceId === redeemer.traceId);
    expect(grants).toHaveLength(1);
    expect(grants[0].attributes).toMatchObject({ 'bff.api': 'session', 'bff.refresh.result': 'refreshed', 'http.response.status_code': 200 });
    // The store calls of the coordination are children of the refresh that made them.
    const storeCalls = otlp.spans.filter((s) => s.traceId === redeemer.traceId && s.attributes['db.system.name'] === 'redis');
    expect(storeCalls.map((s) => s.name)).toEqual(expect.arrayContaining(['MGET', 'SET']));
    await eventually('bff.refresh.duration', () => latestPoint(otlp, 'bff.refresh.duration', { 'bff.refresh.outcome': 'refreshed', 'bff.refresh.role': 'redeemed' }));
  });

  it('a refused sign-in: the span names the limit, and bff.login.refused counts it', async () => {
    const victim = await a.newUser();
    secrets.add(victim.password);
    secrets.add(victim.email);
    const attempt = () =>
      a.app('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...a.sameOrigin() }, body: JSON.stringify({ email: victim.email, password: 'wrong-password-1' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await eventually('a refused sign-in span', () => bffSpans(otlp, 'bff.sign_in').find((s) => s.attributes['bff.rate_limit.verdict'] === 'refused'));
    expect(refused.attributes).toMatchObject({ 'bff.sign_in.outcome': 'rate_limited', 'bff.rate_limit.limit': 'identifier_network' });
    expect(bffSpans(otlp, 'bff.sign_in').some((s) => s.attributes['bff.sign_in.outcome'] === 'invalid_credentials')).toBe(true);
    await eventually('bff.login.refused', () => latestPoint(otlp, 'bff.login.refused', { 'bff.rate_limit.limit': 'identifier_network' }));
  });

  it('nothing exported anywhere (spans, metrics, resources) holds a token, cookie value, password, e-mail or user id', async () => {
    await eventually('telemetry from the tests above', () => otlp.raw.length > 3);
    await sleep(1000); // the last batches
    expect(secrets.size).toBeGreaterThan(8);
    const everything = otlp.raw.join('\n');
    for (const secret of secrets) expect(everything.includes(secret), `exported: ${secret.slice(0, 6)}…`).toBe(false);
    for (const span of bffSpans(otlp)) {
      for (const value of Object.values(span.attributes)) expect(typeof value === 'string' && /eyJ|@/.test(value)).toBe(false);
    }
  });
});

/** Two redis-servers, the second a replica of the first: every write to it is refused with READONLY. */
async function startReadOnlyRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'readonly-redis-'))];
  const procs: Proc[] = [
    startProcess(`redis ${masterPort}`, 'redis-server', ['--port', String(masterPort), ...base]),
    startProcess(`redis ${replicaPort}`, 'redis-server', ['--port', String(replicaPort), '--replicaof', '127.0.0.1', String(masterPort), ...base]),
  ];
  return { url: `redis://127.0.0.1:${replicaPort}`, stop: async () => void (await Promise.all(procs.map((p) => p.stop()))) };
}

describe('OpenTelemetry and diagnostics with a store that refuses writes (proxy.ts, REDIS_URL at a replica)', () => {
  let stack: Stack;
  let otlp: OtlpReceiver;
  let redis: Awaited<ReturnType<typeof startReadOnlyRedis>>;
  const DIAGNOSTICS_TOKEN = 'diagnostics-token-0123456789-abcdefghij';

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    redis = await startReadOnlyRedis();
    stack = await startStack({}, () => ({ REDIS_URL: redis.url, ...otelEnv(otlp), BFF_DIAGNOSTICS_TOKEN: DIAGNOSTICS_TOKEN }), 1, inject('proxyTsDir'));
    await waitForHttp(`${stack.appUrl}/`, 10_000);
  });
  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
    await otlp?.stop();
  });

  it('the store call’s span and bff.store.errors carry the server’s error name; the diagnostics endpoint shows it', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
    const user = await c.newUser();
    const res = await c.app('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...c.sameOrigin() }, body: JSON.stringify(user) });
    expect(res.status).toBe(503); // the login limits cannot count: closed by default

    const failedCall = await eventually('a READONLY store span', () => otlp.spans.find((s: ReceivedSpan) => s.attributes['db.system.name'] === 'redis' && s.attributes['error.type'] === 'READONLY'));
    expect(failedCall.status?.code).toBe(2);
    expect(failedCall.attributes['bff.store.transport']).toBe('redis');
    await eventually('bff.store.errors', () => latestPoint(otlp, 'bff.store.errors', { 'error.type': 'READONLY' }));
    const signIn = otlp.spans.find((s) => s.name === 'bff.sign_in' && s.traceId === failedCall.traceId);
    expect(signIn?.attributes).toMatchObject({ 'bff.sign_in.outcome': 'rate_limit_unavailable', 'bff.rate_limit.verdict': 'unavailable_closed' });

    expect((await c.app('/api/auth/diagnostics')).status).toBe(401);
    const report = await c.app('/api/auth/diagnostics', { headers: { authorization: `Bearer ${DIAGNOSTICS_TOKEN}` } });
    expect(report.status).toBe(200);
    expect(report.headers.get('cache-control')).toContain('no-store');
    const body = (await report.json()) as { store: object; recentEvents: Record<string, object>; config: { secrets: string[]; diagnostics: { token: string } } };
    expect(body.store).toMatchObject({ configured: true, kind: 'redis', topology: 'single', healthy: true });
    expect(body.recentEvents.store_command_failed).toMatchObject({ level: 'warn', facts: { kind: 'reply', reply: 'READONLY' } });
    expect(body.config.secrets).toEqual(['(set)']);
    expect(body.config.diagnostics.token).toBe('(set)');
    expect(JSON.stringify(body)).not.toContain(DIAGNOSTICS_TOKEN);
  });
});
