// The load of `npm run bench:peers`, in a process of its own (pinned to the other core): `connections` keep-alive
// loops for `warmup` + `duration` seconds, each request the next user's cookie (round-robin) and checked: status 200
// and that user's e-mail in the page. argv[2]: a JSON file { url, users: [{ cookie, email }], connections, duration,
// warmup }. Prints { requests, rps, p50, p99, errors, firstError }.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const { url, users, connections, duration, warmup } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
let next = 0;
let errors = 0;
let firstError;
const latencies = [];

function get(user) {
  return new Promise((resolve) => {
    const req = request(target, { agent, headers: { cookie: user.cookie, accept: 'text/html' } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ status: 0, body: String(error) }));
    });
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
    req.end();
  });
}

async function loop(until, measuring) {
  while (performance.now() < until) {
    const user = users[next++ % users.length];
    const started = performance.now();
    const { status, body } = await get(user);
    if (!measuring) continue;
    latencies.push(performance.now() - started);
    if (status !== 200 || !body.includes(user.email)) {
      errors++;
      firstError ??= { status, email: user.email, body: body.slice(0, 200) };
    }
  }
}

const warmEnd = performance.now() + warmup * 1000;
await Promise.all(Array.from({ length: connections }, () => loop(warmEnd, false)));
const start = performance.now();
await Promise.all(Array.from({ length: connections }, () => loop(start + duration * 1000, true)));
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const at = (q) => Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1));
agent.destroy();
console.log(JSON.stringify({ requests: latencies.length, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors, firstError }));
