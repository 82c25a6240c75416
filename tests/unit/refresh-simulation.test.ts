import { describe, expect, it, vi } from 'vitest';
import type { AccessTokenVerifier } from '@/edge/backend/access-token-verifier';
import { handle } from '@/edge/handle';
import { createRefresher } from '@/edge/refresh/refresher';
import { sealSession } from '@/edge/session/codec';
import type { KvStore } from '@/edge/store/types';
import { ReplicatedStore } from '../helpers/memory-store';
import { request, runtime } from '../helpers/unit';

/**
 * A seeded simulation of the whole middleware under the conditions that break refresh in production: several
 * instances sharing one store, several clients each with concurrent requests, access tokens (10 s) far shorter than
 * the grace window (30 s), a backend that rotates single-use refresh tokens and revokes the family on reuse, and
 * faults injected at every step: backend refresh calls that fail (network, 5xx, 429, an HTML 403 from a WAF), or that
 * commit the rotation and answer after the request's deadline, store operations that fail, JWKS lookups that fail,
 * responses whose Set-Cookie never reaches the browser, and requests that carry an older cookie than the jar holds
 * (an old tab, a queued request), long after the grace window. The store is a master with an asynchronous replica
 * that fails over now and then, mid-round too, losing what had not reached the replica. Odd seeds keep sessions in
 * the cookie, even ones on the server (SESSION_MODE=server). Every third seed speaks OAuth 2 with two more APIs that
 * take tokens of their own (RFC 8707 resources, BACKENDS), minted from the same rotating refresh token.
 *
 * Time is a virtual clock (tokens, grace windows, locks) moved between rounds; inside a round, requests run
 * concurrently for real. The scenario of each run follows from its seed alone: a failure names the seed
 * (`SIM_SEED=<n>` replays just that one).
 *
 * Asserted over every run: no logout the backend did not ask for, no expired access token sent upstream, and no
 * refresh token ever redeemed twice.
 */

const ACCESS_TTL_MS = 10_000;
const COOKIE = '__Host-bff_session';
/** Server-held sessions; the URL only satisfies the configuration (the store is the simulation's). */
const SERVER = { SESSION_MODE: 'server', UPSTASH_REDIS_REST_URL: 'http://store.test', UPSTASH_REDIS_REST_TOKEN: 't', RATE_LIMIT_ON_ERROR: 'open' };
/** How long a request waits for a refresh here (REFRESH_TIMEOUT_MS), and how late a late answer comes, in real ms. */
const DEADLINE_MS = 5;
const LATE_MS = 15;
/** The OAuth 2 seeds: the preset, and two APIs whose tokens carry their own audience. */
const OAUTH2 = {
  AUTH_PRESET: 'oauth2',
  AUTH_CLIENT_ID: 'bff',
  AUTH_CLIENT_SECRET: 'secret',
  BACKENDS: JSON.stringify({ files: { url: 'http://files.test', token: 'user', resource: 'urn:files' }, search: { url: 'http://search.test', token: 'user', resource: 'urn:search' } }),
};

/** mulberry32: a small, fast, seedable PRNG. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, chance: (p: number) => next() < p, int: (n: number) => Math.floor(next() * n) };
}
type Rng = ReturnType<typeof rng>;

interface Family {
  rejected: boolean;
}

/** The backend: envelope contract, rotating single-use refresh tokens with reuse detection, a bearer-protected API. */
class SimBackend {
  readonly families = new Map<string, Family>();
  /** `redeemedAt`: the virtual time of every redemption. */
  readonly refreshTokens = new Map<string, { family: string; redeemedAt: number[] }>();
  /** `aud`: `main` for the session's own token, else the API's resource. */
  readonly accessTokens = new Map<string, { family: string; exp: number; aud: string }>();
  expiredSent = 0;
  private seq = 0;

  constructor(
    private readonly clock: { t: number },
    private readonly random: Rng,
  ) {}

  issue(family: string, aud = 'main') {
    const n = ++this.seq;
    const access = `at-${family}-${n}`;
    const refresh = `rt-${family}-${n}`;
    const exp = this.clock.t + ACCESS_TTL_MS;
    this.accessTokens.set(access, { family, exp, aud });
    this.refreshTokens.set(refresh, { family, redeemedAt: [] });
    return { access, refresh, exp };
  }

