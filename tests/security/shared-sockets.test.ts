import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, CookieJar } from '../helpers/client';
import { startDjangoStack, type DjangoStack } from '../helpers/django';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';

const PASSWORD = 'demo-password';
/** What an attacker stores in a file of theirs: bytes that read as a whole HTTP answer with a cookie. */
const CRAFTED = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nSet-Cookie: planted=1; Path=/\r\nContent-Length: 16\r\n\r\n{"crafted":true}';

/**
 * The proxy's kept-alive sockets are shared by every user's calls. gunicorn 20.1 writes a body after a HEAD answer
 * (and a broken app may send bytes with a 204): a socket that carried such an answer must never serve the next call,
 * or those bytes become another user's answer. Real gunicorn + Django REST framework, on both runtimes.
 */
describe.each(RUNTIMES)('no user ever receives an answer written for another request (%s)', (runtime) => {
  let stack: DjangoStack;
  let c: ReturnType<typeof clientFor>;
  const victims = ['alice@example.com', 'bob@example.com', 'demo@example.com'].map((email) => ({ email, jar: new CookieJar() }));
  const mallory = new CookieJar();

  beforeAll(async () => {
    stack = await startDjangoStack({}, {}, appDirFor(runtime));
    c = clientFor({ app: () => stack.appUrl, backend: () => stack.djangoUrl });
    for (const v of victims) await c.login(v.jar, { email: v.email, password: PASSWORD });
    await c.login(mallory, { email: 'mallory@example.com', password: PASSWORD });
  }, 90_000);
  afterAll(() => stack?.stop());

  it('while one user sends HEAD to a file of crafted bytes and calls a 204 that carries them, every other call gets its own answer', async () => {
    const file = encodeURIComponent(CRAFTED);
    const attacks: Promise<unknown>[] = [];
    const calls: Promise<{ id: string; status: number; body: string; cookies: string[] }>[] = [];
    for (let i = 0; i < 240; i++) {
      if (i % 3 === 0) attacks.push(c.app(`/api/backend/api/files/stored/?content=${file}`, { method: 'HEAD', jar: mallory }).catch(() => undefined));
      if (i % 8 === 0) attacks.push(c.app(`/api/backend/api/empty-with-body/?content=${file}`, { jar: mallory }).catch(() => undefined));
      const victim = victims[i % victims.length];
      const id = `r${i}-${victim.email.split('@')[0]}`;
      calls.push(
        c.app(`/api/backend/api/echo/${id}/`, { jar: victim.jar.clone() }).then(async (res) => ({ id, status: res.status, body: await res.text(), cookies: res.headers.getSetCookie() })),
      );
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 5));
    }
    const answers = await Promise.all(calls);
    await Promise.all(attacks);
    const foreign = answers.filter((a) => a.status !== 200 || !a.body.includes(`"raw_uri":"/api/echo/${a.id}/"`) || a.cookies.some((k) => k.startsWith('planted')));
    expect(foreign.map((a) => `${a.id}: ${a.status} ${a.body.slice(0, 80)}`)).toEqual([]);
  });

  it('a HEAD answers with headers only, and a 204 with no body, whatever bytes followed them', async () => {
    const head = await c.app(`/api/backend/api/files/stored/?content=${encodeURIComponent(CRAFTED)}`, { method: 'HEAD', jar: mallory });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const empty = await c.app(`/api/backend/api/empty-with-body/?content=${encodeURIComponent(CRAFTED)}`, { jar: mallory });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('platform headers a client forges (X-Vercel-Forwarded-For, x-open-next-*, CF-Connecting-IP) never reach the backend', async () => {
    const res = await c.app('/api/backend/api/echo/headers/', {
      jar: victims[0].jar,
      headers: { 'x-vercel-forwarded-for': '203.0.113.9', 'x-vercel-ip-country': 'ZZ', 'x-open-next-region': 'forged', 'cf-connecting-ip': '203.0.113.9', 'true-client-ip': '203.0.113.9' },
    });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(Object.keys(headers).filter((h) => /^(x-vercel-|x-open-next-|cf-|true-client-ip)/.test(h))).toEqual([]);
    expect(JSON.stringify(headers)).not.toContain('203.0.113.9');
  });
});
