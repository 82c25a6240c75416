import { describe, expect, it } from 'vitest';
import { app, CookieJar, login } from '../helpers/client';

describe('route protection', () => {
  it('an anonymous visitor to a protected page is sent to /login with next, on a relative Location', async () => {
    const res = await app('/dashboard?tab=1');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard%3Ftab%3D1');
  });

  it('the redirect never points at localhost when the visitor used another host', async () => {
    const res = await app('/account', { headers: { host: 'shop.example.test' } });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).not.toMatch(/localhost|127\.0\.0\.1/);
    expect(res.headers.get('location')).toMatch(/^\/login\?next=/);
  });

  it('an anonymous API call gets 401 JSON, not a redirect', async () => {
    const res = await app('/api/backend/notes');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('a browser prefetch of a protected page neither redirects nor renders it', async () => {
    const res = await app('/dashboard', { headers: { 'sec-purpose': 'prefetch' } });
    expect(res.status).toBe(204);
  });

  it('a signed-in visitor to /login goes to next (validated) or /', async () => {
    const jar = new CookieJar();
    await login(jar);
    const toNext = await app('/login?next=%2Fdashboard', { jar });
    expect(toNext.status).toBe(307);
    expect(toNext.headers.get('location')).toBe('/dashboard');
    const evil = await app('/login?next=%2F%2Fevil.example', { jar });
    expect(evil.headers.get('location')).toBe('/');
  });

  it('a signed-in visitor sees the protected page, rendered with their server data', async () => {
    const jar = new CookieJar();
    await login(jar);
    const res = await app('/dashboard', { jar });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('data-testid="dashboard-user"');
    expect(html).toContain('No notes yet.');
    expect(html).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });

  it('public pages and assets pass without a session', async () => {
    expect((await app('/')).status).toBe(200);
    expect((await app('/login')).status).toBe(200);
  });
});
