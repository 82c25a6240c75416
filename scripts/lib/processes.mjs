// Starting and stopping the real processes (example backend, next build/start), shared by
// `npm run demo`, the integration tests and the benchmark.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
// Run next through node, not npx: killing npx would orphan the next-server child.
export const nextBin = `${root}node_modules/next/dist/bin/next`;

/** A TCP port that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a long-running child; its output is kept for diagnostics and optionally echoed. */
export function startProcess(name, command, args, { env = {}, echo = false, cwd = root } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
  const output = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      output.push(chunk.toString());
      if (echo) process.stdout.write(`[${name}] ${chunk}`);
    });
  }
  return {
    child,
    name,
    output: () => output.join(''),
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Cleared on exit: a late group kill could hit a new process that was given the same id.
    const force = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    force.unref();
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      // The whole group: next start spawns a server child of its own.
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  });
}

/** Runs a command to completion and returns its combined output; rejects on a non-zero exit. */
export function run(name, command, args, { env = {}, echo = false, cwd = root } = {}) {
  return new Promise((resolve, reject) => {
    const proc = startProcess(name, command, args, { env, echo, cwd });
    proc.child.on('exit', (code) => {
      if (code === 0) resolve(proc.output());
      else reject(new Error(`${name} exited with ${code}:\n${proc.output()}`));
    });
  });
}

/** Polls until `url` answers (any HTTP status), or fails after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 30_000, proc) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms${proc ? `:\n${proc.output()}` : ''}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** `next build`, refusing a build whose edge bundle pulls in a Node module (it only warns, then every request fails). */
export async function buildApp({ echo = false, env = {}, cwd = root } = {}) {
  const output = await run('next build', process.execPath, [nextBin, 'build'], { echo, env, cwd });
  if (/Node\.js module is loaded|not supported in the Edge Runtime/.test(output)) {
    throw new Error(`next build: the middleware imports a Node.js module, which fails on the edge runtime:\n${output}`);
  }
  return output;
}

export function startBackend(port, env = {}, echo = false) {
  return startProcess('backend', process.execPath, ['example-backend/server.mjs'], { env: { PORT: String(port), ...env }, echo });
}

export function startApp(port, env, echo = false, cwd = root) {
  return startProcess('next start', process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { NODE_ENV: 'production', APP_URL: `http://127.0.0.1:${port}`, ...env },
    echo,
    cwd,
  });
}

/** `npm start` (`next-edge-bff start`): the client's address from the socket, its own forwarding headers dropped. */
export function startServer(port, env, echo = false, cwd = root) {
  return startProcess('next-edge-bff start', process.execPath, [`${root}bin/next-edge-bff.mjs`, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { NODE_ENV: 'production', APP_URL: `http://127.0.0.1:${port}`, ...env },
    echo,
    cwd,
  });
}

/** A throwaway redis-server (Debian's), no persistence, loopback only. */
export function startRedis(port) {
  return startProcess('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
}

/** The Upstash REST protocol in front of that Redis (tests/fixtures/upstash-rest-redis.mjs). */
export function startUpstashFixture(port, redisPort, token) {
  return startProcess('upstash-rest', process.execPath, ['tests/fixtures/upstash-rest-redis.mjs', String(port), String(redisPort), token]);
}
