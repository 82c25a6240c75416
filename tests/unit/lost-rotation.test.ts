import { describe, expect, it } from 'vitest';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import type { BffRuntime } from '@/edge/runtime';
import { MemoryStore } from '../helpers/memory-store';
import { rotatingBackend } from '../helpers/rotating-backend';
import { request, runtime, session } from '../helpers/unit';

const MINUTE = 60_000;

/** The session cookie a response wrote (`name=value`), or undefined. */
function written(res: Response, rt: BffRuntime): string | undefined {
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${rt.config.cookie.name}=`));
  return set && !/Max-Age=0/i.test(set) ? set.split(';')[0] : undefined;
}
const cleared = (res: Response, rt: BffRuntime) => res.headers.getSetCookie().some((c) => c.startsWith(`${rt.config.cookie.name}=`) && /Max-Age=0/i.test(c));

async function signedIn(rt: BffRuntime, clock: () => number) {
  const s = session({ sid: 'sid-1', refreshToken: 'refresh-0', accessToken: 'access-0', accessIssuedAt: clock() - MINUTE, accessExpiresAt: clock() - 1, refreshExpiresAt: clock() + 7 * 24 * 3600_000 });
  return `${rt.config.cookie.name}=${await sealSession(s, rt.keyring)}`;
}

const api = (rt: BffRuntime, cookie: string) => handle(request('/api/backend/notes', { headers: { cookie } }), rt);

describe('a pre-rotation cookie presented long after the grace window lands on the newest session', () => {
  it.each([
    ['without a store (this instance remembers)', false],
    ['with a store shared by two instances', true],
  ])('%s', async (_name, shared) => {
    let t = Date.now();
    const clock = () => t;
    const backend = rotatingBackend(clock);
    const store = shared ? new MemoryStore(clock) : undefined;
    const [a, b] = await Promise.all([0, 1].map(() => runtime({ fetch: backend.fetch, store, now: clock })));
    const other = shared ? b : a;
    const old = await signedIn(a, clock);
    const first = await api(a, old);
    expect(first.status).toBe(200);
    const current = written(first, a)!;
    expect(current).toBeDefined();

    t += 10 * MINUTE; // an old tab wakes up: far past the 30 s grace window, and access-1 has expired too
    const late = await api(other, old);
    expect(late.status).toBe(200);
    expect(cleared(late, other)).toBe(false);
    // It went on from the newest session (refresh-1), never spent refresh-0 again.
    expect(backend.redeemed).toEqual(['refresh-0', 'refresh-1']);
    const newest = written(late, other)!;
    // The current tab's cookie (refresh-1, spent by the old tab's request) lands on the same newest session.
    const again = await api(a, current);
    expect(again.status).toBe(200);
    expect(written(again, a)).toBe(newest);
    expect(backend.redeemed).toEqual(['refresh-0', 'refresh-1']);
  });
});

describe('a refusal of a refresh token known to be rotated never ends the current sign-in', () => {
  it('the stale cookie alone is signed out; the current one keeps working, on every instance', async () => {
    let t = Date.now();
    const clock = () => t;
    const backend = rotatingBackend(clock, { ttlMs: 30 * MINUTE });
    const store = new MemoryStore(clock);
    const [a, b] = await Promise.all([0, 1].map(() => runtime({ fetch: backend.fetch, store, now: clock })));
    const old = await signedIn(a, clock);
    const current = written(await api(a, old), a)!;
    // The store lost what it knew of this sign-in (an eviction, a flush): the old cookie's token is spent upstream.
    for (const k of [...store.data.keys()]) if (k.startsWith('bff:newest:') || k.startsWith('bff:refresh:')) store.data.delete(k);
    t += 2 * MINUTE;
    const stale = await api(b, old);
    expect(stale.status).toBe(401);
    expect(backend.redeemed).toEqual(['refresh-0', 'refresh-0']);
    t += 10_000; // past every instance's "not revoked" window
    for (const rt of [a, b]) expect((await api(rt, current)).status).toBe(200);
  });
});

describe('a refresh answered after the deadline is never thrown away', () => {
  it.each([
    ['one instance', false],
    ['two instances sharing a store', true],
  ])('%s: the request that started it answers 503 + Retry-After; the next request uses the late pair, one redeem', async (_name, shared) => {
    const backend = rotatingBackend(Date.now, { delayMs: () => 600 });
    const store = shared ? new MemoryStore() : undefined;
    const env = { REFRESH_TIMEOUT_MS: '150' };
    const [a, b] = await Promise.all([0, 1].map(() => runtime({ fetch: backend.fetch, store, env })));
    const other = shared ? b : a;
    const old = await signedIn(a, Date.now);
    const slow = await api(a, old);
    expect(slow.status).toBe(503);
    expect(slow.headers.get('retry-after')).toBe('5');
    expect(cleared(slow, a)).toBe(false);
    // Meanwhile, the same cookie elsewhere waits too, and never redeems the token a second time.
    expect((await api(other, old)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 700)); // the backend answers late, having rotated
    const next = await api(other, old);
    expect(next.status).toBe(200);
    expect(written(next, other)).toBeDefined();
    expect(backend.redeemed).toEqual(['refresh-0']);
  });
});
