import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/processes.mjs';
import { clientFor, CookieJar, sleep } from '../helpers/client';
import { startFixture, startStack, type Stack } from '../helpers/stack';

/**
 * The running app follows a policy document served by a local Edge Config API server
 * (`EDGE_CONFIG=http://127.0.0.1:PORT/<id>?token=…`), within its 1 s TTL, and keeps the last
 * good policy when the store breaks or serves nonsense.
 */
describe('runtime policy from Edge Config', () => {
  let stack: Stack;
  let ecfg: Awaited<ReturnType<typeof startFixture>>;
  let ecfgUrl: string;
  let c: ReturnType<typeof clientFor>;

  const setPolicy = (policy: unknown) => fetch(`${ecfgUrl}/__items`, { method: 'POST', body: JSON.stringify(policy === undefined ? {} : { bff: policy }) });
  const setMode = (mode: string) => fetch(`${ecfgUrl}/__mode`, { method: 'POST', body: JSON.stringify({ mode }) });
  const afterTtl = () => sleep(1300);

  beforeAll(async () => {
    const port = await freePort();
    ecfgUrl = `http://127.0.0.1:${port}`;
    ecfg = await startFixture('edge-config-server.mjs', [port, 'ecfg_test', 'ecfg-token'], `${ecfgUrl}/__probe`);
    stack = await startStack({}, () => ({ EDGE_CONFIG: `${ecfgUrl}/ecfg_test?token=ecfg-token`, POLICY_TTL_SECONDS: '1' }));
    c = clientFor({ app: () => stack.appUrl, backend: () => stack.backendUrl });
  });
  afterAll(async () => {
    await stack?.stop();
    await ecfg?.stop();
  });

  it('without the key, the built-in defaults apply', async () => {
    await setPolicy(undefined);
    await afterTtl();
    expect((await c.app('/account')).status).toBe(307);
    expect((await c.app('/reports')).status).toBe(404);
  });

  it('a changed document is followed within the TTL: protected paths, then maintenance', async () => {
    await setPolicy({ protectedPaths: ['/reports'] });
    await afterTtl();
    const reports = await c.app('/reports/q3');
    expect(reports.status).toBe(307);
    expect(reports.headers.get('location')).toBe('/login?next=%2Freports%2Fq3');
    expect((await c.app('/account')).status).toBe(404); // no longer protected (and no such page)

    const jar = new CookieJar();
    await c.login(jar);
    await setPolicy({ maintenance: { enabled: true, message: 'Upgrading the database, back at 10:00 UTC.' } });
    await afterTtl();
    const api = await c.app('/api/backend/notes', { jar });
    expect(api.status).toBe(503);
    expect(await api.json()).toMatchObject({ error: 'maintenance', message: 'Upgrading the database, back at 10:00 UTC.' });
    const login = await c.app('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...c.sameOrigin() },
      body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
    });
    expect(login.status).toBe(503);
    expect((await c.app('/', { jar })).status).toBe(200); // pages stay up
  });

  it('a broken store or an invalid document keeps the last good policy, with one warning', async () => {
    const jar = new CookieJar();
    await setPolicy({ maintenance: { enabled: false }, allowedOrigins: ['https://admin.example.com'] });
    await afterTtl();
    await c.login(jar);
    const fromAdmin = () =>
      c.app('/api/backend/notes', { method: 'POST', jar, headers: { origin: 'https://admin.example.com', 'content-type': 'application/json' }, body: '{"text":"x"}' });
    expect((await fromAdmin()).status).toBe(201); // the extra origin is allowed

    const warnings = () => stack.apps[0].output().split('policy_invalid_or_unreachable').length - 1;
    const before = warnings();
    // A failing store: the SDK serves its last answer (stale-if-error) or throws, and we keep the last good policy.
    for (const mode of ['error', 'down', 'garbage']) {
      await setMode(mode);
      await afterTtl();
      expect((await fromAdmin()).status).toBe(201);
      expect((await c.app('/')).status).toBe(200);
      expect((await c.app('/account')).status).toBe(307); // fields the document left out keep their defaults
    }
    expect(warnings() - before).toBeLessThanOrEqual(1);

    // An invalid document is not applied at all, and is reported once however often it is read.
    await setMode('ok');
    await afterTtl(); // a good read ends the failure streak
    expect((await c.app('/')).status).toBe(200);
    const beforeInvalid = warnings();
    await setPolicy({ protectedPaths: 'not-a-list', maintenance: { enabled: true } });
    await afterTtl();
    expect((await c.app('/api/backend/notes', { jar })).status).toBe(200);
    await afterTtl();
    expect((await fromAdmin()).status).toBe(201);
    expect(warnings() - beforeInvalid).toBe(1);
    expect(stack.apps[0].output()).toContain('protectedPaths must be a non-empty array');
  });
});
