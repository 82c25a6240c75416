import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authRoute } from '@/edge/auth/routes';
import { ConfigError } from '@/edge/errors';
import { logWarn } from '@/edge/log';
import { maskedConfig } from '@/edge/diagnostics/masked-config';
import { loadConfig } from '@/edge/config/load';
import { request, runtime, SECRET, testConfig } from '../helpers/unit';

afterEach(() => vi.restoreAllMocks());

const TOKEN = 'diagnostics-token-0123456789-abcdefghijkl';

describe('diagnostics endpoint: when it exists', () => {
  const configFor = (env: Record<string, string>) => loadConfig({ BACKEND_URL: 'http://backend.test', SESSION_SECRET: SECRET, APP_URL: 'http://localhost:3000', ...env });

  it('open in development, absent in production, present there only with a token', () => {
    expect(configFor({ NODE_ENV: 'development' }).diagnostics).toEqual({ enabled: true, token: undefined });
    expect(configFor({ NODE_ENV: 'production' }).diagnostics).toEqual({ enabled: false, token: undefined });
    expect(configFor({ NODE_ENV: 'production', BFF_DIAGNOSTICS_TOKEN: TOKEN }).diagnostics).toEqual({ enabled: true, token: TOKEN });
    expect(configFor({ NODE_ENV: 'development', BFF_DIAGNOSTICS: 'false' }).diagnostics.enabled).toBe(false);
  });

  it('BFF_DIAGNOSTICS=true in production without a token, or a short token, is a start-up error saying what to set', () => {
    expect(() => configFor({ NODE_ENV: 'production', BFF_DIAGNOSTICS: 'true' })).toThrow(/BFF_DIAGNOSTICS_TOKEN too/);
    expect(() => configFor({ NODE_ENV: 'production', BFF_DIAGNOSTICS_TOKEN: 'short' })).toThrow(ConfigError);
  });

  it('with a token, a caller without it gets a JSON 401; with it, the report, never cached', async () => {
    const rt = await runtime({ env: { BFF_DIAGNOSTICS_TOKEN: TOKEN } });
    const refused = await authRoute(request('/api/auth/diagnostics'), rt);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('unauthenticated');
    expect((await authRoute(request('/api/auth/diagnostics', { headers: { authorization: 'Bearer wrong' } }), rt)).status).toBe(401);
    const shown = await authRoute(request('/api/auth/diagnostics', { headers: { authorization: `Bearer ${TOKEN}` } }), rt);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('private, no-store');
  });

  it('off: a JSON 404 like any unknown auth endpoint', async () => {
    const res = await authRoute(request('/api/auth/diagnostics'), await runtime());
    expect(res.status).toBe(404);
  });
});

describe('diagnostics report', () => {
  it('shows the effective configuration with every secret masked, URLs without credentials, API policies kept', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const secrets = {
      SESSION_SECRET: `${SECRET},second-secret-0123456789abcdefghijklmn`,
      AUTH_CLIENT_ID: 'web-bff',
      AUTH_CLIENT_SECRET: 'client-secret-value-xyz',
      AUTH_CLIENT_PRIVATE_KEY: JSON.stringify(await exportJWK(privateKey)),
      AUTH_JWT_SECRET: 'jwt-secret-value-0123456789abcdefghijkl',
      UPSTASH_REDIS_REST_URL: 'https://eu1-fine-cat.upstash.io',
      UPSTASH_REDIS_REST_TOKEN: 'upstash-token-value-xyz',
      EDGE_CONFIG: 'https://edge-config.vercel.com/ecfg_abc?token=edge-config-token-xyz',
      BFF_DIAGNOSTICS_TOKEN: TOKEN,
      BACKENDS: JSON.stringify({ files: { url: 'https://files.test', token: 'client', tokenUrl: 'https://id.test/token', clientId: 'files-bff', clientSecret: 'files-secret-value-xyz' } }),
    };
    const shown = JSON.stringify(maskedConfig(testConfig({ ...secrets, AUTH_PRESET: 'oauth2' })));
    for (const name of ['SESSION_SECRET', 'AUTH_CLIENT_SECRET', 'AUTH_JWT_SECRET', 'UPSTASH_REDIS_REST_TOKEN', 'BFF_DIAGNOSTICS_TOKEN'] as const) {
      expect(shown).not.toContain(secrets[name].split(',')[0]);
    }
    expect(shown).not.toMatch(/files-secret-value|edge-config-token|second-secret|"d":"/);
    expect(shown).toContain('"token":"client"'); // an API's token policy
    expect(shown).toContain('https://files.test');
  });

  it('reports the store as absent, and the warnings this process logged by event with their latest facts', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    logWarn('store_command_failed', { kind: 'reply', reply: 'CROSSSLOT' });
    logWarn('store_command_failed', { kind: 'timeout' });
    const rt = await runtime({ env: { BFF_DIAGNOSTICS_TOKEN: TOKEN } });
    const res = await authRoute(request('/api/auth/diagnostics', { headers: { authorization: `Bearer ${TOKEN}` } }), rt);
    const body = (await res.json()) as { store: { configured: boolean }; recentEvents: Record<string, { count: number; level: string; facts: object }> };
    expect(body.store.configured).toBe(false);
    expect(body.recentEvents.store_command_failed.count).toBeGreaterThanOrEqual(2);
    expect(body.recentEvents.store_command_failed).toMatchObject({ level: 'warn', facts: { kind: 'timeout' } });
  });
});
