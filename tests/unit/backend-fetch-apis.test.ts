import { describe, expect, it, vi } from 'vitest';
import { backendFetch } from '@/edge/server/backend-fetch';
import { sealSession } from '@/edge/session/codec';
import { MemoryStore } from '../helpers/memory-store';
import { fakeFetch, runtime, session } from '../helpers/unit';

/** The request being rendered, as Next's `cookies()` and `headers()` give it to a Server Component (read-only). */
const incoming = vi.hoisted(() => ({ cookies: new Map<string, string>() }));
vi.mock('next/headers', () => ({
  cookies: async () => ({
    get: (name: string) => (incoming.cookies.has(name) ? { name, value: incoming.cookies.get(name) } : undefined),
    getAll: () => [...incoming.cookies].map(([name, value]) => ({ name, value })),
    set: () => {
      throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
    },
  }),
  headers: async () => new Headers({ host: 'localhost:3000' }),
}));
vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: () => undefined, connection: async () => undefined }));

const OAUTH2 = { AUTH_PRESET: 'oauth2', AUTH_CLIENT_ID: 'bff', AUTH_CLIENT_SECRET: 'bff-secret' };
const BACKENDS = {
  files: { url: 'http://files.test', token: 'user', resource: 'urn:files' },
  partner: { url: 'http://partner.test', token: 'client', scope: 'orders' },
} as const;

function network() {
  let n = 0;
  return fakeFetch((url, init) => {
    if (url.pathname === '/api/oauth/token') {
      const form = new URLSearchParams(String(init.body));
      return Response.json({ access_token: `${form.get('grant_type')}:${form.get('resource') ?? form.get('scope')}`, expires_in: 60, refresh_token: `rt-${++n}` });
    }
    return Response.json({ host: url.host, authorization: new Headers(init.headers).get('authorization') });
  });
}

describe('backendFetch(path, init, { api }) in server code', () => {
  it("calls the named API with its policy's token: the app's own, or the user's minted for that API", async () => {
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: network().fetch, store: new MemoryStore() });
    incoming.cookies.clear();
    expect(await (await backendFetch(rt, '/orders', {}, { api: 'partner' })).json()).toEqual({ host: 'partner.test', authorization: 'Bearer client_credentials:orders' });
    expect((await backendFetch(rt, '/f', {}, { api: 'files' })).status).toBe(401);
    incoming.cookies.set(rt.config.cookie.name, await sealSession(session({ refreshToken: 'rt-0' }), rt.keyring));
    expect(await (await backendFetch(rt, '/f', {}, { api: 'files' })).json()).toEqual({ host: 'files.test', authorization: 'Bearer refresh_token:urn:files' });
    expect(await (await backendFetch(rt, '/notes')).json()).toEqual({ host: 'backend.test', authorization: 'Bearer access-1' });
  });

  it('an API name that is not configured is a programming error: a TypeError naming the configured ones', async () => {
    const rt = await runtime({ env: OAUTH2, backends: BACKENDS, fetch: network().fetch });
    await expect(backendFetch(rt, '/x', {}, { api: 'fils' })).rejects.toThrow('no API is named "fils" (configured: backend, files, partner)');
  });
});
