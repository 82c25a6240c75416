import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import { StoreError } from '@/edge/errors';
import { withTelemetry } from '@/edge/store/traced';
import { urlTemplate } from '@/edge/telemetry/url-template';
import { createRefresher } from '@/edge/refresh/refresher';
import { envelopeGrant, fakeFetch, request, runtime, session, SKEW, testAdapter, testConfig } from '../helpers/unit';
import { MemoryStore } from '../helpers/memory-store';
import { keyringFor } from '@/edge/session/keys';

/** A real OpenTelemetry SDK, exporting to memory, registered globally as an app's instrumentation.ts would. */
function sdk() {
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE), exportIntervalMillis: 3_600_000 });
  trace.setGlobalTracerProvider(tracer);
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    spans: (name?: string): ReadableSpan[] => spans.getFinishedSpans().filter((s) => !name || s.name === name),
    async points(metric: string) {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === metric).flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]);
    },
  };
}

afterEach(() => {
  trace.disable();
  metrics.disable();
  propagation.disable();
  context.disable();
  vi.restoreAllMocks();
});

const signedIn = async (rt: Awaited<ReturnType<typeof runtime>>, overrides = {}) =>
  `${rt.config.cookie.name}=${await sealSession(session({ accessToken: 'access-SECRET-1', refreshToken: 'refresh-SECRET-1', ...overrides }), rt.keyring)}`;

describe('OpenTelemetry: without an SDK, nothing is sent or recorded', () => {
  it('a proxied call goes out without trace headers, and a client’s own traceparent, tracestate and baggage are dropped', async () => {
    const backend = fakeFetch(() => Response.json({ ok: true }));
    const rt = await runtime({ fetch: backend.fetch });
    const res = await handle(
      request('/api/backend/notes', { headers: { cookie: await signedIn(rt), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'x=1', baggage: 'user=alice' } }),
      rt,
    );
    expect(res.status).toBe(200);
    const sent = new Headers(backend.calls[0].init.headers);
    expect([sent.get('traceparent'), sent.get('tracestate'), sent.get('baggage')]).toEqual([null, null, null]);
  });
});

