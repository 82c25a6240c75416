import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar, sessionCookieName, sleep, type Credentials } from '../helpers/client';
import { appDirFor } from '../helpers/proxy-ts';
import { startRedisCluster, startRedisSentinel, type RedisCluster, type RedisSentinel } from '../helpers/redis-topologies';
import { startStack, type Stack } from '../helpers/stack';

type Client = ReturnType<typeof clientFor>;
const NODE = appDirFor('Node proxy.ts');

/** Two proxy.ts instances on one store, clients for each, and the backend's controls. */
async function twoInstances(env: Record<string, string>): Promise<{ stack: Stack; a: Client; b: Client }> {
  const stack = await startStack({}, () => env, 2, NODE);
  const a = clientFor({ app: () => stack.appUrls[0], backend: () => stack.backendUrl });
  const b = clientFor({ app: () => stack.appUrls[1], backend: () => stack.backendUrl });
  return { stack, a, b };
}

/** Signs `count` new users in on `client`: their jars and credentials. */
async function signIn(client: Client, count: number): Promise<{ jar: CookieJar; user: Credentials }[]> {
  const out = [];
  for (let i = 0; i < count; i++) {
    const user = await client.newUser();
    const jar = new CookieJar();
    await client.login(jar, user);
    out.push({ jar, user });
  }
  return out;
}

/** Calls the API for every user on both instances every 250 ms for `ms`: every status seen, and when each round ended. */
async function keepCalling(a: Client, b: Client, jars: CookieJar[], ms: number): Promise<{ at: number; statuses: number[] }[]> {
  const rounds = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const statuses = await Promise.all(jars.flatMap((jar) => [a, b].map((c) => c.app('/api/backend/notes', { jar }).then((r) => r.status))));
    rounds.push({ at: Date.now(), statuses });
    await sleep(250);
  }
  return rounds;
}

/** Nobody signed out (no 401) during a failover, and every call answers 200 from `boundMs` after `from` on. */
function expectRecovered(rounds: { at: number; statuses: number[] }[], from: number, boundMs: number): void {
  expect(rounds.flatMap((r) => r.statuses).filter((s) => s !== 200 && s !== 503)).toEqual([]);
  const lastUnavailable = rounds.filter((r) => r.statuses.some((s) => s !== 200)).at(-1);
  const recoveredAt = lastUnavailable?.at ?? from;
  console.info(`recovered ${recoveredAt - from} ms after the failure; ${rounds.flatMap((r) => r.statuses).filter((s) => s === 503).length} answers 503 on the way`);
  expect(recoveredAt - from).toBeLessThan(boundMs);
  expect(rounds.at(-1)!.statuses.every((s) => s === 200)).toBe(true);
}

const recordKeyOf = (jar: CookieJar) => `bff:session:${jar.cookies.get(sessionCookieName(jar)!)!.split('.')[0]}`;

