import { afterEach, describe, expect, it, vi } from 'vitest';
import { handle } from '@/edge/handle';
import { sealSession } from '@/edge/session/codec';
import { envelopeGrant, fakeFetch, request, runtime, session } from '../helpers/unit';

afterEach(() => vi.restoreAllMocks());

describe('BFF_DEBUG: one line per decision', () => {
  it('says what was decided (route, session, refresh, target path) with a request id, and never a token or cookie value', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const backend = fakeFetch((url) => (url.pathname.endsWith('/auth/refresh') ? envelopeGrant('access-SECRET-2', 'refresh-SECRET-2') : Response.json({ ok: true })));
    const rt = await runtime({ fetch: backend.fetch, env: { BFF_DEBUG: '1' } });
    const sealed = await sealSession(session({ accessToken: 'access-SECRET-1', refreshToken: 'refresh-SECRET-1', accessExpiresAt: Date.now() + 5_000 }), rt.keyring);
    await handle(request('/api/backend/notes/?q=secret-query', { headers: { cookie: `${rt.config.cookie.name}=${sealed}`, 'x-request-id': 'req-42' } }), rt);
    await handle(request('/dashboard'), rt);

    const lines = info.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(lines[0]).toEqual({
      level: 'debug', source: 'bff', event: 'decision', rid: 'req-42', method: 'GET',
      route: 'backend', session: 'valid', refresh: 'refreshed', target: '/api/notes/', decision: 'respond', status: 200,
    });
    expect(lines[1]).toMatchObject({ route: 'protected', decision: 'respond', status: 307 });
    expect(lines[1].rid).toMatch(/^[0-9a-f-]{36}$/);
    const all = JSON.stringify(lines);
    expect(all).not.toMatch(/SECRET|secret-query/);
    expect(all).not.toContain(sealed.slice(0, 20));
  });

  it('is silent when off', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    await handle(request('/dashboard'), await runtime());
    expect(info).not.toHaveBeenCalled();
  });
});
