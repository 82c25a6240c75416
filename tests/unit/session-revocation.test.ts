import { describe, expect, it } from 'vitest';
import { logout } from '@/edge/auth/logout';
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
    expect(store.data.get('bff:revoked:sid-1')!.until).toBe(1_000_000 + 3600_000); // kept until the session would end
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
    }
  });

  it('every sign-in gets its own id, kept across refreshes', async () => {
    const rt = await runtime({ fetch: fakeFetch(() => Response.json({ data: { token: 'a2', refresh_token: 'r2', user: { id: 1 } } })).fetch });
    const first = await rt.refresher.refresh(session({ sid: 'kept', accessExpiresAt: Date.now() - 1 }), 30_000);
    expect(first.kind === 'refreshed' && first.session.sid).toBe('kept');
  });
});
