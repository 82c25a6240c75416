// @ts-check
// `next-edge-bff init`: adds the BFF to an existing Next.js app (app router, TypeScript). Writes only what is missing,
// never overwrites a file: running it twice changes nothing. `--dry-run` says what it would do; `--yes` asks nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline/promises';

const MATCHER = `['/api/:path*', '/((?!api/|_next/static|_next/image|favicon\\\\.ico|.*\\\\.[^/]+$).*)']`;

/** Where the app keeps its code: `src/` when the app router lives there. */
function layout(root) {
  const base = existsSync(join(root, 'src/app')) ? 'src' : existsSync(join(root, 'app')) ? '' : undefined;
  if (base === undefined) throw new Error('next-edge-bff init: no app router found (app/ or src/app/). Run it in your Next.js app.');
  if (!existsSync(join(root, 'tsconfig.json'))) throw new Error('next-edge-bff init: it writes TypeScript, and this app has no tsconfig.json.');
  return { base, app: join(base, 'app'), lib: join(base, 'lib') };
}

function nextMajor(root) {
  try {
    return Number(JSON.parse(readFileSync(join(root, 'node_modules/next/package.json'), 'utf8')).version.split('.')[0]);
  } catch {
    return 16;
  }
}

/**
 * `root/path`, refused unless every part of it that exists is a plain file or folder inside the app: init writes
 * only inside the app, never through a symbolic link (a linked `.env.local` or `lib/` would take the new secret or
 * code elsewhere).
 */
function inside(root, path) {
  const real = realpathSync(root);
  let at = real;
  for (const part of path.split(/[\\/]/).filter(Boolean)) {
    at = join(at, part);
    let stat;
    try {
      stat = lstatSync(at);
    } catch {
      break; // created by init from here on
    }
    if (stat.isSymbolicLink()) throw new Error(`next-edge-bff init: ${relative(real, at)} is a symbolic link; init writes only inside the app. Nothing was written there.`);
  }
  const full = join(real, path);
  if (!full.startsWith(real + sep)) throw new Error(`next-edge-bff init: ${path} is outside the app.`);
  return full;
}

