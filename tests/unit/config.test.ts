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
    expect(config.protectedPrefixes).toEqual(['/dashboard', '/account']);
    expect(config.refresh).toEqual({ skewMs: 30_000, graceMs: 30_000, timeoutMs: 5_000 });
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
    expect(problems({ ...valid, REFRESH_SKEW_SECONDS: 'soon' })[0]).toMatch(/REFRESH_SKEW_SECONDS must be an integer/);
    expect(problems({ ...valid, COOKIE_SECURE: 'yes' })[0]).toMatch(/COOKIE_SECURE must be "true" or "false"/);
    expect(problems({ ...valid, PROTECTED_PATHS: 'admin' })[0]).toMatch(/must start with "\/"/);
  });

  it('production defaults to Secure cookies with the __Host- prefix', () => {
    const config = loadConfig({ ...valid, NODE_ENV: 'production' });
    expect(config.cookie).toMatchObject({ secure: true, name: '__Host-bff_session' });
  });
});
