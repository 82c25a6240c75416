// The bundled example backend. AUTH_MODE picks the contract it speaks: `envelope` (default; the
// article's), `oauth2` (RFC 6749) or `simplejwt` (Django REST framework SimpleJWT). All modes share a
// small notes API behind the bearer and, with TEST_HOOKS=1, controls and counters for the tests.
import { createServer } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { envelopeRoutes } from './contracts/envelope.mjs';
import { oauth2Routes } from './contracts/oauth2.mjs';
import { simplejwtRoutes } from './contracts/simplejwt.mjs';
import { dpopVerifier } from './dpop.mjs';
import { createTokenService } from './tokens.mjs';

const env = process.env;
const port = Number(env.PORT ?? 4000);
const mode = env.AUTH_MODE ?? 'envelope';
const testHooks = env.TEST_HOOKS === '1';
const defaultAccessTtl = Number(env.ACCESS_TTL_SECONDS ?? 60);
const tokens = await createTokenService({
  accessTtlSeconds: defaultAccessTtl,
  refreshTtlSeconds: Number(env.REFRESH_TTL_SECONDS ?? 7 * 24 * 3600),
  alg: env.JWT_ALG,
  secret: env.JWT_SECRET,
  issuer: env.JWT_ISSUER,
  audience: env.JWT_AUDIENCE,
  refreshFormat: mode === 'simplejwt' ? 'jwt' : 'opaque',
  issueRefreshTokens: env.REFRESH_TOKENS !== '0',
});

const accounts = new Map([['demo@example.com', { id: 1, email: 'demo@example.com', name: 'Demo User', password: 'demo-password' }]]);
const publicUser = ({ id, email, name }) => ({ id, email, name });
const users = {
  check(email, password) {
    const account = accounts.get(String(email).trim().toLowerCase());
    return account && account.password === password ? publicUser(account) : null;
  },
};
const notes = new Map(); // userId -> [{ id, text, createdAt }]
const stats = { loginCalls: 0, refreshCalls: 0, logoutCalls: 0, echoCalls: 0 };
const faultSettings = { refreshDelayMs: 0, refreshFailures: 0, refreshStatus: 503, jwksDown: false };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const faults = {
  /** Counts a refresh call and plays any configured fault; true when it already answered. */
  async refresh(req, res) {
    stats.refreshCalls++;
    if (faultSettings.refreshDelayMs) {
      await sleep(faultSettings.refreshDelayMs);
      // A slow backend whose client gave up never processes the request (nothing rotates).
      if (req.socket.destroyed || res.closed) return true;
    }
    if (faultSettings.refreshFailures > 0) {
      faultSettings.refreshFailures--;
      res.writeHead(faultSettings.refreshStatus, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Service Unavailable</h1></body></html>');
      return true;
    }
    return false;
  },
};

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

const readForm = async (req) => new URLSearchParams((await readBody(req)).toString('utf8'));

const proofKey = dpopVerifier();
const helpers = { tokens, users, stats, faults, send, readJson, readForm, env, proofKey };
const contract = { envelope: envelopeRoutes, oauth2: oauth2Routes, simplejwt: simplejwtRoutes }[mode];
if (!contract) throw new Error(`AUTH_MODE must be envelope, oauth2 or simplejwt: got ${mode}`);

const resources = {
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

const openRoutes = {
  ...contract(helpers),
  async 'GET /.well-known/jwks.json'(req, res) {
    if (faultSettings.jwksDown) {
      res.writeHead(503, { 'content-type': 'text/html' });
      return res.end('<html><body>Service Unavailable</body></html>');
    }
    send(res, 200, tokens.jwks);
  },
};

const testRoutes = {
  async 'GET /__test/stats'(req, res) {
    send(res, 200, { ...stats, ...faultSettings, accessTtlSeconds: tokens.settings.accessTtlSeconds });
  },
  async 'POST /__test/reset'(req, res) {
    Object.assign(stats, { loginCalls: 0, refreshCalls: 0, logoutCalls: 0, echoCalls: 0 });
    Object.assign(faultSettings, { refreshDelayMs: 0, refreshFailures: 0, refreshStatus: 503, jwksDown: false });
    tokens.settings.accessTtlSeconds = defaultAccessTtl;
    send(res, 200, { ok: true });
  },
  async 'POST /__test/config'(req, res) {
    const body = (await readJson(req)) ?? {};
    if (body.accessTtlSeconds !== undefined) tokens.settings.accessTtlSeconds = body.accessTtlSeconds;
    for (const key of Object.keys(faultSettings)) if (body[key] !== undefined) faultSettings[key] = body[key];
    send(res, 200, { ok: true });
  },
  async 'POST /__test/rotate-key'(req, res) {
    await tokens.rotateSigningKey();
    send(res, 200, { ok: true });
  },
  async 'POST /__test/users'(req, res) {
    const body = (await readJson(req)) ?? {};
    // Random, not the next number: tests run several backends against one shared store, where two users with the same
    // id would share one list of server-held sessions.
    const account = { id: randomInt(2, 2 ** 47), email: body.email, name: body.name ?? body.email, password: body.password };
    accounts.set(body.email, account);
    send(res, 201, { data: publicUser(account) });
  },
};

/**
 * Test hook: answers what it received; `?delay=ms` answers late, `?status=500` answers an HTML error page,
 * `?cache=<Cache-Control>` answers with that header (a per-user answer a careless API marks cacheable),
 * `?hostile=1` adds the headers a careless API echoing user input could send (Next's internal ones, our cookie's name),
 * `?cut=1` declares a JSON body of 100 bytes, sends 12 and closes the connection (a backend that crashed mid-answer),
 * `?bomb=<MiB>` answers that many MiB of zeros gzip-encoded, whatever was asked (a decompression bomb).
 */
async function echo(req, res) {
  stats.echoCalls++;
  const url = new URL(req.url, 'http://backend');
  const body = await readBody(req);
  const delay = Number(url.searchParams.get('delay') ?? 0);
  if (delay) await sleep(delay);
  const status = Number(url.searchParams.get('status') ?? 200);
  if (status >= 500) {
    res.writeHead(status, { 'content-type': 'text/html' });
    return res.end('<html><body><h1>Internal Server Error</h1></body></html>');
  }
  if (url.searchParams.has('bomb')) {
    const gzipped = gzipSync(Buffer.alloc(Number(url.searchParams.get('bomb')) * 1024 * 1024));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gzipped.length) });
    return res.end(gzipped);
  }
  if (url.searchParams.has('cut')) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"partial": ');
    return setTimeout(() => res.socket?.destroy(), 50);
  }
  const extra = url.searchParams.has('hostile')
    ? {
        'x-middleware-rewrite': 'http://127.0.0.1:9/stolen',
        'x-middleware-set-cookie': '__Host-bff_session=evil; Path=/',
        'x-middleware-next': '1',
        'x-nextjs-redirect': '/evil',
        'set-cookie': ['__Host-bff_session=evil; Path=/; Secure', '__Host-bff_session.1=evil; Path=/; Secure', 'backend_pref=1; Path=/'],
      }
    : {};
  const cache = url.searchParams.get('cache');
  if (cache) extra['cache-control'] = cache;
  send(res, 200, { method: req.method, path: url.pathname, query: url.search, headers: req.headers, bodyLength: body.length }, extra);
}

