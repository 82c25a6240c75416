import { describe, expect, it } from 'vitest';
import { createBff } from '@/edge/bff';
import { handle } from '@/edge/handle';
import { authHandlers } from '@/edge/routes';
import { request, runtime, SECRET } from '../helpers/unit';

describe('the auth endpoints under one prefix', () => {
  it('anything under /api/auth that is not an endpoint is a JSON 404 from the middleware, before Next routes it', async () => {
    const rt = await runtime();
    for (const path of ['/api/auth/nope', '/api/auth/%zz', '/api/auth/login/extra', '/api/auth/__proto__', '/api/auth']) {
      const res = await handle(request(path), rt);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('a known endpoint with the wrong method is a 405 with Allow', async () => {
    const rt = await runtime();
    const res = await handle(request('/api/auth/session', { method: 'DELETE' }), rt);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(await res.json()).toMatchObject({ error: 'method_not_allowed' });
  });

  it('the handlers of one catch-all route file answer every endpoint', async () => {
    const handlers = authHandlers(createBff({ env: { BACKEND_URL: 'http://backend.test/api', SESSION_SECRET: SECRET } }));
    const session = await handlers.GET(request('/api/auth/session'));
    expect(await session.json()).toEqual({ user: null });
    const logout = await handlers.POST(request('/api/auth/logout', { method: 'POST', headers: { origin: 'http://localhost:3000' } }));
    expect(await logout.json()).toEqual({ ok: true, scope: 'local' });
    expect((await handlers.POST(request('/api/auth/session', { method: 'POST' }))).status).toBe(405);
    expect((await handlers.GET(request('/api/auth/other'))).status).toBe(404);
  });
});
