import { inject } from 'vitest';
import { freePort, startApp, startBackend, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { GENEROUS_LIMITS, SESSION_SECRET, UPSTASH_TOKEN } from './global-setup';

export interface Stack {
  /** One URL per `next start` instance. */
  appUrls: string[];
  appUrl: string;
  backendUrl: string;
  apps: Proc[];
  /** Stops only the example backend, to test the app with its backend down. */
  stopBackend(): Promise<void>;
  stop(): Promise<void>;
}

/** The environment that points an instance at the shared Upstash REST fixture (real redis-server). */
export const upstashEnv = () => ({ UPSTASH_REDIS_REST_URL: inject('upstashUrl'), UPSTASH_REDIS_REST_TOKEN: UPSTASH_TOKEN });

/**
 * Starts one more example backend and `instances` × `next start` of the already-built app with their
 * own environment: configuration is read at run time, so every variant runs from the same build.
 * `appDir` runs another build instead (the `proxy.ts` one: `inject('proxyTsDir')`).
 */
export async function startStack(
  backendEnv: Record<string, string>,
  appEnv: (backendUrl: string) => Record<string, string>,
  instances = 1,
  appDir?: string,
): Promise<Stack> {
  const backendPort = await freePort();
  const appPorts = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const appUrls = appPorts.map((p) => `http://127.0.0.1:${p}`);
  const backend = startBackend(backendPort, { TEST_HOOKS: '1', ...backendEnv });
  const apps = appPorts.map((port) => startApp(port, { BACKEND_URL: backendUrl, SESSION_SECRET, ...GENEROUS_LIMITS, ...appEnv(backendUrl) }, false, appDir));
  const stop = async () => {
    await Promise.all([...apps, backend].map((p) => p.stop()));
  };
  try {
    await Promise.all([waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend), ...apps.map((app, i) => waitForHttp(`${appUrls[i]}/`, 30_000, app))]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrls, appUrl: appUrls[0], backendUrl, apps, stopBackend: () => backend.stop(), stop };
}

/** A test-only helper process from tests/fixtures/, stopped with the test file. */
export async function startFixture(script: string, args: (string | number)[], readyUrl: string): Promise<Proc> {
  const proc = startProcess(script, process.execPath, [`tests/fixtures/${script}`, ...args.map(String)]);
  await waitForHttp(readyUrl, 10_000, proc);
  return proc;
}
