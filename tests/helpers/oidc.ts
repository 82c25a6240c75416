import type { Browser } from 'playwright-core';
import { freePort, startApp, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { launchBrowser } from './browser';

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  proc: Proc;
  stats(): Promise<{ clientCredentialsGrants: number; refreshGrants: number; refreshErrors: number; backchannelSuccess: number; backchannelErrors: number; revocations: number; pushedRequests: number }>;
}

/**
 * Starts tests/fixtures/oidc-provider.mjs (oidc-provider from npm) with one confidential client registered for these
 * app origins: their callbacks and roots, and the first one's back-channel logout endpoint.
 */
export async function startOidcProvider(appUrls: string[], accessTokenTtl: number, more: { extraClients?: object[]; clientAuthMethods?: string[]; dpopNonces?: boolean; machineClient?: { clientId: string; clientSecret: string; resource: string }; resources?: string[] } = {}): Promise<OidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'bff-demo';
  const clientSecret = 'oidc-client-secret-0123456789';
  const settings = {
    port,
    clientId,
    clientSecret,
    redirectUris: appUrls.map((u) => `${u}/api/auth/callback`),
    postLogoutRedirectUris: appUrls.map((u) => `${u}/`),
    backchannelLogoutUri: `${appUrls[0]}/api/auth/backchannel-logout`,
    accessTokenTtl,
    ...more,
  };
  const proc = startProcess('oidc-provider', process.execPath, ['tests/fixtures/oidc-provider.mjs'], { env: { OIDC_FIXTURE: JSON.stringify(settings) } });
  await waitForHttp(`${issuer}/.well-known/openid-configuration`, 15_000, proc);
  return { issuer, clientId, clientSecret, proc, stats: async () => (await fetch(`${issuer}/__stats`)).json() };
}

/** The environment that points an app instance at the provider. */
export function oidcEnv(op: OidcProvider): Record<string, string> {
  return { AUTH_PRESET: 'oidc', OIDC_ISSUER: op.issuer, AUTH_CLIENT_ID: op.clientId, AUTH_CLIENT_SECRET: op.clientSecret, BACKEND_URL: op.issuer };
}

/** The provider, instances of the built app against it, and Chromium for its login page. */
export interface OidcStack {
  op: OidcProvider;
  urls: string[];
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * Starts the provider (registered for every instance), `instances` of the app with the environment `env` gives for
 * it, and Chromium; `stop` ends them all.
 */
export async function startOidcStack(
  accessTokenTtl: number,
  provider: Parameters<typeof startOidcProvider>[2],
  env: (op: OidcProvider) => Record<string, string>,
  instances = 2,
): Promise<OidcStack> {
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const op = await startOidcProvider(urls, accessTokenTtl, provider);
  const apps: Proc[] = ports.map((port) => startApp(port, env(op)));
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await Promise.all([...apps, op.proc].map((p) => p.stop()));
  };
  try {
    await Promise.all(apps.map((app, i) => waitForHttp(`${urls[i]}/`, 30_000, app)));
    browser = await launchBrowser();
  } catch (error) {
    await stop();
    throw error;
  }
  return { op, urls, browser, stop };
}