describe('OpenTelemetry with an SDK registered', () => {
  it('a proxied call: a client span with API, method, path template, status and size; its traceparent sent to the API', async () => {
    const otel = sdk();
    const backend = fakeFetch(() => new Response('{"ok":true}', { headers: { 'content-type': 'application/json', 'content-length': '11' } }));
    const rt = await runtime({ fetch: backend.fetch });
    const res = await handle(request('/api/backend/users/42/notes?q=secret', { headers: { cookie: await signedIn(rt) } }), rt);
    expect(res.status).toBe(200);

    const [proxied] = otel.spans('GET /api/users/{id}/notes');
    expect(proxied.attributes).toMatchObject({ 'bff.api': 'backend', 'http.request.method': 'GET', 'url.template': '/api/users/{id}/notes', 'http.response.status_code': 200, 'http.response.body.size': 11 });
    const sent = new Headers(backend.calls[0].init.headers).get('traceparent');
    expect(sent).toBe(`00-${proxied.spanContext().traceId}-${proxied.spanContext().spanId}-01`);
    const [middleware] = otel.spans('bff.middleware');
    expect(middleware.attributes).toMatchObject({ 'bff.route': 'backend', 'bff.session': 'valid', 'bff.decision': 'respond', 'http.response.status_code': 200 });
    const [point] = await otel.points('bff.proxy.duration');
    expect(point.attributes).toEqual({ 'bff.api': 'backend', 'http.request.method': 'GET', 'bff.status_class': '2xx' });
  });

  it('an API that fails: the span is an error with the status as its type', async () => {
    const otel = sdk();
    const rt = await runtime({ fetch: fakeFetch(() => Response.json({ detail: 'nope' }, { status: 404 })).fetch });
    await handle(request('/api/backend/missing', { headers: { cookie: await signedIn(rt) } }), rt);
    const [proxied] = otel.spans('GET /api/missing');
    expect(proxied.attributes['error.type']).toBe('404');
    expect(proxied.status.code).toBe(2);
  });

  it('a refresh at expiry: one request redeems, the others in this instance join it; one grant span; sessions counted', async () => {
    const otel = sdk();
    const backend = fakeFetch((url) => (url.pathname.endsWith('/auth/refresh') ? envelopeGrant('access-SECRET-2', 'refresh-SECRET-2') : Response.json({ ok: true })));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await signedIn(rt, { accessExpiresAt: Date.now() + 5_000 });
    const answers = await Promise.all(Array.from({ length: 4 }, () => handle(request('/api/backend/notes', { headers: { cookie } }), rt)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);

    const refreshes = otel.spans('bff.refresh');
    expect(refreshes.map((s) => s.attributes['bff.refresh.role']).sort()).toEqual(['joined', 'joined', 'joined', 'redeemed']);
    expect(refreshes.every((s) => s.attributes['bff.refresh.outcome'] === 'refreshed')).toBe(true);
    expect(otel.spans('bff.refresh.grant').map((s) => s.attributes)).toEqual([{ 'bff.api': 'session', 'http.response.status_code': 200, 'bff.refresh.result': 'refreshed' }]);
    const points = await otel.points('bff.refresh.duration');
    expect(points.map((p) => p.attributes['bff.refresh.role']).sort()).toEqual(['joined', 'redeemed']);
  });

  it('a refresh refused with invalid_grant: the grant says rejected, and bff.session.ended counts refresh_rejected once', async () => {
    const otel = sdk();
    const backend = fakeFetch((url) => (url.pathname.endsWith('/auth/refresh') ? Response.json({ message: 'expired' }, { status: 401 }) : Response.json({ ok: true })));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await signedIn(rt, { accessExpiresAt: Date.now() - 1_000 });
    await Promise.all([1, 2].map(() => handle(request('/api/backend/notes', { headers: { cookie } }), rt)));
    expect(otel.spans('bff.refresh.grant').map((s) => s.attributes['bff.refresh.result'])).toEqual(['rejected']);
    const [ended] = await otel.points('bff.session.ended');
    expect(ended).toMatchObject({ attributes: { 'bff.session.end_reason': 'refresh_rejected' }, value: 1 });
  });

  it('a refresh answered after the request stopped waiting: the span says late and unavailable; the duration is counted when it lands', async () => {
    const otel = sdk();
    const config = testConfig({ REFRESH_TIMEOUT_MS: '100' });
    const backend = fakeFetch(async () => {
      await new Promise((r) => setTimeout(r, 300));
      return envelopeGrant('access-SECRET-2', 'refresh-SECRET-2');
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const refresher = createRefresher({ config, adapter: await testAdapter(config), keyring: await keyringFor(config.secrets), fetch: backend.fetch });
    const landed: Promise<unknown>[] = [];
    const outcome = await refresher.refresh(session({ accessExpiresAt: Date.now() + 1_000 }), SKEW, { waitUntil: (work) => landed.push(work) });
    expect(outcome.kind).toBe('unavailable');
    expect(otel.spans('bff.refresh')[0].attributes).toMatchObject({ 'bff.refresh.outcome': 'unavailable', 'bff.refresh.late': true });
    expect(await otel.points('bff.refresh.duration')).toEqual([]);
    await Promise.all(landed);
    const [point] = await otel.points('bff.refresh.duration');
    expect(point.attributes).toEqual({ 'bff.refresh.outcome': 'refreshed', 'bff.refresh.role': 'redeemed', 'bff.refresh.late': true });
  });

  it('two instances sharing a store: the one that lost the lock waited for the other’s outcome', async () => {
    const otel = sdk();
    const config = testConfig();
    const keyring = await keyringFor(config.secrets);
    const store = new MemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const backend = fakeFetch(async () => {
      await gate;
      return envelopeGrant('access-SECRET-2', 'refresh-SECRET-2');
    });
    const make = async () => createRefresher({ config, adapter: await testAdapter(config), keyring, store, fetch: backend.fetch, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const [one, two] = [await make(), await make()];
    const due = session({ accessToken: 'access-SECRET-1', refreshToken: 'refresh-SECRET-1', accessExpiresAt: Date.now() + 1_000 });
    const first = one.refresh(due, SKEW);
    await new Promise((r) => setTimeout(r, 20));
    const second = two.refresh(due, SKEW);
    setTimeout(release, 100);
    expect((await Promise.all([first, second])).map((o) => o.kind)).toEqual(['refreshed', 'refreshed']);
    expect(otel.spans('bff.refresh').map((s) => s.attributes['bff.refresh.role']).sort()).toEqual(['redeemed', 'waited']);
    expect(backend.calls).toHaveLength(1);
  });

  it('a store command refused by the server: a client span and bff.store.errors with the server’s error name, never a key', async () => {
    const otel = sdk();
    const failing = withTelemetry(
      {
        command: async () => {
          throw new StoreError("CROSSSLOT Keys in request don't hash to the same slot", 'reply');
        },
        evalsha: async () => 'ok',
        eval: async () => 'ok',
      },
      'redis',
    );
    await expect(failing.command(['MGET', 'bff:refresh:{abc}:outcome', 'bff:session:secret-key'])).rejects.toThrow(StoreError);
    await failing.evalsha('sha', ['bff:rl:key'], [1]);
    const [mget, evalsha] = otel.spans();
    expect(mget.name).toBe('MGET');
    expect(mget.attributes).toEqual({ 'db.system.name': 'redis', 'db.operation.name': 'MGET', 'bff.store.transport': 'redis', 'error.type': 'CROSSSLOT' });
    expect(evalsha.attributes['error.type']).toBeUndefined();
    const [errors] = await otel.points('bff.store.errors');
    expect(errors).toMatchObject({ attributes: { 'error.type': 'CROSSSLOT' }, value: 1 });
    expect(JSON.stringify(otel.spans().map((s) => s.attributes))).not.toMatch(/bff:|secret/);
  });

  it('no attribute of any span holds a token, cookie value or e-mail', async () => {
    const otel = sdk();
    const backend = fakeFetch((url) => (url.pathname.endsWith('/auth/refresh') ? envelopeGrant('access-SECRET-2', 'refresh-SECRET-2') : Response.json({ ok: true })));
    const rt = await runtime({ fetch: backend.fetch });
    const cookie = await signedIn(rt, { accessExpiresAt: Date.now() + 5_000 });
    await handle(request('/api/backend/notes/demo@example.com', { headers: { cookie } }), rt);
    await handle(request('/dashboard', { headers: { cookie } }), rt);
    const all = JSON.stringify(otel.spans().map((s) => [s.name, s.attributes]));
    expect(otel.spans().length).toBeGreaterThan(3);
    expect(all).not.toMatch(/SECRET|example\.com/);
    expect(all).not.toContain(cookie.slice(cookie.indexOf('=') + 1, 40));
  });
});

describe('urlTemplate: identifiers out of paths', () => {
  it.each([
    ['/users/42/notes', '/users/{id}/notes'],
    ['/v1/notes/', '/v1/notes/'],
    ['/files/3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b', '/files/{id}'],
    ['/by-email/alice@example.com', '/by-email/{id}'],
    ['/orders/ord_12345678', '/orders/{id}'],
    ['/tokens/AbCdEfGhIjKlMnOpQr', '/tokens/{id}'],
    ['/reports/monthly', '/reports/monthly'],
  ])('%s → %s', (path, template) => expect(urlTemplate(path)).toBe(template));
});