  readonly fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    if (url.pathname.endsWith('/auth/refresh')) return this.refresh(JSON.parse(String(init.body)).refresh_token);
    if (url.pathname.endsWith('/oauth/token')) {
      const form = new URLSearchParams(String(init.body));
      return this.refresh(form.get('refresh_token')!, form.get('resource') ?? 'main');
    }
    const bearer = new Headers(init.headers).get('authorization')?.slice('Bearer '.length) ?? '';
    const token = this.accessTokens.get(bearer);
    const aud = url.host === 'backend.test' ? 'main' : `urn:${url.host.split('.')[0]}`;
    if (!token || token.aud !== aud) return Response.json({ message: 'Unauthenticated.' }, { status: 401 });
    if (token.exp <= this.clock.t) {
      this.expiredSent++;
      return Response.json({ message: 'Token expired.' }, { status: 401 });
    }
    return Response.json({ data: [] });
  }) as typeof fetch;

  /** `aud` set: the OAuth 2 token endpoint (a token for that API, or `main`); unset: the envelope contract. */
  private async refresh(refreshToken: string, aud?: string): Promise<Response> {
    await tick(this.random.int(4));
    const fault = this.random.next();
    if (fault < 0.04) throw new TypeError('fetch failed');
    if (fault < 0.07) return new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
    if (fault < 0.09) return Response.json({ message: 'Too many requests.' }, { status: 429 });
    if (fault < 0.11) return new Response('<html>Request blocked</html>', { status: 403, headers: { 'content-type': 'text/html' } });
    const record = this.refreshTokens.get(refreshToken);
    if (!record) return Response.json({ message: 'Unknown refresh token.', error: 'invalid_grant' }, { status: aud ? 400 : 401 });
    const family = this.families.get(record.family)!;
    record.redeemedAt.push(this.clock.t);
    if (record.redeemedAt.length > 1 || family.rejected) {
      family.rejected = true;
      return Response.json({ message: 'Refresh token reuse.', error: 'invalid_grant' }, { status: aud ? 400 : 401 });
    }
    const next = this.issue(record.family, aud);
    // Committed; now and then the answer comes after the BFF's deadline (real time: the deadline is a real timer).
    if (this.random.chance(0.03)) await new Promise((r) => setTimeout(r, LATE_MS));
    if (aud) return Response.json({ access_token: next.access, token_type: 'Bearer', expires_in: ACCESS_TTL_MS / 1000, refresh_token: next.refresh });
    return Response.json({
      data: {
        token: next.access,
        token_expires_at: new Date(next.exp).toISOString(),
        refresh_token: next.refresh,
        refresh_token_expires_at: new Date(this.clock.t + 7 * 24 * 3600_000).toISOString(),
        user: { id: record.family, email: `${record.family}@example.com` },
      },
    });
  }
}

/** Yields to the other concurrent requests a few times (microtasks: their order follows from the seed). */
const tick = async (n: number) => {
  for (let i = 0; i <= n * 3; i++) await null;
};

/** Store operations that fail now and then. */
function flaky(store: KvStore, random: Rng, p: number): KvStore {
  const maybeFail = async () => {
    await tick(random.int(2));
    if (random.chance(p)) throw new TypeError('fetch failed');
  };
  return {
    get: async (k) => (await maybeFail(), store.get(k)),
    getMany: async (k) => (await maybeFail(), store.getMany(k)),
    delete: async (k, o) => (await maybeFail(), store.delete(k, o)),
    addMember: async (k, m, ttl) => (await maybeFail(), store.addMember(k, m, ttl)),
    removeMember: async (k, m) => (await maybeFail(), store.removeMember(k, m)),
    members: async (k) => (await maybeFail(), store.members(k)),
    set: async (k, v, ttl, o) => (await maybeFail(), store.set(k, v, ttl, o)),
    setIfAbsent: async (k, v, ttl, o) => (await maybeFail(), store.setIfAbsent(k, v, ttl, o)),
    deleteIfValue: async (k, v) => (await maybeFail(), store.deleteIfValue(k, v)),
    settling: () => store.settling?.() ?? false,
  };
}

/** JWKS that cannot be reached now and then; every token the backend issued is genuine. */
function flakyVerifier(backend: SimBackend, random: Rng, p: number): AccessTokenVerifier {
  return { verify: async (token) => (random.chance(p) ? 'unavailable' : backend.accessTokens.has(token) ? 'valid' : 'invalid') };
}

interface RunResult {
  unaskedLogouts: number;
  expiredSent: number;
  doubleRedeems: number;
  refreshes: number;
  requests: number;
  failovers: number;
}

