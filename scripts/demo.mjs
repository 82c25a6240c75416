// `npm run demo`: builds the app when needed, then runs it on :3000 (PORT overrides) together
// with the bundled example backend. No configuration needed; every setting can still be overridden.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, root, startBackend, startServer, waitForHttp } from './lib/processes.mjs';

const SOURCES = ['app', 'edge', 'middleware.ts', 'next.config.ts', 'package-lock.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function buildIsStale() {
  const buildId = join(root, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => existsSync(join(root, s)) && newestMtime(join(root, s)) > built);
}

const port = Number(process.env.PORT ?? 3000);
const backendPort = Number(process.env.BACKEND_PORT ?? 4000);
const ownBackend = !process.env.BACKEND_URL;
const env = {
  BACKEND_URL: process.env.BACKEND_URL ?? `http://127.0.0.1:${backendPort}`,
  // A fresh secret per run: fine for a demo (sessions end when it stops); set SESSION_SECRET to keep them.
  SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  // The demo is served over plain http; browsers other than Chrome/Firefox drop Secure cookies there.
  COOKIE_SECURE: process.env.COOKIE_SECURE ?? 'false',
  // The address the demo prints: sign-in checks that forms come from it.
  APP_URL: process.env.APP_URL ?? `http://localhost:${port}`,
};

if (buildIsStale()) {
  console.log('Building the app (next build)…');
  await buildApp({ echo: true });
}

const procs = [];
if (ownBackend) procs.push(startBackend(backendPort, { ACCESS_TTL_SECONDS: process.env.ACCESS_TTL_SECONDS ?? '60' }, true));
// `npm start`'s server: per-IP login limits count the real client, not what it claims in X-Forwarded-For.
const app = startServer(port, env, true);
procs.push(app);

const stop = async () => {
  await Promise.all(procs.map((p) => p.stop()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const p of procs) {
  p.child.on('exit', (code) => {
    console.error(`${p.name} exited (${code}); stopping the demo.`);
    void stop();
  });
}

await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, app);
console.log(`\n  Demo ready: http://localhost:${port}  —  log in as demo@example.com / demo-password`);
console.log(`  Access tokens live ${process.env.ACCESS_TTL_SECONDS ?? 60} s, so you can watch silent refresh happen. Ctrl-C stops.\n`);
