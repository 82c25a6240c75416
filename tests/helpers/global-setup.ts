import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, freePort, startApp, startBackend, startRedis, startUpstashFixture, waitForHttp } from '../../scripts/lib/processes.mjs';
import { buildVariant, variantsDir } from '../../scripts/lib/variant.mjs';
import { proxySnippetFromReadme } from './proxy-ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SESSION_SECRET = 'integration-secret-0123456789abcdefghijklmnop';
export const UPSTASH_TOKEN = 'fixture-token';
/** Most tests log in far more than 10 times a minute from one IP: only the rate-limit tests use the real defaults. */
export const GENEROUS_LIMITS = { RATE_LIMIT_LOGIN_PER_IP: '100000/60', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '100000/60' };

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    backendUrl: string;
    sessionSecret: string;
    chromium: string;
    /** The Upstash REST fixture in front of a real redis-server, shared by the tests that need a store. */
    upstashUrl: string;
    /** The same redis-server, for REDIS_URL (the Node runtime's Redis client). */
    redisUrl: string;
    /** This app switched to Next 16's Node-only `proxy.ts` exactly as the README says, built once for every file. */
    proxyTsDir: string;
  }
}

/**
 * Builds the app once and runs it for real: the example backend and `next start`
 * as separate processes on loopback, exactly as a user deploys them.
 */
export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  if (!existsSync('/usr/bin/redis-server')) {
    throw new Error('redis-server not found: install it with `sudo apt-get install -y redis-server`.');
  }
  const [backendPort, appPort, redisPort, upstashPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const upstashUrl = `http://127.0.0.1:${upstashPort}`;
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;

  if (process.env.SKIP_BUILD !== '1') await buildApp();
  const proxyTsDir = join(variantsDir, 'proxy-ts');
  if (process.env.SKIP_BUILD !== '1' || !existsSync(join(proxyTsDir, '.next', 'BUILD_ID'))) {
    await buildVariant('proxy-ts', { 'middleware.ts': null, 'proxy.ts': proxySnippetFromReadme() });
  }
  const redis = startRedis(redisPort);
  const upstash = startUpstashFixture(upstashPort, redisPort, UPSTASH_TOKEN);
  const backend = startBackend(backendPort, { TEST_HOOKS: '1' });
  const app = startApp(appPort, { BACKEND_URL: backendUrl, SESSION_SECRET, BACKEND_TIMEOUT_MS: '3000', REFRESH_TIMEOUT_MS: '2000', ...GENEROUS_LIMITS });
  try {
    await Promise.all([
      waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend),
      waitForHttp(`${appUrl}/`, 30_000, app),
      waitForHttp(upstashUrl, 15_000, upstash),
    ]);
  } catch (error) {
    await Promise.all([app, backend, upstash, redis].map((p) => p.stop()));
    throw error;
  }

  project.provide('appUrl', appUrl);
  project.provide('backendUrl', backendUrl);
  project.provide('sessionSecret', SESSION_SECRET);
  project.provide('chromium', CHROMIUM);
  project.provide('upstashUrl', upstashUrl);
  project.provide('redisUrl', `redis://127.0.0.1:${redisPort}`);
  project.provide('proxyTsDir', proxyTsDir);

  return async () => {
    if (/\b500\b.*Error|Error: Failed to load external module/.test(app.output())) {
      console.error(`next start reported errors:\n${app.output()}`);
    }
    await Promise.all([app, backend, upstash, redis].map((p) => p.stop()));
  };
}
