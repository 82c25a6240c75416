import { NextRequest } from 'next/server';
import { bench, describe } from 'vitest';
import { handle } from '@/edge/handle';
import { createRuntime } from '@/edge/runtime';
import { sessionCookie } from '@/edge/testing';
import { testConfig } from '../../tests/helpers/unit';

// The BFF's own work on a proxied call, the backend answered at once: what the middleware adds per request beyond
// Next's routing and the network (issue 21).
const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const env = { SESSION_SECRET: SECRET, NODE_ENV: 'production', APP_URL: 'http://localhost:3000' };
const rt = await createRuntime({
  config: testConfig(env),
  fetch: async () => new Response('{"data":[]}', { headers: { 'content-type': 'application/json', 'content-length': '11' } }),
});
const { header } = await sessionCookie({ user: { id: '1', email: 'demo@example.com' }, env: { ...env, BACKEND_URL: 'http://backend.test/api' } });
const headers = { accept: 'text/html', cookie: `${header}; theme=dark; _ga=GA1.2.123456789.1700000000` };

describe('proxied call (plain Node, backend stubbed)', () => {
  bench('request and answer only (the floor)', async () => {
    void new NextRequest('http://localhost:3000/api/backend/notes', { headers });
    await new Response('{"data":[]}', { headers: { 'content-type': 'application/json', 'content-length': '11' } }).arrayBuffer();
  });
  bench('the middleware on /api/backend/notes with a valid session', async () => {
    const res = await handle(new NextRequest('http://localhost:3000/api/backend/notes', { headers }), rt);
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    await res.arrayBuffer();
  });
});
