import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeJwt } from 'jose';
import { clientFor, CookieJar } from '../helpers/client';
import { startDjangoStack, type DjangoStack } from '../helpers/django';
import { startOidcProvider, type OidcProvider } from '../helpers/oidc';
import { appDirFor, RUNTIMES } from '../helpers/proxy-ts';
import { upstashEnv } from '../helpers/stack';

const DEMO = { email: 'demo@example.com', password: 'demo-password' };
const MACHINE = { clientId: 'partner-client', clientSecret: 'partner-secret-0123456789', resource: 'urn:partner' };

interface Echo {
  headers: Record<string, string>;
}

/**
 * Three real servers behind one app, each under its own prefix with its own token policy: Django REST framework +
 * SimpleJWT (the sign-in backend, `user` under /api/backend and `user-or-none` under /api/catalogue), oidc-provider as
 * the token service of a partner API (`client`: client credentials with an RFC 8707 resource), and the example backend
 * as that partner API (it echoes what it received). Two `next start` instances share the store (Upstash REST on the
 * edge, redis-server on Node), on both runtimes.
 */
describe.each(RUNTIMES)('several APIs, each with its own token policy (%s)', (runtime) => {
  let op: OidcProvider;
  let stack: DjangoStack;
  const partnerEcho = () => `${inject('backendUrl')}/echo`;

  beforeAll(async () => {
    op = await startOidcProvider(['http://127.0.0.1:9'], 300, { machineClient: MACHINE });
    const { resource, ...client } = MACHINE;
    const store = runtime === 'Node proxy.ts' ? { REDIS_URL: inject('redisUrl') } : upstashEnv();
    const backends = (djangoUrl: string) => ({
      catalogue: { url: djangoUrl, token: 'user-or-none' },
      partner: { url: partnerEcho(), token: 'client', tokenUrl: `${op.issuer}/token`, ...client, resource, scope: 'read' },
    });
    stack = await startDjangoStack({}, (djangoUrl) => ({ ...store, BACKENDS: JSON.stringify(backends(djangoUrl)) }), appDirFor(runtime), 2);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await op?.proc.stop();
  });

  it('a burst of 20 calls to the client API across both instances: one client-credentials grant, a token for that API alone', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${stack.appUrls[i % 2]}/api/partner`, { headers: { origin: stack.appUrls[i % 2] } })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as Echo).headers.authorization)));
    expect(tokens.size).toBe(1);
    const [authorization] = [...tokens];
    const claims = decodeJwt(authorization.replace(/^Bearer /, ''));
    expect(claims).toMatchObject({ aud: MACHINE.resource, client_id: MACHINE.clientId, iss: op.issuer, scope: 'read' });
    expect((await op.stats()).clientCredentialsGrants).toBe(1);
  });

  it('signed out: the user API refuses with 401, the user-or-none API is called without a token', async () => {
    const c = clientFor({ app: () => stack.appUrl, backend: () => stack.djangoUrl });
    const refused = await c.app('/api/backend/api/echo/', { headers: c.sameOrigin() });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'unauthenticated' });
    const open = await c.app('/api/catalogue/api/echo/', { headers: c.sameOrigin() });
    expect(open.status).toBe(200);
    expect(((await open.json()) as Echo).headers.authorization).toBeUndefined();
  });

  it("signed in: Django accepts the user's own token on both of its prefixes, and the partner API still gets the app's token, never the user's", async () => {
    const c = clientFor({ app: () => stack.appUrls[1], backend: () => stack.djangoUrl });
    const jar = new CookieJar();
    await c.login(jar, DEMO);
    const seen = async (path: string) => {
      const res = await c.app(path, { jar, headers: c.sameOrigin() });
      expect(res.status, path).toBe(200);
      return ((await res.json()) as Echo).headers.authorization;
    };
    const user = await seen('/api/backend/api/echo/');
    expect(decodeJwt(user.replace(/^Bearer /, ''))).toMatchObject({ token_type: 'access' });
    expect(await seen('/api/catalogue/api/echo/')).toBe(user);
    const partner = await seen('/api/partner');
    expect(partner).not.toBe(user);
    expect(decodeJwt(partner.replace(/^Bearer /, ''))).toMatchObject({ aud: MACHINE.resource });
  });
});
