// `npm start`: Next.js in production, directly exposed, with the client's address taken from the TCP connection.
// `next start` alone trusts whatever X-Forwarded-For a client sends when no proxy stands in front of it, which
// makes per-IP rate limits no limits at all. This server stands where a reverse proxy would: it drops the client's
// own forwarding headers, records the socket's peer address in X-Forwarded-For, and tells the BFF to trust exactly
// that one hop (TRUSTED_PROXY_COUNT=1). Behind nginx, a load balancer or Vercel, use `next start` and set
// TRUSTED_PROXY_COUNT to the number of proxies instead (README, "Login rate limiting").
//
// Environment: PORT (3000), HOSTNAME (0.0.0.0), and everything the app reads.
import { createServer } from 'node:http';
import next from 'next';

const FORGEABLE = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? '0.0.0.0';
process.env.TRUSTED_PROXY_COUNT = '1';
process.env.NODE_ENV ??= 'production';

const app = next({ dev: false, hostname, port, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();

createServer((req, res) => {
  for (const name of FORGEABLE) delete req.headers[name];
  req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
  handle(req, res);
}).listen(port, hostname, () => console.log(`next-edge-bff ready on http://${hostname}:${port} (client IP from the socket)`));
