import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Env } from '@/edge/config/load';

/** Every variable loadConfig reads, over configurations that reach each of its branches. */
function variablesRead(): Set<string> {
  const seen = new Set<string>();
  const base = { BACKEND_URL: 'https://api.example.com', SESSION_SECRET: 'x'.repeat(32), APP_URL: 'https://app.example.com' };
  const shapes: Env[] = [
    base,
    { ...base, AUTH_PRESET: 'oidc', OIDC_ISSUER: 'https://op.example.com', AUTH_CLIENT_ID: 'c', AUTH_CLIENT_SECRET: 's' },
    { ...base, AUTH_PRESET: 'oauth2', AUTH_CLIENT_ID: 'c', AUTH_CLIENT_AUTH: 'private_key_jwt', AUTH_DPOP: '1' },
    { ...base, REDIS_URL: 'redis+sentinel://127.0.0.1:26379/m', SESSION_MODE: 'server', SESSION_IDLE_SECONDS: '600' },
    { ...base, UPSTASH_REDIS_REST_URL: 'https://u.example.com', UPSTASH_REDIS_REST_TOKEN: 't', EDGE_CONFIG: 'https://edge-config.vercel.com/ecfg_x?token=t' },
    { ...base, AUTH_JWKS_URL: 'https://api.example.com/jwks' },
  ];
  for (const shape of shapes) {
    const env = new Proxy(shape, {
      get: (target, name) => {
        if (typeof name === 'string' && /^[A-Z][A-Z0-9_]+$/.test(name)) seen.add(name);
        return target[name as string];
      },
    });
    try {
      loadConfig(env);
    } catch {
      // Some shapes are incomplete on purpose; the variables they reached still count.
    }
  }
  // Set by platforms or Node, not by the operator.
  for (const platform of ['NODE_ENV', 'VERCEL', 'VERCEL_ENV', 'VERCEL_URL', 'NEXT_RUNTIME', 'NEXT_PHASE']) seen.delete(platform);
  return seen;
}

describe('.env.example', () => {
  it('names every variable the configuration reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = [...variablesRead()].filter((name) => !listed.has(name) && !example.includes(name));
    expect(missing).toEqual([]);
  });
});