describe('Redis Cluster (3 masters + 3 replicas) behind two proxy.ts instances', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  describe('server-held sessions', () => {
    let stack: Stack;
    let a: Client;
    let b: Client;
    beforeAll(async () => {
      ({ stack, a, b } = await twoInstances({ REDIS_URL: cluster.url, SESSION_MODE: 'server', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '5/60' }));
    }, 60_000);
    afterAll(() => stack?.stop());

    it('users signed in on one instance until every master holds a record are signed in on the other', async () => {
      const users: Awaited<ReturnType<typeof signIn>> = [];
      const masters = new Set<number>();
      while (masters.size < 3 && users.length < 40) {
        const [user] = await signIn(a, 1);
        users.push(user);
        masters.add(cluster.masterFor(recordKeyOf(user.jar)));
      }
      expect(masters.size).toBe(3);
      for (const { jar, user } of users) expect(await (await b.app('/api/auth/session', { jar })).json()).toMatchObject({ user: { email: user.email } });
    });

    it('a burst at expiry over both instances refreshes once', async () => {
      await a.backend.configure({ accessTtlSeconds: 1 });
      const [{ jar }] = await signIn(a, 1);
      await a.backend.configure({ accessTtlSeconds: 3600 });
      await sleep(1_100);
      const before = (await a.backend.stats()).refreshCalls;
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).app('/api/backend/notes', { jar })));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
      expect((await a.backend.stats()).refreshCalls - before).toBe(1);
    });

    it('the sessions list and "sign out other devices" work across instances', async () => {
      const user = await a.newUser();
      const laptop = new CookieJar();
      const phone = new CookieJar();
      await a.login(laptop, user);
      await b.login(phone, user);
      expect((await (await b.app('/api/auth/sessions', { jar: laptop })).json()).sessions).toHaveLength(2);
      const ended = await b.app('/api/auth/logout', { method: 'POST', jar: laptop, headers: { 'content-type': 'application/json', ...b.sameOrigin() }, body: '{"scope":"others"}' });
      expect(ended.status).toBe(200);
      await sleep(1_100);
      expect((await a.app('/api/backend/notes', { jar: phone })).status).toBe(401);
      expect((await a.app('/api/backend/notes', { jar: laptop })).status).toBe(200);
    });

    it('wrong passwords are limited per identifier across instances (both windows in one slot)', async () => {
      const user = await a.newUser();
      const wrong = (c: Client) => c.app('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...c.sameOrigin() }, body: JSON.stringify({ ...user, password: 'wrong' }) });
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await wrong(i % 2 ? a : b)).status);
      expect(statuses.slice(0, 5).every((s) => s === 401 || s === 422)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429]);
    });

    it('a master crashes mid-run and its replica is promoted: nobody is signed out, service is back within 15 s', async () => {
      const users = await signIn(a, 6);
      await sleep(500); // replicated
      const victim = cluster.masterFor(recordKeyOf(users[0].jar));
      const calls = keepCalling(a, b, users.map((u) => u.jar), 20_000);
      await sleep(1_000);
      const crashedAt = Date.now();
      cluster.crash(victim);
      expectRecovered(await calls, crashedAt, 15_000);
      await cluster.healthy();
    }, 60_000);
  });

  describe('cookie sessions with the store for revocation and coordination', () => {
    let stack: Stack;
    let a: Client;
    let b: Client;
    beforeAll(async () => {
      ({ stack, a, b } = await twoInstances({ REDIS_URL: cluster.url }));
    }, 60_000);
    afterAll(() => stack?.stop());

    it('a logged-out cookie copy is refused on the other instance; a burst at expiry refreshes once', async () => {
      const [{ jar }] = await signIn(a, 1);
      const copy = jar.clone();
      expect((await a.app('/api/auth/logout', { method: 'POST', jar, headers: { 'content-type': 'application/json', ...a.sameOrigin() }, body: '{}' })).status).toBe(200);
      await sleep(5_100);
      expect((await b.app('/api/backend/notes', { jar: copy })).status).toBe(401);

      await a.backend.configure({ accessTtlSeconds: 1 });
      const [{ jar: fresh }] = await signIn(a, 1);
      await a.backend.configure({ accessTtlSeconds: 3600 });
      await sleep(1_100);
      const before = (await a.backend.stats()).refreshCalls;
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).app('/api/backend/notes', { jar: fresh.clone() })));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
      expect((await a.backend.stats()).refreshCalls - before).toBe(1);
    }, 30_000);
  });
});

describe('Redis Sentinel (master, replica, 3 sentinels) behind two proxy.ts instances, server-held sessions', () => {
  let sentinel: RedisSentinel;
  /** The master the crash above killed: the next test brings it back. */
  let crashed: number | undefined;
  let stack: Stack;
  let a: Client;
  let b: Client;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    ({ stack, a, b } = await twoInstances({ REDIS_URL: sentinel.url, SESSION_MODE: 'server' }));
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await sentinel?.stop();
  });

  it.each([
    ['a graceful SENTINEL FAILOVER', () => sentinel.failover()],
    ['a crash of the master', async () => void (crashed = await sentinel.crashMaster())],
  ])('%s mid-run: nobody is signed out, writes work again within 15 s', async (_name, fail) => {
    const users = await signIn(a, 4);
    await sleep(500); // replicated
    const calls = keepCalling(a, b, users.map((u) => u.jar), 20_000);
    await sleep(1_000);
    const failedAt = Date.now();
    await fail();
    expectRecovered(await calls, failedAt, 15_000);
    // Writes reach the new master: a new sign-in and its sessions list.
    const [{ jar }] = await signIn(b, 1);
    expect((await (await a.app('/api/auth/sessions', { jar })).json()).sessions).toHaveLength(1);
  }, 90_000);

  it('the crashed master comes back empty, believing it is the master: nobody is signed out, nothing is read from it', async () => {
    expect(crashed, 'runs after the crash above').toBeDefined();
    const users = await signIn(a, 4);
    await sleep(500); // replicated
    await sentinel.restartEmpty(crashed!);
    // Until the sentinels make it a replica of the new master, it answers as an empty master on its old address; every
    // instance reconnects now, and must ask the sentinels rather than dial the address it knew.
    sentinel.dropClients();
    const calls = await keepCalling(a, b, users.map((u) => u.jar), 12_000);
    expect(calls.flatMap((r) => r.statuses).filter((s) => s === 401)).toEqual([]);
    expect(calls.at(-1)!.statuses.every((s) => s === 200)).toBe(true);
  }, 90_000);
});
