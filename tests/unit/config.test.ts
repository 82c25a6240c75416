import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/edge/config/load';
import { ConfigError } from '@/edge/errors';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  const valid = { BACKEND_URL: 'https://api.example.com', SESSION_SECRET: 'x'.repeat(32) };

  it('applies the defaults', () => {
    const config = loadConfig(valid);
    expect(config.policy.protectedPaths).toEqual(['/dashboard', '/account']);
    expect(config.policy.refreshSkewSeconds).toBe(30);
    expect(config.refresh).toEqual({ graceMs: 30_000, timeoutMs: 5_000, callTimeoutMs: 60_000 });
    expect(config.session).toEqual({ mode: 'cookie', idleMs: undefined, maxAgeMs: undefined });
    expect(config.cookie.maxBytes).toBe(12 * 1024);
    expect(config.clientIp).toEqual({ onVercel: false, ipHeader: undefined, trustedProxyCount: 0 });
    expect(config.store).toBeUndefined();
    expect(config.edgeConfig).toBeUndefined();
    expect(config.cookie.secure).toBe(false); // NODE_ENV is not production here
    expect(config.cookie.name).toBe('bff_session');
  });

  it('says what to set when the essentials are missing, all problems at once', () => {
    const found = problems({});
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/BACKEND_URL is not set/);
    expect(found[1]).toMatch(/SESSION_SECRET is not set.*32 characters/);
  });

  it('refuses short secrets, also inside a rotation list', () => {
    expect(problems({ ...valid, SESSION_SECRET: 'short' })[0]).toMatch(/at least 32 characters/);
    expect(problems({ ...valid, SESSION_SECRET: `${'x'.repeat(32)},short` })[0]).toMatch(/at least 32 characters/);
    expect(loadConfig({ ...valid, SESSION_SECRET: `${'x'.repeat(32)}, ${'y'.repeat(40)}` }).secrets).toHaveLength(2);
  });

  it('refuses malformed values with the variable named', () => {
    expect(problems({ ...valid, BACKEND_URL: 'ftp://x' })[0]).toMatch(/BACKEND_URL must be an absolute http\(s\) URL/);
    expect(problems({ ...valid, BACKEND_URL: 'https://u:p@x' })[0]).toMatch(/without query, fragment or credentials/);
    expect(problems({ ...valid, REFRESH_SKEW_SECONDS: 'soon' })[0]).toMatch(/^REFRESH_SKEW_SECONDS: must be an integer/);
    expect(problems({ ...valid, COOKIE_SECURE: 'yes' })[0]).toMatch(/COOKIE_SECURE must be "true" or "false"/);
    expect(problems({ ...valid, PROTECTED_PATHS: 'admin' })[0]).toMatch(/^PROTECTED_PATHS: must be a non-empty array of paths like "\/dashboard"/);
    expect(problems({ ...valid, RATE_LIMIT_ON_ERROR: 'maybe' })[0]).toMatch(/^RATE_LIMIT_ON_ERROR: must be "closed" or "open"/);
    expect(problems({ ...valid, UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' })[0]).toMatch(/Set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN/);
    expect(problems({ ...valid, EDGE_CONFIG: 'not a url' })[0]).toMatch(/EDGE_CONFIG must be an Edge Config connection string/);
    expect(problems({ ...valid, SESSION_MODE: 'redis' })[0]).toMatch(/SESSION_MODE must be one of cookie, server: got "redis"/);
    expect(problems({ ...valid, SESSION_IDLE_SECONDS: '5' })[0]).toMatch(/SESSION_IDLE_SECONDS must be an integer ≥ 60/);
    expect(problems({ ...valid, REFRESH_TIMEOUT_MS: '5000', REFRESH_CALL_TIMEOUT_MS: '1000' })[0]).toMatch(/REFRESH_CALL_TIMEOUT_MS must be at least REFRESH_TIMEOUT_MS/);
  });

  it('server-held sessions need a store, and say which', () => {
    expect(problems({ ...valid, SESSION_MODE: 'server' })[0]).toMatch(/SESSION_MODE=server keeps sessions in a store: set UPSTASH_REDIS_REST_URL .* or REDIS_URL/);
    const server = loadConfig({ ...valid, SESSION_MODE: 'server', REDIS_URL: 'redis://localhost:6379', SESSION_IDLE_SECONDS: '1800', SESSION_MAX_AGE_SECONDS: '86400' });
    expect(server.session).toEqual({ mode: 'server', idleMs: 1_800_000, maxAgeMs: 86_400_000 });
  });

  it('reads the environment overrides of the runtime policy and the store', () => {
    const config = loadConfig({
      ...valid,
      PROTECTED_PATHS: '/admin/, /billing',
      REFRESH_SKEW_SECONDS: '60',
      RATE_LIMIT_ON_ERROR: 'open',
      ALLOWED_ORIGINS: 'https://admin.example.com',
      UPSTASH_REDIS_REST_URL: 'https://x.upstash.io/',
      UPSTASH_REDIS_REST_TOKEN: 't',
      TRUSTED_PROXY_COUNT: '1',
      EDGE_CONFIG: 'https://edge-config.vercel.com/ecfg_1?token=abc',
    });
    expect(config.policy).toMatchObject({
      protectedPaths: ['/admin', '/billing'],
      refreshSkewSeconds: 60,
      rateLimit: { onError: 'open', loginPerIp: { limit: 10, windowSeconds: 60 } },
      allowedOrigins: ['https://admin.example.com'],
    });
    expect(config.store).toEqual({ kind: 'upstash', url: 'https://x.upstash.io', token: 't', timeoutMs: 1000 });
    expect(config.clientIp.trustedProxyCount).toBe(1);
    expect(config.edgeConfig).toMatchObject({ key: 'bff', ttlMs: 10_000 });
  });

  it("accepts the Vercel Marketplace names for Upstash (KV_REST_API_URL/TOKEN); Upstash's own names win", () => {
    expect(loadConfig({ ...valid, KV_REST_API_URL: 'https://kv.upstash.io', KV_REST_API_TOKEN: 'k' }).store).toMatchObject({ url: 'https://kv.upstash.io', token: 'k' });
    const both = { ...valid, KV_REST_API_URL: 'https://kv.upstash.io', KV_REST_API_TOKEN: 'k', UPSTASH_REDIS_REST_URL: 'https://u.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'u' };
    expect(loadConfig(both).store).toMatchObject({ url: 'https://u.upstash.io', token: 'u' });
    expect(problems({ ...valid, KV_REST_API_URL: 'https://kv.upstash.io' })[0]).toMatch(/Set both KV_REST_API_URL and KV_REST_API_TOKEN/);
  });

  it('production defaults to Secure cookies with the __Host- prefix', () => {
    const config = loadConfig({ ...valid, NODE_ENV: 'production', APP_URL: 'https://app.example.com' });
    expect(config.cookie).toMatchObject({ secure: true, name: '__Host-bff_session' });
  });

  it("production outside Vercel needs APP_URL (a client's Host header is no origin to trust); on Vercel it does not", () => {
    expect(problems({ ...valid, NODE_ENV: 'production' }).join('\n')).toContain("APP_URL is not set. In production outside Vercel, set it to the app's public URL");
    expect(problems({ ...valid, NODE_ENV: 'production', VERCEL: '1' })).toEqual([]);
    expect(problems({ ...valid, NODE_ENV: 'development' })).toEqual([]);
  });

  it('configuration errors print URLs without their credentials or query', () => {
    const text = problems({ ...valid, BACKEND_URL: 'https://admin:s3cr3t@api.example.com/v1?key=abc123' }).join('\n');
    expect(text).toContain('got "https://***@api.example.com/v1?…"');
    expect(text).not.toMatch(/s3cr3t|abc123/);
  });
});

describe('rate-limit numbers from the environment', () => {
  const valid = { BACKEND_URL: 'https://api.example.com', SESSION_SECRET: 'x'.repeat(32) };
  it('reads "<limit>/<window seconds>"', () => {
    const { policy } = loadConfig({ ...valid, RATE_LIMIT_LOGIN_PER_IP: '100/60', RATE_LIMIT_LOGIN_PER_IDENTIFIER: '3/600' });
    expect(policy.rateLimit.loginPerIp).toEqual({ limit: 100, windowSeconds: 60 });
    expect(policy.rateLimit.loginPerIdentifier).toEqual({ limit: 3, windowSeconds: 600 });
  });
  it('says how to write it when malformed', () => {
    expect(() => loadConfig({ ...valid, RATE_LIMIT_LOGIN_PER_IP: 'ten' })).toThrow(/RATE_LIMIT_LOGIN_PER_IP \(as "<limit>\/<window seconds>"/);
  });
});
