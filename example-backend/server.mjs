// The bundled example backend: the "envelope" contract of the article this project grew from,
// a small notes API behind a bearer token, and (with TEST_HOOKS=1) controls and counters for tests.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createTokenService } from './tokens.mjs';

const env = process.env;
const port = Number(env.PORT ?? 4000);
const testHooks = env.TEST_HOOKS === '1';
const tokens = createTokenService({
  accessTtlSeconds: Number(env.ACCESS_TTL_SECONDS ?? 60),
  refreshTtlSeconds: Number(env.REFRESH_TTL_SECONDS ?? 7 * 24 * 3600),
});

const users = new Map([['demo@example.com', { id: 1, email: 'demo@example.com', name: 'Demo User', password: 'demo-password' }]]);
const notes = new Map(); // userId -> [{ id, text, createdAt }]
const stats = { loginCalls: 0, refreshCalls: 0, logoutCalls: 0 };
const faults = { refreshDelayMs: 0, refreshFailures: 0, refreshStatus: 503 };

const publicUser = ({ id, email, name }) => ({ id, email, name });

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readJson(req) {
  const raw = (await readBody(req)).toString('utf8');
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const routes = {
  async 'POST /auth/login'(req, res) {
    stats.loginCalls++;
    const body = await readJson(req);
    if (!body) return send(res, 400, { message: 'Malformed JSON.' });
    const errors = {};
    if (!body.email) errors.email = ['The email field is required.'];
    else if (!String(body.email).includes('@')) errors.email = ['The email must be a valid email address.'];
    if (!body.password) errors.password = ['The password field is required.'];
    if (Object.keys(errors).length) return send(res, 422, { message: 'The given data was invalid.', data: errors });
    const user = users.get(String(body.email).toLowerCase());
    if (!user || user.password !== body.password) return send(res, 401, { message: 'These credentials do not match our records.' });
    send(res, 200, { data: await tokens.login(publicUser(user)) });
  },

  async 'POST /auth/refresh'(req, res) {
    stats.refreshCalls++;
    const body = await readJson(req);
    if (faults.refreshDelayMs) await sleep(faults.refreshDelayMs);
    if (faults.refreshFailures > 0) {
      faults.refreshFailures--;
      return send(res, faults.refreshStatus, { message: 'Temporarily unavailable.' });
    }
    if (!body?.refresh_token) return send(res, 400, { message: 'refresh_token is required.', error: 'invalid_request' });
    const result = await tokens.rotate(body.refresh_token);
    if (!result.ok) return send(res, 401, { message: `Refresh token rejected (${result.reason}).`, error: 'invalid_grant' });
    send(res, 200, { data: result.grant });
  },

  async 'GET /auth/profile'(req, res, auth) {
    send(res, 200, { data: { user: auth.user } });
  },

  async 'POST /auth/logout'(req, res) {
    stats.logoutCalls++;
    const body = await readJson(req);
    const auth = await tokens.verify(req.headers.authorization);
    if (auth) tokens.revokeFamily(auth.familyId);
    if (body?.refresh_token) tokens.revokeByRefreshToken(body.refresh_token);
    send(res, 200, { message: 'Logged out.' });
  },

  async 'GET /notes'(req, res, auth) {
    send(res, 200, { data: notes.get(auth.user.id) ?? [] });
  },

  async 'POST /notes'(req, res, auth) {
    const body = await readJson(req);
    const text = typeof body?.text === 'string' ? body.text.trim() : '';
    if (!text) return send(res, 422, { message: 'The given data was invalid.', data: { text: ['The text field is required.'] } });
    const note = { id: randomUUID(), text: text.slice(0, 500), createdAt: new Date().toISOString() };
    notes.set(auth.user.id, [...(notes.get(auth.user.id) ?? []), note]);
    send(res, 201, { data: note });
  },
};

const PUBLIC = new Set(['POST /auth/login', 'POST /auth/refresh', 'POST /auth/logout']);

const testRoutes = {
  async 'GET /__test/stats'(req, res) {
    send(res, 200, { ...stats, ...faults, accessTtlSeconds: tokens.settings.accessTtlSeconds });
  },
  async 'POST /__test/reset'(req, res) {
    Object.assign(stats, { loginCalls: 0, refreshCalls: 0, logoutCalls: 0 });
    Object.assign(faults, { refreshDelayMs: 0, refreshFailures: 0, refreshStatus: 503 });
    tokens.settings.accessTtlSeconds = Number(env.ACCESS_TTL_SECONDS ?? 60);
    send(res, 200, { ok: true });
  },
  async 'POST /__test/config'(req, res) {
    const body = (await readJson(req)) ?? {};
    if (body.accessTtlSeconds !== undefined) tokens.settings.accessTtlSeconds = body.accessTtlSeconds;
    for (const key of Object.keys(faults)) if (body[key] !== undefined) faults[key] = body[key];
    send(res, 200, { ok: true });
  },
  async 'POST /__test/users'(req, res) {
    const body = (await readJson(req)) ?? {};
    const user = { id: users.size + 1, email: body.email, name: body.name ?? body.email, password: body.password };
    users.set(body.email, user);
    send(res, 201, { data: publicUser(user) });
  },
};

async function echo(req, res) {
  const url = new URL(req.url, 'http://backend');
  const body = await readBody(req);
  send(res, 200, { method: req.method, path: url.pathname, query: url.search, headers: req.headers, bodyLength: body.length });
}

const server = createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, 'http://backend');
    const key = `${req.method} ${pathname}`;
    if (testHooks && testRoutes[key]) return await testRoutes[key](req, res);
    if (testHooks && pathname.startsWith('/echo')) return await echo(req, res);
    const route = routes[key];
    if (!route) return send(res, 404, { message: 'Not found.' });
    if (PUBLIC.has(key)) return await route(req, res);
    const auth = await tokens.verify(req.headers.authorization);
    if (!auth) return send(res, 401, { message: 'Unauthenticated.' }, { 'www-authenticate': 'Bearer' });
    await route(req, res, auth);
  } catch (error) {
    console.error('example-backend error:', error?.message);
    if (!res.headersSent) send(res, 500, { message: 'Server error.' });
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`example backend listening on http://127.0.0.1:${port} (access tokens live ${tokens.settings.accessTtlSeconds} s)`);
});
