import { describe, expect, it } from 'vitest';
import { createRefresher } from '@/edge/refresh/refresher';
import { SingleFlight } from '@/edge/refresh/single-flight';
import { keyringFor } from '@/edge/session/keys';
import { envelopeGrant, fakeFetch, SECRET, session, SKEW, testConfig, testAdapter } from '../helpers/unit';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

async function refresher(reply: () => Response | Promise<Response>, now = Date.now) {
  const backend = fakeFetch(reply);
  const config = testConfig();
  const r = createRefresher({ config, adapter: await testAdapter(config), keyring: await keyringFor([SECRET]), fetch: backend.fetch, now });
  return { refresher: r, calls: backend.calls };
}

describe('refresh single-flight', () => {
  it('50 concurrent refreshes of one session make one backend call and share one new cookie', async () => {
    const gate = deferred();
    const { refresher: r, calls } = await refresher(async () => {
      await gate.promise;
      return envelopeGrant();
    });
    const pending = Array.from({ length: 50 }, () => r.refresh(session(), SKEW));
    gate.resolve();
    const outcomes = await Promise.all(pending);
    expect(calls).toHaveLength(1);
    expect(new Set(outcomes.map((o) => (o.kind === 'refreshed' ? o.sealed : o.kind))).size).toBe(1);
    expect(outcomes[0]).toMatchObject({ kind: 'refreshed', session: { accessToken: 'access-2', refreshToken: 'refresh-2' } });
  });

  it('a request with the old refresh token after the rotation reuses the outcome within the grace window, and not after', async () => {
    let clock = 1_000_000;
    const { refresher: r, calls } = await refresher(() => envelopeGrant(), () => clock);
    await r.refresh(session(), SKEW);
    clock += 29_000;
    expect((await r.refresh(session(), SKEW)).kind).toBe('refreshed');
    expect(calls).toHaveLength(1);
    clock += 2_000;
    await r.refresh(session(), SKEW);
    expect(calls).toHaveLength(2);
  });

  it('different sessions refresh independently', async () => {
    const { refresher: r, calls } = await refresher(() => envelopeGrant());
    await Promise.all([r.refresh(session({ refreshToken: 'a' }), SKEW), r.refresh(session({ refreshToken: 'b' }), SKEW)]);
    expect(calls).toHaveLength(2);
  });

  it('a definitive rejection is shared by concurrent and late requests (all log out consistently)', async () => {
    const { refresher: r, calls } = await refresher(() => Response.json({ error: 'invalid_grant' }, { status: 401 }));
    const outcomes = await Promise.all([r.refresh(session(), SKEW), r.refresh(session(), SKEW)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['rejected', 'rejected']);
    expect((await r.refresh(session(), SKEW)).kind).toBe('rejected');
    expect(calls).toHaveLength(1);
  });

  it('transient failures (5xx, network error, timeout) keep the session and are retried by the next request', async () => {
    let mode: 'down' | '503' | 'ok' = 'down';
    const { refresher: r, calls } = await refresher(() => {
      if (mode === 'down') throw new TypeError('fetch failed');
      if (mode === '503') return new Response('<html>busy</html>', { status: 503 });
      return envelopeGrant();
    });
    expect((await r.refresh(session(), SKEW)).kind).toBe('unavailable');
    mode = '503';
    const outcome = await r.refresh(session(), SKEW);
    expect(outcome).toMatchObject({ kind: 'unavailable', error: { code: 'refresh_unavailable' } });
    mode = 'ok';
    expect((await r.refresh(session(), SKEW)).kind).toBe('refreshed');
    expect(calls).toHaveLength(3);
  });

  it('a backend that never answers is cut off at the refresh timeout', async () => {
    const backend = fakeFetch((_url, init) => new Promise((_, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason))));
    const config = testConfig({ REFRESH_TIMEOUT_MS: '100' });
    const r = createRefresher({
      config,
      adapter: await testAdapter(config),
      keyring: await keyringFor([SECRET]),
      fetch: backend.fetch,
    });
    const started = Date.now();
    expect((await r.refresh(session(), SKEW)).kind).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('SingleFlight', () => {
  it('forgets a failed task so the next caller retries', async () => {
    const flight = new SingleFlight<number>(1000, () => true);
    await expect(flight.run('k', () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await flight.run('k', async () => 2)).toBe(2);
  });

  it('stays bounded under a flood of keys', async () => {
    const flight = new SingleFlight<number>(60_000, () => true, Date.now, 100);
    for (let i = 0; i < 1000; i++) await flight.run(`k${i}`, async () => i);
    expect((flight as unknown as { entries: Map<string, unknown> }).entries.size).toBeLessThanOrEqual(100);
  });
});
