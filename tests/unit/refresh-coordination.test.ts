import { describe, expect, it } from 'vitest';
import { createRefresher } from '@/edge/refresh/refresher';
import { digestKey as refreshKey } from '@/edge/crypto/digest-key';
import { keyringFor } from '@/edge/session/keys';
import type { KvStore } from '@/edge/store/types';
import { MemoryStore } from '../helpers/memory-store';
import { envelopeGrant, fakeFetch, SECRET, session, SKEW, testConfig, testAdapter } from '../helpers/unit';

/** Several "instances": refreshers with their own in-process state, sharing one store and one backend. */
async function instances(count: number, store: KvStore, reply: () => Response | Promise<Response>, env: Record<string, string> = {}) {
  const backend = fakeFetch(reply);
  const config = testConfig(env);
  const keyring = await keyringFor([SECRET]);
  const adapter = await testAdapter(config);
  const list = Array.from({ length: count }, () => createRefresher({ config, adapter, keyring, store, fetch: backend.fetch }));
  return { list, calls: backend.calls };
}

const slowGrant = async () => {
  await new Promise((r) => setTimeout(r, 50));
  return envelopeGrant();
};

describe('refresh coordinated across instances', () => {
  it('50 concurrent requests spread over 3 instances: one backend call, one new session for all', async () => {
    const { list, calls } = await instances(3, new MemoryStore(), slowGrant);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => list[i % 3].refresh(session(), SKEW)));
    expect(calls).toHaveLength(1);
    expect(outcomes.every((o) => o.kind === 'refreshed')).toBe(true);
    expect(new Set(outcomes.map((o) => (o.kind === 'refreshed' ? o.sealed : '')))).toHaveProperty('size', 1);
  });

  it('a late request with the old cookie on a fresh instance reuses the published outcome', async () => {
    const store = new MemoryStore();
    const { list, calls } = await instances(2, store, () => envelopeGrant());
    const first = await list[0].refresh(session(), SKEW);
    const late = await list[1].refresh(session(), SKEW);
    expect(calls).toHaveLength(1);
    expect(late).toEqual(first);
    // What is published is the sealed cookie (encrypted), never a token in clear.
    const published = [...store.data.values()].map((e) => e.value).join(' ');
    expect(published).not.toContain('access-2');
    expect(published).not.toContain('refresh-2');
  });

  it('a backend that does not rotate (the same refresh token back): its token is not spent, the next refresh past the grace window redeems it again', async () => {
    let t = Date.now();
    const now = () => t;
    let n = 0;
    const backend = fakeFetch(() => Response.json({ data: { token: `access-${++n}`, token_expires_at: new Date(t + 60_000).toISOString(), user: { id: 1, email: 'demo@example.com' } } }));
    const config = testConfig();
    const refresher = createRefresher({ config, adapter: await testAdapter(config), keyring: await keyringFor([SECRET]), store: new MemoryStore(now), fetch: backend.fetch, now });
    let current = session({ accessExpiresAt: t - 1 });
    for (let round = 0; round < 3; round++) {
      const outcome = await refresher.refresh(current, SKEW);
      expect(outcome.kind, `round ${round + 1}`).toBe('refreshed');
      if (outcome.kind === 'refreshed') current = outcome.session;
      expect(current.refreshToken).toBe(session().refreshToken);
      t += 120_000;
    }
    expect(backend.calls).toHaveLength(3);
  });

  it('a definitive rejection is published: every instance logs out, the backend is asked once', async () => {
    const { list, calls } = await instances(2, new MemoryStore(), () => Response.json({ error: 'invalid_grant' }, { status: 401 }));
    expect((await list[0].refresh(session(), SKEW)).kind).toBe('rejected');
    expect((await list[1].refresh(session(), SKEW)).kind).toBe('rejected');
    expect(calls).toHaveLength(1);
  });

  it('if the lock holder died, its lock expires and one other instance takes over', async () => {
    const store = new MemoryStore();
    const key = await refreshKey(session().refreshToken!);
    await store.setIfAbsent(`bff:refresh:{${key}}:lock`, 'dead-instance', 200);
    const { list, calls } = await instances(2, store, () => envelopeGrant());
    const outcomes = await Promise.all([list[0].refresh(session(), SKEW), list[1].refresh(session(), SKEW)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['refreshed', 'refreshed']);
    expect(calls).toHaveLength(1);
  });

  it('a holder that gets a 5xx releases the lock; the next attempt succeeds, nobody is logged out', async () => {
    let n = 0;
    const { list, calls } = await instances(2, new MemoryStore(), () => (n++ === 0 ? new Response('busy', { status: 503 }) : envelopeGrant()));
    const outcomes = await Promise.all([list[0].refresh(session(), SKEW), list[1].refresh(session(), SKEW)]);
    expect(outcomes.every((o) => o.kind !== 'rejected')).toBe(true);
    expect((await list[0].refresh(session(), SKEW)).kind).toBe('refreshed');
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('the store being down: no redeem at all (another instance may hold the lock), the session kept; refresh resumes with the store', async () => {
    const store = new MemoryStore();
    store.failing = true;
    const { list, calls } = await instances(2, store, slowGrant);
    const outcomes = await Promise.all([list[0].refresh(session(), SKEW), list[0].refresh(session(), SKEW), list[1].refresh(session(), SKEW)]);
    expect(outcomes.map((o) => o.kind)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(calls).toHaveLength(0);
    store.failing = false;
    expect((await list[1].refresh(session(), SKEW)).kind).toBe('refreshed');
    expect(calls).toHaveLength(1);
  });

  it("a lock whose answer was lost, or a failure after another instance's lock was seen: unavailable, no redeem", async () => {
    const lost = new MemoryStore();
    lost.failOn.add('setIfAbsent');
    const a = await instances(1, lost, () => envelopeGrant());
    expect((await a.list[0].refresh(session(), SKEW)).kind).toBe('unavailable');
    expect(a.calls).toHaveLength(0);

    const held = new MemoryStore();
    const key = await refreshKey(session().refreshToken!);
    await held.setIfAbsent(`bff:refresh:{${key}}:lock`, 'other-instance', 60_000);
    const b = await instances(1, held, () => envelopeGrant());
    const pending = b.list[0].refresh(session(), SKEW);
    held.failing = true;
    expect((await pending).kind).toBe('unavailable');
    expect(b.calls).toHaveLength(0);
  });

  it('a failed publish: this request keeps the new session, the lock is left to expire, no other instance redeems the spent token', async () => {
    const store = new MemoryStore();
    store.failOn.add('set');
    const { list, calls } = await instances(2, store, () => envelopeGrant(), { REFRESH_TIMEOUT_MS: '100' });
    expect((await list[0].refresh(session(), SKEW)).kind).toBe('refreshed');
    expect((await list[1].refresh(session(), SKEW)).kind).toBe('unavailable');
    expect(calls).toHaveLength(1);
    const key = await refreshKey(session().refreshToken!);
    const lock = store.data.get(`bff:refresh:{${key}}:lock`)!;
    // The lock outlives the grace window (30 s by default), whatever the refresh timeout.
    expect(lock.until - Date.now()).toBeGreaterThan(25_000);
  });

  it('a redeem that fails releases the lock at once', async () => {
    const store = new MemoryStore();
    const { list } = await instances(1, store, () => new Response('<html>busy</html>', { status: 503 }));
    expect((await list[0].refresh(session(), SKEW)).kind).toBe('unavailable');
    expect([...store.data.keys()].filter((k) => k.endsWith(":lock"))).toEqual([]);
  });

  it('a loser that waits past the deadline answers "try again", not "logged out"', async () => {
    const store = new MemoryStore();
    const key = await refreshKey(session().refreshToken!);
    await store.setIfAbsent(`bff:refresh:{${key}}:lock`, 'slow-instance', 60_000);
    const { list, calls } = await instances(1, store, () => envelopeGrant(), { REFRESH_TIMEOUT_MS: '100' });
    expect((await list[0].refresh(session(), SKEW)).kind).toBe('unavailable');
    expect(calls).toHaveLength(0);
  });
});
