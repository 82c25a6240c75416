import { freePort, startApp, startBackend, waitForHttp } from '../../scripts/lib/processes.mjs';
import { SESSION_SECRET } from './global-setup';

export interface Stack {
  appUrl: string;
  backendUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts one more example backend and `next start` of the already-built app with its own
 * environment: configuration is read at run time, so every preset runs from the same build.
 */
export async function startStack(backendEnv: Record<string, string>, appEnv: (backendUrl: string) => Record<string, string>): Promise<Stack> {
  const [backendPort, appPort] = await Promise.all([freePort(), freePort()]);
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const backend = startBackend(backendPort, { TEST_HOOKS: '1', ...backendEnv });
  const app = startApp(appPort, { BACKEND_URL: backendUrl, SESSION_SECRET, ...appEnv(backendUrl) });
  const stop = async () => {
    await Promise.all([app.stop(), backend.stop()]);
  };
  try {
    await Promise.all([waitForHttp(`${backendUrl}/__test/stats`, 15_000, backend), waitForHttp(`${appUrl}/`, 30_000, app)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, backendUrl, stop };
}
