// `npm run dev`: `next dev` and the bundled example backend together, both reloading on change, with no
// configuration (BACKEND_URL, SESSION_SECRET and the rest can still be set to use your own API).
import { randomBytes } from 'node:crypto';
import { nextBin, startProcess } from './lib/processes.mjs';

const port = process.env.PORT ?? '3000';
const backendPort = process.env.BACKEND_PORT ?? '4000';
const ownBackend = !process.env.BACKEND_URL;
const env = {
  BACKEND_URL: process.env.BACKEND_URL ?? `http://127.0.0.1:${backendPort}`,
  SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
  COOKIE_SECURE: process.env.COOKIE_SECURE ?? 'false',
};

const procs = [startProcess('next dev', process.execPath, [nextBin, 'dev', '-p', port], { env, echo: true })];
if (ownBackend) {
  const backendEnv = { PORT: backendPort, ACCESS_TTL_SECONDS: process.env.ACCESS_TTL_SECONDS ?? '60' };
  procs.push(startProcess('backend', process.execPath, ['--watch', 'example-backend/server.mjs'], { env: backendEnv, echo: true }));
}

const stop = async () => {
  await Promise.all(procs.map((p) => p.stop()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const p of procs) p.child.on('exit', (code) => (console.error(`${p.name} exited (${code}); stopping.`), void stop()));
