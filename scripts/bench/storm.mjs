// The refresh storm: two instances sharing Redis (through the Upstash REST fixture at `upstashUrl`), one backend
// with single-use rotating refresh tokens, a session whose access token has expired, 50 requests at once
// spread over both instances. Counts what the backend saw and whether anybody was logged out.
import { freePort, startApp, startBackend, waitForHttp } from '../lib/processes.mjs';

export async function refreshStorm({ dir, secret, procs, pinned, upstashUrl, requests = 50 }) {
  const [backendPort, a, b] = await Promise.all([freePort(), freePort(), freePort()]);
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  procs.push(pinned(startBackend(backendPort, { TEST_HOOKS: '1' })));
  const env = { BACKEND_URL: backendUrl, SESSION_SECRET: secret, UPSTASH_REDIS_REST_URL: upstashUrl, UPSTASH_REDIS_REST_TOKEN: 'bench', RATE_LIMIT_ON_ERROR: 'open' };
  const instances = [a, b].map((port) => `http://127.0.0.1:${port}`);
  for (const port of [a, b]) procs.push(pinned(startApp(port, env, false, dir)));
  await Promise.all([waitForHttp(`${backendUrl}/__test/stats`), ...instances.map((u) => waitForHttp(`${u}/`, 60_000))]);

  const hook = (path, body) => fetch(`${backendUrl}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
  await hook('/__test/config', { accessTtlSeconds: 1 });
  const login = await fetch(`${instances[0]}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: instances[0] },
    body: JSON.stringify({ email: 'demo@example.com', password: 'demo-password' }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  await hook('/__test/config', { accessTtlSeconds: 3600 });
  await new Promise((r) => setTimeout(r, 1100));
  await hook('/__test/reset');
  await hook('/__test/config', { accessTtlSeconds: 3600 });

  const responses = await Promise.all(
    Array.from({ length: requests }, (_, i) => fetch(`${instances[i % 2]}/api/backend/notes`, { headers: { cookie }, redirect: 'manual' })),
  );
  const stats = await (await fetch(`${backendUrl}/__test/stats`)).json();
  const logouts = responses.filter((r) => r.status === 401 || r.headers.getSetCookie().some((c) => /Max-Age=0/i.test(c))).length;
  const cookies = new Set(responses.map((r) => r.headers.getSetCookie().find((c) => c.includes('bff_session='))?.split(';')[0]));
  return { requests, instances: 2, refresh_calls: stats.refreshCalls, logouts, ok: responses.filter((r) => r.status === 200).length, distinct_new_cookies: cookies.size };
}
