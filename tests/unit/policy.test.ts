import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@/edge/config/defaults';
import { DEFAULT_POLICY } from '@/edge/policy/defaults';
import { parsePolicy } from '@/edge/policy/parse';
import { classify } from '@/edge/request/classify';
import { testConfig } from '../helpers/unit';

describe('policy document', () => {
  it('merges a partial document over the base policy', () => {
    const result = parsePolicy({ maintenance: { enabled: true }, rateLimit: { loginPerIp: { limit: 3, windowSeconds: 10 } } }, DEFAULT_POLICY);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.maintenance).toEqual({ enabled: true, message: DEFAULT_POLICY.maintenance.message });
    expect(result.policy.rateLimit.loginPerIp).toEqual({ limit: 3, windowSeconds: 10 });
    expect(result.policy.rateLimit.loginPerIdentifier).toEqual(DEFAULT_POLICY.rateLimit.loginPerIdentifier);
    expect(result.policy.protectedPaths).toEqual(DEFAULT_POLICY.protectedPaths);
    expect(DEFAULT_POLICY.rateLimit.loginPerIp.limit).toBe(10); // the base is not mutated
  });

  it('accepts a full document', () => {
    const doc = {
      protectedPaths: ['/admin'],
      refreshSkewSeconds: 45,
      rateLimit: { loginPerIp: { limit: 20, windowSeconds: 60 }, loginPerIdentifier: { limit: 3, windowSeconds: 600 }, onError: 'open' },
      maintenance: { enabled: false, message: 'Back soon.' },
      allowedOrigins: ['https://admin.example.com'],
    };
    expect(parsePolicy(doc, DEFAULT_POLICY)).toEqual({ ok: true, policy: doc });
  });

  it.each([
    [null, 'the policy must be a JSON object'],
    [[], 'the policy must be a JSON object'],
    [{ protectedPaths: 'admin' }, 'protectedPaths'],
    [{ protectedPaths: ['admin'] }, 'protectedPaths'],
    [{ refreshSkewSeconds: -1 }, 'refreshSkewSeconds'],
    [{ rateLimit: { loginPerIp: { limit: 0, windowSeconds: 60 } } }, 'rateLimit.loginPerIp'],
    [{ rateLimit: { onError: 'sometimes' } }, 'rateLimit.onError'],
    [{ maintenance: { enabled: 'yes' } }, 'maintenance'],
    [{ allowedOrigins: ['https://x.example.com/path'] }, 'allowedOrigins'],
    [{ allowedOrigins: ['javascript:alert(1)'] }, 'allowedOrigins'],
    [{ protectedPath: ['/typo'] }, 'unknown field "protectedPath"'],
    [{ protectedPaths: [] }, 'protectedPaths'],
    [{ protectedPaths: ['/admin', ''] }, 'protectedPaths'],
    [{ protectedPaths: ['/a/../b'] }, 'protectedPaths'],
    [{ protectedPaths: ['//admin'] }, 'protectedPaths'],
    [{ protectedPaths: ['/admin?x'] }, 'protectedPaths'],
    [{ protectedPaths: ['/ad min'] }, 'protectedPaths'],
    [{ protectedPaths: ['/%E0%A4%A'] }, 'protectedPaths'],
  ])('refuses %j as a whole', (doc, message) => {
    const result = parsePolicy(doc, DEFAULT_POLICY);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join(' ')).toContain(message);
  });

  it('normalises protected paths exactly as the environment does: a trailing slash or an encoding changes nothing', () => {
    const result = parsePolicy({ protectedPaths: ['/dashboard/', ' /account ', '/%62illing', '/dashboard'] }, DEFAULT_POLICY);
    expect(result).toMatchObject({ ok: true, policy: { protectedPaths: ['/dashboard', '/account', '/billing'] } });
  });
});

describe('routes a policy protects', () => {
  const routes = DEFAULTS.routes;
  const protectedPaths = ['/dashboard'];
  it.each(['/dashboard', '/dashboard/', '/dashboard/x', '/%64ashboard', '/%64ashboard/x', '/dash%62oard', '/%E0%A4%A'])('%s is protected', (path) => {
    expect(classify(path, routes, protectedPaths, [])).toBe('protected');
  });
  it.each(['/', '/dashboards', '/about', '/%2fdashboard'])('%s is public', (path) => {
    expect(classify(path, routes, protectedPaths, [])).toBe('public');
  });
});

describe('protected paths from the environment', () => {
  it('an empty PROTECTED_PATHS is refused at start-up, with a sentence', () => {
    expect(() => testConfig({ PROTECTED_PATHS: ' , ' })).toThrow(/PROTECTED_PATHS/);
  });
  it('normalised like Edge Config', () => {
    expect(testConfig({ PROTECTED_PATHS: '/admin/,/%62illing' }).policy.protectedPaths).toEqual(['/admin', '/billing']);
  });
});