/**
 * The caller of a resource request: a bearer token, or a DPoP-bound token (`Authorization: DPoP`) with a proof by its
 * key for this request. A bound token without its proof is refused: stolen, it is useless.
 */
async function authOf(req) {
  const [, scheme, token] = /^(Bearer|DPoP) (.+)$/.exec(req.headers.authorization ?? '') ?? [];
  const auth = token ? await tokens.verify(token) : null;
  if (!auth) return null;
  if (!auth.jkt && scheme === 'Bearer') return auth;
  return auth.jkt && scheme === 'DPoP' && (await proofKey(req, token)) === auth.jkt ? auth : null;
}

const server = createServer(async (req, res) => {
  try {
    const { pathname } = new URL(req.url, 'http://backend');
    const key = `${req.method} ${pathname}`;
    if (testHooks && testRoutes[key]) return await testRoutes[key](req, res);
    if (testHooks && pathname.startsWith('/echo')) return await echo(req, res);
    const auth = await authOf(req);
    if (openRoutes[key]) return await openRoutes[key](req, res, auth);
    if (!resources[key]) return send(res, 404, { message: 'Not found.' });
    if (!auth) return send(res, 401, { message: 'Unauthenticated.' }, { 'www-authenticate': 'Bearer' });
    await resources[key](req, res, auth);
  } catch (error) {
    console.error('example-backend error:', error?.message);
    if (!res.headersSent) send(res, 500, { message: 'Server error.' });
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`example backend (${mode}) listening on http://127.0.0.1:${port}; access tokens live ${tokens.settings.accessTtlSeconds} s`);
});
