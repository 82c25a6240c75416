import { describe, expect, it } from 'vitest';
import { logout } from '@/edge/auth/logout';
import { authRoute } from '@/edge/auth/routes';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import { revocationList } from '@/edge/session/revocation';
import { MemoryStore } from '../helpers/memory-store';
import { fakeFetch, request, runtime, session } from '../helpers/unit';

describe('revocable sessions', () => {
  it('a revocation on one instance is seen by another within the "not revoked" window, never later', async () => {
    let t = 1_000_000;
    const store = new MemoryStore(() => t);
    const [a, b] = [revocationList(store, () => t), revocationList(store, () => t)];
    const s = session({ sid: 'sid-1', refreshExpiresAt: t + 3600_000 });
    expect(await b.isRevoked(s)).toBe(false); // b now trusts "not revoked" for a few seconds
    await a.revoke(s);
    expect(await a.isRevoked(s)).toBe(true); // at once where it happened
    t += 5_000;
    expect(await b.isRevoked(s)).toBe(true); // within the window elsewhere
    expect(store.data.get('bff:revoked:sid-1')!.until).toBeGreaterThanOrEqual(1_000_000 + 3600_000); // kept while the session lives
  });

  it('a store that cannot answer logs nobody out; without a store, only this instance knows', async () => {
    const store = new MemoryStore();
    store.failing = true;
    const s = session({ sid: 'sid-2' });
    expect(await revocationList(store).isRevoked(s)).toBe(false);
    const local = revocationList(undefined);
    await local.revoke(s);
    expect(await local.isRevoked(s)).toBe(true);
    expect(await revocationList(undefined).isRevoked(s)).toBe(false);
  });

  it('logout revokes: a copy of the cookie is logged out on the next request, on every instance sharing the store', async () => {
    const store = new MemoryStore();
    const backend = fakeFetch(() => Response.json({ data: [] }));
    const [one, two] = await Promise.all([runtime({ fetch: backend.fetch, store }), runtime({ fetch: backend.fetch, store })]);
    const cookie = `${one.config.cookie.name}=${await sealSession(session({ sid: 'sid-3' }), one.keyring)}`;
    const origin = { origin: 'http://localhost:3000', host: 'localhost:3000' };
    expect((await logout(request('/api/auth/logout', { method: 'POST', headers: { cookie, ...origin } }), one)).status).toBe(200);
    for (const rt of [one, two]) {
      const api = await handle(request('/api/backend/notes', { headers: { cookie } }), rt);
      expect(api.status).toBe(401);
      const page = await handle(request('/dashboard', { headers: { cookie } }), rt);
      expect(page.headers.get('location')).toContain('reason=session_expired');
      // The session endpoint checks by itself, for apps whose matcher leaves /api/auth to the route handler alone.
      expect(await (await authRoute(request('/api/auth/session', { headers: { cookie } }), rt)).json()).toEqual({ user: null });
    }
  });

  describe('markers live as long as anything they end', () => {
    const day = 24 * 3600_000;
    const t0 = 1_000_000_000;

    it('logout with an old copy: a copy refreshed elsewhere afterwards is still ended, until its refresh token dies', async () => {
      let t = t0;
      const store = new MemoryStore(() => t);
      const [here, there] = [revocationList(store, () => t), revocationList(store, () => t)];
      // The copy presented: refreshed 7 days minus a minute ago, its refresh token (a 7-day lifetime) about to expire.
      const old = session({ sid: 'sid-old', accessIssuedAt: t - 7 * day + 60_000, refreshExpiresAt: t + 60_000 });
      // Another instance refreshed a copy just before it learnt of the logout (within its "not revoked" window).
      const newer = session({ sid: 'sid-old', accessIssuedAt: t + 4_000, refreshExpiresAt: t + 4_000 + 7 * day });
      expect(await there.isRevoked(newer)).toBe(false);
      await here.revoke(old);
      t += 7 * day;
      expect(await there.isRevoked(newer)).toBe(true);
      expect(store.data.get('bff:revoked:sid-old')!.until).toBeGreaterThanOrEqual(newer.refreshExpiresAt);
    });

    it('with SESSION_MAX_AGE_SECONDS, a marker ends with the sign-in it ends, not later', async () => {
      const store = new MemoryStore(() => t0);
      const list = revocationList(store, () => t0, { maxAgeMs: day, defaultRefreshTtlMs: 30 * day });
      await list.revoke(session({ sid: 'capped', signedInAt: t0 - 3600_000, accessIssuedAt: t0, refreshExpiresAt: t0 + day - 3600_000 }));
      expect(store.data.get('bff:revoked:capped')!.until).toBe(t0 - 3600_000 + day + 5_000);
    });

    it("a provider's back-channel logout is remembered past its long refresh tokens (offline access), or for the absolute lifetime", async () => {
      const store = new MemoryStore(() => t0);
      await revocationList(store, () => t0).endProviderSessions({ sub: 'op-user', at: t0 });
      const [uncapped] = [...store.data.values()];
      expect(uncapped.until - t0).toBeGreaterThan(365 * day);
      const capped = new MemoryStore(() => t0);
      await revocationList(capped, () => t0, { maxAgeMs: 30 * day, defaultRefreshTtlMs: day }).endProviderSessions({ sid: 'op-sid', at: t0 });
      expect([...capped.data.values()][0].until).toBe(t0 + 30 * day + 5_000);
    });

    it("'sign out everywhere' outlasts every other sign-in's refresh tokens", async () => {
      const store = new MemoryStore(() => t0);
      const list = revocationList(store, () => t0, { defaultRefreshTtlMs: 7 * day });
      // This session's refresh tokens live 30 days: the user's others are taken to live as long.
      await list.endUserSessions(session({ sid: 'me', accessIssuedAt: t0, refreshExpiresAt: t0 + 30 * day }));
      expect([...store.data.values()][0].until).toBe(t0 + 30 * day + 5_000);
    });
  });

  it('every sign-in gets its own id, kept across refreshes', async () => {
    const rt = await runtime({ fetch: fakeFetch(() => Response.json({ data: { token: 'a2', refresh_token: 'r2', user: { id: 1 } } })).fetch });
    const first = await rt.refresher.refresh(session({ sid: 'kept', accessExpiresAt: Date.now() - 1 }), 30_000);
    expect(first.kind === 'refreshed' && first.session.sid).toBe('kept');
  });
});
