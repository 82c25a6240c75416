#!/usr/bin/env node
// @ts-check
// `next-edge-bff <command>`: the package's command line. Node only; nothing here reaches an edge bundle.
//   init     adds the BFF to an existing app (bin/init.mjs)
//   start    `next start` with the client's address taken from the TCP connection (see below)
//   secret   prints a new SESSION_SECRET, or (--jwk) a new private key for DPoP or private_key_jwt
//   doctor   checks the configuration, the backend's contract and the build's matcher
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const USAGE = `Usage: next-edge-bff <command>

  init [--yes] [--dry-run] [--proxy | --middleware | --cloudflare]
          Adds the BFF to the Next.js app in this directory (app/ or src/app/): lib/bff.ts, lib/bff-server.ts,
          proxy.ts (Next 16+; --middleware for the edge runtime) composed with any middleware the app has,
          app/api/auth/[...bff]/route.ts, an example app/login/page.tsx, withBff() in next.config, and .env.local
          entries with a new SESSION_SECRET. --cloudflare: middleware.ts, and for Cloudflare Workers through
          OpenNext wrangler.jsonc, open-next.config.ts, .dev.vars, cf:build / cf:preview scripts and .gitignore
          entries. Never overwrites a file; running it again changes nothing.

  start [dir] [-p port] [-H hostname] [--keepAliveTimeout ms]
          Runs the app in production like \`next start\` (same flags, PORT and HOSTNAME too), with each client's
          address taken from its TCP connection, so that login limits and the backend see the real client.
          Behind N reverse proxies, set TRUSTED_PROXY_COUNT=N: their X-Forwarded-For is kept and the socket's
          address (the nearest proxy) appended.
  secret [--jwk]
          Prints a new random SESSION_SECRET (256 bits, base64url). With --jwk: a new ES256 private key as a JWK
          for AUTH_DPOP_PRIVATE_KEY or AUTH_CLIENT_PRIVATE_KEY on stdout, and its public half on stderr (what to
          register at a provider for private_key_jwt; <auth>/jwks serves it too).
  doctor [dir]
          Checks the app's configuration as \`next start\` would load it (the environment and .env files; beside a
          wrangler configuration, .dev.vars as Cloudflare Workers would), signs in
          to the backend as an account that cannot exist (the answer must be the preset's "wrong credentials"), and
          finds settings that fail in a browser (Secure cookies over http, a matcher missing the BFF's routes).
          Exits 1 when something would break sign-in.
`;

/** Forwarding headers a client could send itself: dropped before Next sees the request, unless a proxy is trusted. */
const FORGEABLE = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

/** `next start`'s own options, read the way it reads them. */
function startOptions(args, env = process.env) {
  const options = { dir: '.', port: Number(env.PORT ?? 3000), hostname: env.HOSTNAME ?? '0.0.0.0', keepAliveTimeout: undefined };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++i];
    if (flag === '-p' || flag === '--port') options.port = Number(value());
    else if (flag === '-H' || flag === '--hostname') options.hostname = value();
    else if (flag === '--keepAliveTimeout') options.keepAliveTimeout = Number(value());
    else if (!flag.startsWith('-')) options.dir = flag;
    else throw new Error(`next-edge-bff start: unknown option ${flag}\n\n${USAGE}`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error('next-edge-bff start: the port must be a number from 0 to 65535.');
  return options;
}

/**
 * Stands where a reverse proxy would. With no proxy in front (TRUSTED_PROXY_COUNT unset or 0), the client's own
 * forwarding headers are dropped and the socket's peer address becomes X-Forwarded-For, trusted as one hop. Behind N
 * trusted proxies, their headers stay and the socket's address (the nearest proxy) is appended: N + 1 trusted hops.
 */
function clientAddressRewriter(env = process.env) {
  const proxies = Number(env.TRUSTED_PROXY_COUNT ?? 0);
  if (!Number.isInteger(proxies) || proxies < 0) throw new Error('TRUSTED_PROXY_COUNT must be a whole number ≥ 0.');
  env.TRUSTED_PROXY_COUNT = String(proxies + 1);
  return (/** @type {import('node:http').IncomingMessage} */ req) => {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (proxies === 0) {
      for (const name of FORGEABLE) delete req.headers[name];
      req.headers['x-forwarded-for'] = peer;
    } else {
      const chain = req.headers['x-forwarded-for'];
      req.headers['x-forwarded-for'] = chain ? `${chain}, ${peer}` : peer;
    }
  };
}

async function start(args) {
  const options = startOptions(args);
  const rewrite = clientAddressRewriter();
  process.env.NODE_ENV ??= 'production';
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: options.dir, hostname: options.hostname, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    rewrite(req);
    handle(req, res);
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  server.listen(options.port, options.hostname, () => {
    console.log(`next-edge-bff ready on http://${options.hostname}:${options.port} (client address from the connection, ${process.env.TRUSTED_PROXY_COUNT} trusted hop(s))`);
  });
}

async function doctor(args) {
  const dir = args[0] ?? '.';
  process.env.NODE_ENV ??= 'production';
  try {
    // Next's own loader: the same .env files, in the same order, as `next start` reads.
    const env = await import('@next/env');
    const { loadEnvConfig } = env.default ?? env;
    loadEnvConfig(dir, process.env.NODE_ENV !== 'production', { info: () => {}, error: console.error });
  } catch {
    console.log('! @next/env not found: checking the process environment only, not .env files.');
  }
  const { diagnose } = await import('../dist/cli/doctor.js');
  const findings = await diagnose(process.env, { dir });
  const mark = { ok: '✓', warn: '!', error: '✗' };
  for (const f of findings) console.log(`${mark[f.level]} ${f.message}`);
  process.exitCode = findings.some((f) => f.level === 'error') ? 1 : 0;
}

function secret(args) {
  if (!args.includes('--jwk')) return console.log(randomBytes(32).toString('base64url'));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  console.log(JSON.stringify({ ...privateKey.export({ format: 'jwk' }), alg: 'ES256' }));
  console.error(`Public key (register it at the provider for private_key_jwt):\n${JSON.stringify({ ...publicKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig' })}`);
}

/** One command's part of the usage text: its synopsis and what follows, up to the next command. */
function usageOf(command) {
  const parts = USAGE.split(/\n(?= {2}\w)/);
  return parts.find((part) => part.trimStart().startsWith(`${command} `) || part.trimStart() === command) ?? USAGE;
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (rest.includes('--help') || rest.includes('-h')) console.log(`Usage: next-edge-bff ${usageOf(command).trim()}`);
  else if (command === 'start') await start(rest);
  else if (command === 'secret') secret(rest);
  else if (command === 'doctor') await doctor(rest);
  else if (command === 'init') await (await import('./init.mjs')).init(rest);
  else {
    console.log(USAGE);
    process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
