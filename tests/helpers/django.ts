import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, startProcess, waitForHttp, type Proc } from '../../scripts/lib/processes.mjs';
import { GENEROUS_LIMITS, SESSION_SECRET } from './global-setup';

export const GUNICORN = '/usr/bin/gunicorn';

export interface DjangoStack {
  appUrl: string;
  djangoUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Django REST framework + SimpleJWT API (tests/fixtures/django-backend/app.py) under Debian's gunicorn,
 * and `next start` of the built app in front of it with the `simplejwt` preset, configured by environment only.
 */
export async function startDjangoStack(djangoEnv: Record<string, string> = {}, appEnv: Record<string, string> = {}, appDir?: string): Promise<DjangoStack> {
  if (!existsSync(GUNICORN)) {
    throw new Error('gunicorn not found: `sudo apt-get install -y gunicorn python3-django python3-djangorestframework python3-djangorestframework-simplejwt`.');
  }
  const [djangoPort, appPort] = await Promise.all([freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'bff-django-'));
  const djangoUrl = `http://127.0.0.1:${djangoPort}`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  const django: Proc = startProcess(
    'gunicorn',
    GUNICORN,
    ['--chdir', 'tests/fixtures/django-backend', '--bind', `127.0.0.1:${djangoPort}`, '--workers', '1', '--threads', '8', 'app:application'],
    { env: { DJANGO_DB: join(dir, 'db.sqlite3'), PYTHONDONTWRITEBYTECODE: '1', ...djangoEnv } },
  );
  const app: Proc = startApp(appPort, { BACKEND_URL: djangoUrl, SESSION_SECRET, AUTH_PRESET: 'simplejwt', ...GENEROUS_LIMITS, ...appEnv }, false, appDir);
  const stop = async () => {
    await Promise.all([app.stop(), django.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all([waitForHttp(`${djangoUrl}/api/echo/`, 30_000, django), waitForHttp(`${appUrl}/`, 30_000, app)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { appUrl, djangoUrl, stop };
}