async function simulate(seed: number): Promise<RunResult> {
  const random = rng(seed);
  const clock = { t: Date.now() };
  const now = () => clock.t;
  const backend = new SimBackend(clock, random);
  const shared = new ReplicatedStore(now);
  const server = seed % 2 === 0;
  const apis = seed % 3 === 0;
  const env = { ...(server ? SERVER : {}), ...(apis ? OAUTH2 : {}) };
  const instances = await Promise.all(
    [0, 1, 2].map(async () => {
      const store = flaky(shared, random, 0.05);
      const rt = await runtime({ fetch: backend.fetch, store, now, env });
      rt.config.refresh.timeoutMs = DEADLINE_MS;
      rt.verifier = flakyVerifier(backend, random, 0.05);
      rt.refresher = createRefresher({
        config: rt.config,
        adapter: rt.adapter,
        keyring: rt.keyring,
        verifier: rt.verifier,
        store,
        fits: rt.sessions.fits,
        fetch: backend.fetch,
        now,
        sleep: () => tick(0),
      });
      return rt;
    }),
  );

  // Each client signs in once; its cookie jar then lives through the rounds.
  const clients = await Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const family = `s${seed}c${i}`;
      backend.families.set(family, { rejected: false });
      const tokens = backend.issue(family);
      const session = { accessToken: tokens.access, refreshToken: tokens.refresh, accessIssuedAt: clock.t, accessExpiresAt: tokens.exp, refreshExpiresAt: clock.t + 7 * 24 * 3600_000, user: { id: family } };
      let cookie = server ? await instances[0].sessions.create(session, {}) : await sealSession(session, instances[0].keyring);
      // The flaky store may refuse a sign-in: the user tries again.
      while (typeof cookie !== 'string') cookie = await instances[0].sessions.create(session, {});
      return { family, cookie, history: [cookie], loggedOut: false };
    }),
  );

  // Sign-ins are written durably; what follows is the simulation's to lose.
  shared.replicate();
  let unaskedLogouts = 0;
  let requests = 0;
  for (let round = 0; round < 12; round++) {
    clock.t += random.int(8_000);
    if (random.chance(0.7)) shared.replicate();
    const batch: Promise<void>[] = [];
    // A failover now and then, at a random moment of the round: the replica lacks the master's latest writes.
    if (random.chance(0.15)) batch.push(tick(random.int(30)).then(() => shared.failover()));
    for (const client of clients) {
      if (client.loggedOut) continue;
      for (let k = 1 + random.int(3); k > 0; k--) {
        const rt = instances[random.int(instances.length)];
        const paths = apis ? ['/api/backend/notes', '/api/files/x', '/api/search/x', '/dashboard'] : ['/api/backend/notes', '/api/backend/notes', '/dashboard'];
        const path = paths[random.int(paths.length)];
        // Now and then an old tab or a queued request sends an older cookie than the jar now holds.
        const sentCookie = random.chance(0.1) ? client.history[random.int(client.history.length)] : client.cookie;
        requests++;
        batch.push(
          handle(request(path, { headers: { cookie: `${COOKIE}=${sentCookie}` } }), rt).then(async (res) => {
            const set = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
            const cleared = set !== undefined && /Max-Age=0/i.test(set);
            const unauthenticated = res.status === 401 && (await res.clone().json()).error === 'unauthenticated';
            if (cleared || unauthenticated || res.headers.get('location')?.includes('session_expired')) {
              client.loggedOut = true;
              if (!backend.families.get(client.family)!.rejected) unaskedLogouts++;
              return;
            }
            // Some responses never reach the browser's cookie jar (aborted navigation, cancelled fetch).
            if (set && !random.chance(0.15) && client.cookie === sentCookie) {
              client.cookie = set.slice(COOKIE.length + 1).split(';')[0];
              client.history.push(client.cookie);
            }
          }),
        );
      }
    }
    await Promise.all(batch);
  }

  // However old the cookie: the successor register knows its token is spent.
  await new Promise((r) => setTimeout(r, LATE_MS * 2)); // late answers still on their way
  let doubleRedeems = 0;
  let refreshes = 0;
  for (const { redeemedAt } of backend.refreshTokens.values()) {
    if (redeemedAt.length > 1) doubleRedeems++;
    refreshes += Math.min(redeemedAt.length, 1);
  }
  return { unaskedLogouts, expiredSent: backend.expiredSent, doubleRedeems, refreshes, requests, failovers: shared.failovers };
}

describe('refresh simulation: instances, clients, short tokens, faults everywhere', () => {
  const only = process.env.SIM_SEED;
  const seeds = only ? [Number(only)] : Array.from({ length: Number(process.env.SIM_RUNS ?? 1_000) }, (_, i) => i + 1);

  it(`${seeds.length} seeded runs with store failovers: no unasked logout, no expired token upstream, no refresh token redeemed twice`, { timeout: 300_000 }, async () => {
    // The faults make the BFF log a warning each; thousands of them are noise here (their codes are tested elsewhere).
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const failures: string[] = [];
    let refreshes = 0;
    let requests = 0;
    let failovers = 0;
    for (const seed of seeds) {
      const r = await simulate(seed);
      refreshes += r.refreshes;
      requests += r.requests;
      failovers += r.failovers;
      if (r.unaskedLogouts || r.expiredSent || r.doubleRedeems) failures.push(`seed ${seed}: ${JSON.stringify(r)}`);
    }
    warn.mockRestore();
    info.mockRestore();
    expect(failures).toEqual([]);
    // The runs did exercise refresh: most rounds find the access token due.
    expect(refreshes).toBeGreaterThan(seeds.length * 4);
    expect(requests).toBeGreaterThan(seeds.length * 40);
    expect(failovers).toBeGreaterThan(seeds.length);
  });
});