/** An import path from `from` (a file) to `to` (a file without extension), as TypeScript resolves it. */
const importPath = (from, to) => {
  const path = relative(dirname(from), to).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

const bffModule = `import { createBff } from 'next-edge-bff';

/** The app's one BFF: configured from the environment (see .env.local); options in code go here. */
export const bff = createBff();
`;

const serverModule = (bff) => `import { serverHelpers } from 'next-edge-bff/server';
import { bff } from '${bff}';

/** For Server Components, Server Actions and route handlers. */
export const { currentUser, currentSession, sessionState, requireUser, backendFetch, listSessions, endSession } = serverHelpers(bff);
`;

const routeModule = (bff) => `import { authHandlers } from 'next-edge-bff/routes';
import { bff } from '${bff}';

export const { GET, POST } = authHandlers(bff);
`;

const middlewareModule = (name, bff) => `// The BFF (next-edge-bff) runs on every matched request: sessions, refresh, route protection, /api/backend.
import { bff } from '${bff}';

export const ${name} = bff.middleware;

export const config = {
  matcher: ${MATCHER},
};
`;

/** The app's own middleware keeps running, after the BFF's decision (README, "Composing with your own middleware"). */
const composedModule = (name, bff, own) => `// The BFF (next-edge-bff) decides first; the app's own middleware (${own}) handles the rest.
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { bff } from '${bff}';
import * as own from '${own}';

type AppMiddleware = (req: NextRequest, event: NextFetchEvent) => Response | null | undefined | void | Promise<Response | null | undefined | void>;
const exported = own as unknown as Record<string, AppMiddleware | undefined>;
const appMiddleware = exported.proxy ?? exported.middleware ?? exported.default;

/** The BFF decides first (login redirects, 401s, the proxied API); every other request goes on to the app's own. */
export async function ${name}(req: NextRequest, event: NextFetchEvent) {
  const decision = await bff.decide(req, event);
  if (decision.response) return decision.response;
  const res = (await appMiddleware?.(req, event)) ?? NextResponse.next();
  return decision.apply(res instanceof NextResponse ? res : new NextResponse(res.body, res));
}

export const config = {
  matcher: ${MATCHER},
};
`;

const loginPage = `import { Suspense } from 'react';
import { loginErrorMessage, safeNextPath } from 'next-edge-bff';

type Search = Promise<Record<string, string | string[] | undefined>>;

/**
 * Works without JavaScript: the form posts to the BFF, which answers with a redirect to \`next\` or back here. What
 * the URL says (\`next\`, an error) is read inside <Suspense>, so the page builds with Cache Components on and off.
 * The fields stay outside it: a boundary that resolves while someone types must not replace what they typed.
 */
export default function LoginPage({ searchParams }: { searchParams: Search }) {
  const field = { display: 'grid', gap: '0.25rem', marginBottom: '0.75rem' } as const;
  return (
    <main style={{ maxWidth: '22rem', margin: '4rem auto', fontFamily: 'system-ui, sans-serif' }}>
      <h1>Sign in</h1>
      <Suspense>
        <Messages searchParams={searchParams} />
      </Suspense>
      <form method="post" action="/api/auth/login">
        <Suspense>
          <NextField searchParams={searchParams} />
        </Suspense>
        <label style={field}>
          Email <input name="email" type="email" autoComplete="username" required />
        </label>
        <label style={field}>
          Password <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

async function param(searchParams: Search, key: string) {
  const value = (await searchParams)[key];
  return typeof value === 'string' ? value : undefined;
}

async function Messages({ searchParams }: { searchParams: Search }) {
  const [reason, error, retryAfter] = await Promise.all(['reason', 'error', 'retryAfter'].map((key) => param(searchParams, key)));
  return (
    <>
      {reason === 'reauthenticate' ? <p>Please sign in again to continue.</p> : null}
      {reason === 'session_expired' ? <p>Your session has ended. Please sign in again.</p> : null}
      {error ? <p role="alert">{loginErrorMessage({ code: error, retryAfter: Number(retryAfter) || undefined })}</p> : null}
    </>
  );
}

/** Until it streams in, a submitted form carries no \`next\` and the BFF lands on "/". */
async function NextField({ searchParams }: { searchParams: Search }) {
  return <input type="hidden" name="next" value={safeNextPath(await param(searchParams, 'next'))} />;
}
`;

/** Cloudflare Workers through OpenNext (`--cloudflare`): its build configuration and wrangler's. */
const openNextConfig = `import { defineCloudflareConfig } from '@opennextjs/cloudflare';

export default defineCloudflareConfig({});
`;

/** `compatibility_date` today: the BFF calls the backend with fetch on Workers, so it needs no newer date. */
const wranglerConfig = (name) => `{
  "$schema": "node_modules/wrangler/config-schema.json",
  "main": ".open-next/worker.js",
  "name": ${JSON.stringify(name)},
  "compatibility_date": "${new Date().toISOString().slice(0, 10)}",
  "compatibility_flags": ["nodejs_compat"],
  "assets": { "directory": ".open-next/assets", "binding": "ASSETS" }
}
`;

/** A middleware that already runs the BFF (ours, or the README's by hand): left as it is. */
const runsBff = (source) => /next-edge-bff|\bbff\.(middleware|decide)\b/.test(source);

/** `export default <identifier>;` (what create-next-app writes) becomes `withBff(<identifier>)`; else undefined. */
function wrappedNextConfig(source) {
  if (source.includes('withBff')) return source;
  const match = /^export default (\w+);?\s*$/m.exec(source);
  if (!match) return undefined;
  const imported = `import { withBff } from 'next-edge-bff/next-config';\n`;
  return imported + source.replace(match[0], `export default withBff(${match[1]});`);
}

export async function init(args, root = process.cwd()) {
  const flags = new Set(args);
  const unknown = [...flags].filter((f) => !['--yes', '-y', '--dry-run', '--proxy', '--middleware', '--cloudflare'].includes(f));
  if (unknown.length) throw new Error(`next-edge-bff init: unknown option ${unknown[0]} (--yes, --dry-run, --proxy, --middleware, --cloudflare)`);
  // OpenNext runs the edge middleware.ts on Workers and refuses Node middleware (proxy.ts).
  const cloudflare = flags.has('--cloudflare');
  if (cloudflare && flags.has('--proxy')) throw new Error('next-edge-bff init: --cloudflare needs middleware.ts (OpenNext refuses proxy.ts), not --proxy.');
  if (cloudflare) flags.add('--middleware');
  const dry = flags.has('--dry-run');
  const { base, app, lib } = layout(root);
  // Every place init may write, checked before the first write: a refusal leaves the app as it was.
  const cloudflareFiles = cloudflare ? ['wrangler.jsonc', 'open-next.config.ts', '.dev.vars', '.gitignore'] : [];
  for (const path of [lib, join(app, 'api'), join(app, 'login'), base, '.env.local', 'package.json', 'next.config.ts', ...cloudflareFiles]) if (path) inside(root, path);
  const actions = [];
  const note = (line) => actions.push(line);
  const write = (path, content) => {
    const full = inside(root, path);
    if (existsSync(full)) return note(readFileSync(full, 'utf8') === content ? `unchanged  ${path}` : `kept       ${path} (exists; not overwritten)`);
    note(`created    ${path}`);
    if (dry) return;
    mkdirSync(dirname(full), { recursive: true });
    // Exclusively: a file that appeared since the check is never overwritten.
    writeFileSync(full, content, { flag: 'wx' });
  };
  const rewrite = (path, content) => {
    if (!dry) writeFileSync(inside(root, path), content);
  };

  // Next looks for middleware.ts/proxy.ts next to app/ (the project root, or src/).
  const existing = ['proxy.ts', 'middleware.ts', 'proxy.js', 'middleware.js'].map((f) => join(base, f)).find((f) => existsSync(join(root, f)));
  let kind = flags.has('--middleware') ? 'middleware' : flags.has('--proxy') ? 'proxy' : undefined;
  if (existing && runsBff(readFileSync(join(root, existing), 'utf8'))) kind = existing.includes('proxy') ? 'proxy' : 'middleware';
  if (cloudflare && kind === 'proxy') throw new Error(`next-edge-bff init: ${existing} runs the BFF on Node, which OpenNext refuses: move it to middleware.ts first. Nothing was written.`);
  if (!kind && existing) kind = existing.includes('proxy') ? 'proxy' : 'middleware';
  if (!kind) kind = nextMajor(root) >= 16 ? 'proxy' : 'middleware';
  if (!flags.has('--yes') && !flags.has('-y') && !flags.has('--proxy') && !flags.has('--middleware') && !existing && process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question(`Run the BFF in proxy.ts (Node runtime) or middleware.ts (edge runtime)? [${kind}] `)).trim();
    rl.close();
    if (answer === 'proxy' || answer === 'middleware') kind = answer;
  }

  const bffFile = join(lib, 'bff.ts');
  write(bffFile, bffModule);
  write(join(lib, 'bff-server.ts'), serverModule(importPath(join(lib, 'bff-server.ts'), join(lib, 'bff'))));
  const route = join(app, 'api/auth/[...bff]/route.ts');
  write(route, routeModule(importPath(route, join(lib, 'bff'))));
  if (!existsSync(join(root, app, 'login')) || existsSync(join(root, app, 'login/page.tsx'))) write(join(app, 'login/page.tsx'), loginPage);
  else note(`kept       ${join(app, 'login')} (exists; the BFF's login page is yours)`);

  const entry = join(base, `${kind}.ts`);
  const entrySource = existing && readFileSync(join(root, existing), 'utf8');
  if (entrySource && runsBff(entrySource)) note(`unchanged  ${existing}`);
  else if (existing) {
    // Composed, never overwritten: the app's own file moves aside and runs after the BFF's decision.
    const moved = existing.replace(/(middleware|proxy)\.(ts|js)$/, 'app-$1.$2');
    note(`moved      ${existing} → ${moved} (it now runs after the BFF, on the BFF's matcher)`);
    if (!dry) renameSync(inside(root, existing), inside(root, moved));
    write(entry, composedModule(kind, importPath(entry, join(lib, 'bff')), importPath(entry, moved.replace(/\.(ts|js)$/, ''))));
  } else write(entry, middlewareModule(kind, importPath(entry, join(lib, 'bff'))));

  const configFile = ['next.config.ts', 'next.config.mjs', 'next.config.js'].find((f) => existsSync(join(root, f)));
  if (!configFile) write('next.config.ts', `import { withBff } from 'next-edge-bff/next-config';\n\nexport default withBff({});\n`);
  else {
    const source = readFileSync(join(root, configFile), 'utf8');
    const wrapped = wrappedNextConfig(source);
    if (wrapped === source) note(`unchanged  ${configFile}`);
    else if (wrapped === undefined) note(`change     ${configFile} by hand: wrap the exported config, \`export default withBff(config)\` with \`import { withBff } from 'next-edge-bff/next-config'\``);
    else {
      note(`wrapped    ${configFile} in withBff()`);
      rewrite(configFile, wrapped);
    }
  }

  const textOf = (file) => (existsSync(inside(root, file)) ? readFileSync(inside(root, file), 'utf8') : '');
  /** Appends `lines` to `file` (created when missing); what it holds stays as it is. */
  const append = (file, lines) => {
    const text = textOf(file);
    rewrite(file, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${lines.join('\n')}\n`);
  };
  /** Appends the variables `file` lacks. */
  const addVariables = (file, variables) => {
    const text = textOf(file);
    const missing = variables.filter(([name]) => !new RegExp(`^${name}=`, 'm').test(text));
    if (missing.length === 0) return note(`unchanged  ${file}`);
    note(`added      ${missing.map(([n]) => n).join(', ')} to ${file}${missing.some(([n]) => n === 'BACKEND_URL') ? ' (set BACKEND_URL to your API)' : ''}`);
    append(file, missing.map(([name, value]) => (value.startsWith('#') ? `${name}=  ${value}` : `${name}=${value}`)));
  };
  const secret = /^SESSION_SECRET=(.+)$/m.exec(textOf('.env.local'))?.[1] ?? randomBytes(32).toString('base64url');
  const variables = (appUrl) => [
    ['BACKEND_URL', '# your API, e.g. https://api.example.com'],
    ['SESSION_SECRET', secret],
    ['APP_URL', appUrl],
  ];
  addVariables('.env.local', variables('http://localhost:3000'));

  const pkgText = textOf('package.json');
  const pkg = existsSync(inside(root, 'package.json')) ? JSON.parse(pkgText) : undefined;
  if (cloudflare) {
    // Workers read .dev.vars locally (wrangler secrets in production), never .env files: the same secret for both.
    write('open-next.config.ts', openNextConfig);
    write('wrangler.jsonc', wranglerConfig(String(pkg?.name ?? 'app').replace(/[^a-z0-9-]/gi, '-').toLowerCase()));
    addVariables('.dev.vars', variables('http://localhost:8787'));
    const ignored = textOf('.gitignore').split('\n');
    const unlisted = ['.dev.vars', '.open-next/', '.wrangler/'].filter((entry) => !ignored.includes(entry));
    if (unlisted.length === 0) note('unchanged  .gitignore');
    else {
      note(`added      ${unlisted.join(', ')} to .gitignore`);
      append('.gitignore', unlisted);
    }
  }

  // `next start` takes any X-Forwarded-For a client sends; `next-edge-bff start` takes the address from the connection.
  // On Workers there is no `next start`: the scripts that build and preview the worker instead.
  const startScript = pkg?.scripts?.start;
  /** package.json with `scripts` added over its own, in its own indentation. */
  const withScripts = (scripts) => {
    const indent = /^\s+/m.exec(pkgText)?.[0] ?? '  ';
    rewrite('package.json', `${JSON.stringify({ ...pkg, scripts: { ...pkg.scripts, ...scripts } }, null, indent)}\n`);
  };
  if (cloudflare) {
    const scripts = { 'cf:build': 'opennextjs-cloudflare build', 'cf:preview': 'wrangler dev --local' };
    const absent = Object.keys(scripts).filter((name) => pkg && pkg.scripts?.[name] === undefined);
    if (!pkg) note('change     package.json by hand: "cf:build": "opennextjs-cloudflare build", "cf:preview": "wrangler dev --local"');
    else if (absent.length === 0) note('unchanged  package.json scripts');
    else {
      note(`added      package.json scripts ${absent.join(', ')}`);
      withScripts(Object.fromEntries(absent.map((n) => [n, scripts[n]])));
    }
  } else if (!pkg) note('change     package.json by hand: start the app with `next-edge-bff start`');
  else if (startScript === 'next-edge-bff start') note('unchanged  package.json start script');
  else if (startScript === undefined || startScript === 'next start') {
    note(`changed    package.json "start": "next-edge-bff start" (the client's address from the connection, not from a header anyone can send; behind a proxy set TRUSTED_PROXY_COUNT)`);
    withScripts({ start: 'next-edge-bff start' });
  } else note(`kept       package.json "start": "${startScript}" (run the app with \`next-edge-bff start\`, or set TRUSTED_PROXY_COUNT behind a proxy)`);

  for (const line of actions) console.log(`${dry ? '(dry run) ' : ''}${line}`);
  console.log(`\nNext: set BACKEND_URL (and AUTH_PRESET for your API's contract) in .env.local, then \`next dev\`; \`npx next-edge-bff doctor\` checks the set-up.`);
  if (cloudflare) {
    console.log('Cloudflare: `npm i -D @opennextjs/cloudflare wrangler`, set BACKEND_URL in .dev.vars, `npm run cf:build && npm run cf:preview`;');
    console.log('in production `npx wrangler secret put SESSION_SECRET` (and BACKEND_URL, APP_URL, UPSTASH_REDIS_REST_URL/_TOKEN), then `npx wrangler deploy`.');
  }
}
