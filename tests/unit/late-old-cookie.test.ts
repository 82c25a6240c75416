import { describe, expect, it } from 'vitest';
import type { AccessTokenVerifier } from '@/edge/backend/access-token-verifier';
import { effectiveSkewMs, refreshDue } from '@/edge/refresh/due';
import { createRefresher } from '@/edge/refresh/refresher';
import { keyringFor } from '@/edge/session/keys';
import { fakeFetch, SECRET, session, SKEW, testConfig, testAdapter } from '../helpers/unit';

/** A backend that rotates: refresh-N → access-(N+1)/refresh-(N+1), each access token living `ttlMs` from `clock()`. */
function rotatingBackend(clock: () => number, ttlMs: number) {
  return fakeFetch((url, init) => {
    const n = Number(JSON.parse(String(init.body)).refresh_token.split('-')[1]) + 1;
    return Response.json({
      data: {
        token: `access-${n}`,
        token_expires_at: new Date(clock() + ttlMs).toISOString(),
        refresh_token: `refresh-${n}`,
        refresh_token_expires_at: new Date(clock() + 7 * 24 * 3600_000).toISOString(),
        user: { id: 1 },
      },
    });
  });
}

async function refresherOn(clock: () => number, ttlMs: number, verifier?: AccessTokenVerifier) {
  const backend = rotatingBackend(clock, ttlMs);
  const config = testConfig();
  const r = createRefresher({ config, adapter: await testAdapter(config), keyring: await keyringFor([SECRET]), verifier, fetch: backend.fetch, now: clock });
  return { r, calls: backend.calls };
}

describe('skew that fits the token', () => {
  it('is the configured skew, but at most a quarter of the token lifetime', () => {
    const t = 1_000_000;
    expect(effectiveSkewMs(session({ accessIssuedAt: t, accessExpiresAt: t + 10_000 }), 30_000)).toBe(2_500);
    expect(effectiveSkewMs(session({ accessIssuedAt: t, accessExpiresAt: t + 3600_000 }), 30_000)).toBe(30_000);
    // A cookie written before sessions recorded the issue time: the configured skew.
    expect(effectiveSkewMs(session({ accessIssuedAt: undefined, accessExpiresAt: t + 10_000 }), 30_000)).toBe(30_000);
  });

  it('a 10-second token is not refreshed on every request under a 30-second skew', () => {
    const t = 1_000_000;
    const s = session({ accessIssuedAt: t, accessExpiresAt: t + 10_000 });
    expect(refreshDue(s, t + 1_000, SKEW)).toBe(false);
    expect(refreshDue(s, t + 7_400, SKEW)).toBe(false);
    expect(refreshDue(s, t + 7_500, SKEW)).toBe(true);
  });
});

describe('a late request with an old cookie lands on the newest session', () => {
  it('an outcome reused from the grace window whose own token is dead leads on to a refresh of its successor', async () => {
    let clock = 1_000_000;
    const { r, calls } = await refresherOn(() => clock, 5_000);
    const old = session({ refreshToken: 'refresh-0', accessExpiresAt: clock - 1 });
    const first = await r.refresh(old, SKEW);
    expect(first).toMatchObject({ kind: 'refreshed', session: { accessToken: 'access-1' } });
    clock += 10_000; // access-1 is dead; the grace window (30 s) still serves refresh-0's outcome
    const late = await r.refresh(old, SKEW);
    expect(late).toMatchObject({ kind: 'refreshed', session: { accessToken: 'access-2', refreshToken: 'refresh-2' } });
    expect(calls.map((c) => JSON.parse(String(c.init.body)).refresh_token)).toEqual(['refresh-0', 'refresh-1']);
  });

  it('a cookie two rotations old follows the chain; every refresh token is redeemed once', async () => {
    let clock = 1_000_000;
    const { r, calls } = await refresherOn(() => clock, 5_000);
    const cookies = [session({ refreshToken: 'refresh-0', accessExpiresAt: clock - 1 })];
    for (let i = 0; i < 2; i++) {
      const o = await r.refresh(cookies[cookies.length - 1], SKEW);
      if (o.kind !== 'refreshed') throw new Error(o.kind);
      cookies.push(o.session);
      clock += 6_000;
    }
    const late = await r.refresh(cookies[0], SKEW);
    expect(late).toMatchObject({ kind: 'refreshed', session: { refreshToken: 'refresh-3' } });
    const redeemed = calls.map((c) => JSON.parse(String(c.init.body)).refresh_token);
    expect(redeemed).toEqual(['refresh-0', 'refresh-1', 'refresh-2']);
    expect(new Set(redeemed).size).toBe(redeemed.length);
  });

  it('a successor whose refresh is unavailable: the newest session reached is still handed out, flagged unavailable', async () => {
    let clock = 1_000_000;
    let up = true;
    const backend = rotatingBackend(() => clock, 5_000);
    const config = testConfig();
    const r = createRefresher({
      config,
      adapter: await testAdapter(config),
      keyring: await keyringFor([SECRET]),
      fetch: (async (input, init) => (up ? backend.fetch(input, init) : new Response('down', { status: 503 }))) as typeof fetch,
      now: () => clock,
    });
    const old = session({ refreshToken: 'refresh-0', accessExpiresAt: clock - 1 });
    await r.refresh(old, SKEW);
    clock += 10_000;
    up = false;
    const late = await r.refresh(old, SKEW);
    expect(late.kind).toBe('unavailable');
    expect(late.kind === 'unavailable' && late.latest?.session.refreshToken).toBe('refresh-1');
  });
});

describe('outages never log anyone out', () => {
  it('a JWKS that cannot be reached after a successful refresh keeps the rotated session', async () => {
    const clock = () => 1_000_000;
    const { r } = await refresherOn(clock, 60_000, { verify: async () => 'unavailable' });
    expect(await r.refresh(session({ refreshToken: 'refresh-0' }), SKEW)).toMatchObject({ kind: 'refreshed', session: { refreshToken: 'refresh-1' } });
  });

  it('a real signature failure of the new token is a rejection', async () => {
    const clock = () => 1_000_000;
    const { r } = await refresherOn(clock, 60_000, { verify: async () => 'invalid' });
    expect((await r.refresh(session({ refreshToken: 'refresh-0' }), SKEW)).kind).toBe('rejected');
  });
});
