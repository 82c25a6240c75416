import { describe, expect, it } from 'vitest';
import { BffError } from '@/edge/errors';
import { backendTarget } from '@/edge/proxy/target';

const base = new URL('http://backend.test/api/v1');

describe('backendTarget', () => {
  it('maps the rest of the path and the query under the base path', () => {
    expect(String(backendTarget(base, '/api/backend/notes/42', '?x=1'))).toBe('http://backend.test/api/v1/notes/42?x=1');
    expect(String(backendTarget(base, '/api/backend/notes/', ''))).toBe('http://backend.test/api/v1/notes/');
    expect(String(backendTarget(base, '/api/backend/a%20b', ''))).toBe('http://backend.test/api/v1/a%20b');
  });

  it.each([
    '/api/backend/..',
    '/api/backend/../admin',
    '/api/backend/%2e%2e/admin',
    '/api/backend/%2E%2e/admin',
    '/api/backend/a/%2e%2e%2fadmin',
    '/api/backend/a%2fb',
    '/api/backend/a%5cb',
    '/api/backend/a\\b',
    '/api/backend/a%00b',
    '/api/backend//admin',
    '/api/backend/a//b',
    '/api/backend/.',
    '/api/backend/%',
    '/api/backendx',
  ])('refuses %s', (path) => {
    const target = backendTarget(base, path, '');
    expect(target).toBeInstanceOf(BffError);
    expect((target as BffError).code).toBe('path_rejected');
  });
});
