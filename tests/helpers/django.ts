import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { GENEROUS_LIMITS, SESSION_SECRET } from './global-setup';

export const GUNICORN = '/usr/bin/gunicorn';

export interface DjangoStack {
  appUrl: string;
  /** Every instance's URL (`appUrl` is the first). */
  appUrls: string[];
  djangoUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Django REST framework + SimpleJWT API (tests/fixtures/django-backend/app.py) under Debian's gunicorn,
 * and `next start` of the built app in front of it (`instances` of them) with the `simplejwt` preset, configured by
 * environment only.
 */
export async function startDjangoStack(
  djangoEnv: Record<string, string> = {},
  appEnv: Record<string, string> | ((djangoUrl: string) => Record<string, string>) = {},
  appDir?: string,
  instances = 1,
): Promise<DjangoStack> {
  if (!existsSync(GUNICORN)) {
    throw new Error('gunicorn not found: `sudo apt-get install -y gunicorn python3-django python3-djangorestframework python3-djangorestframework-simplejwt`.');
  }
  const [djangoPort, ...appPorts] = await Promise.all(Array.from({ length: 1 + instances }, () => freePort()));
  const dir = mkdtempSync(join(tmpdir(), 'bff-django-'));
  const djangoUrl = `http://127.0.0.1:${djangoPort}`;
  const appUrls = appPorts.map((port) => `http://127.0.0.1:${port}`);
  const django: Proc = startProcess(
    'gunicorn',
    GUNICORN,
    ['--chdir', 'tests/fixtures/django-backend', '--bind', `127.0.0.1:${djangoPort}`, '--workers', '1', '--threads', '8', 'app:application'],
    { env: { DJANGO_DB: join(dir, 'db.sqlite3'), PYTHONDONTWRITEBYTECODE: '1', ...djangoEnv } },
  );
  const apps: Proc[] = appPorts.map((port) => startApp(port, { BACKEND_URL: djangoUrl, SESSION_SECRET, AUTH_PRESET: 'simplejwt', ...GENEROUS_LIMITS, ...(typeof appEnv === 'function' ? appEnv(djangoUrl) : appEnv) }, false, appDir));
  const stop = async () => {
    await Promise.all([...apps.map((app) => app.stop()), django.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForHttp(`${djangoUrl}/api/echo/`, 30_000, django), ...apps.map((app, i) => waitForHttp(`${appUrls[i]}/`, 30_000, app))]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl: appUrls[0], appUrls, djangoUrl, stop };
}
