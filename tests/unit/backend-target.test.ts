import { describe, expect, it } from 'vitest';
import { BffError } from '@/edge/errors';
import { backendTarget } from '@/edge/proxy/target';

const base = new URL('http://backend.test/api/v1');

describe('backendTarget', () => {
  it('maps the rest of the path and the query under the base path', () => {
    expect(String(backendTarget(base, '/notes/42', '?x=1'))).toBe('http://backend.test/api/v1/notes/42?x=1');
    expect(String(backendTarget(base, '/notes/', ''))).toBe('http://backend.test/api/v1/notes/');
    expect(String(backendTarget(base, '/a%20b', ''))).toBe('http://backend.test/api/v1/a%20b');
    // Percent-encoding is kept as the browser sent it, not re-normalised.
    expect(String(backendTarget(base, '/caf%C3%A9/%7Euser/a%2Bb', ''))).toBe('http://backend.test/api/v1/caf%C3%A9/%7Euser/a%2Bb');
    // Ordinary dots, semicolons and percent signs inside a segment are data.
    expect(String(backendTarget(base, '/v1.2/a..b/x;y/100%25', ''))).toBe('http://backend.test/api/v1/v1.2/a..b/x;y/100%25');
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
    // `;` parameters that servlet containers strip before resolving dot segments.
    '/api/backend/..;/admin',
    '/api/backend/a/..;x=1/admin',
    '/api/backend/%2e%2e;/admin',
    // Double encodings that a second decode downstream would turn into `.`, `/`, `\\` or NUL.
    '/api/backend/%252e%252e/admin',
    '/api/backend/a%252fb',
    '/api/backend/a%255cb',
    '/api/backend/a%2500',
    // Unicode look-alikes of `.` and `/`.
    '/api/backend/%EF%BC%8E%EF%BC%8E/admin',
    '/api/backend/a%EF%BC%8Fb',
    '/api/backend/a%E2%88%95b',
    '/api/backend/%E2%80%A4%E2%80%A4/admin',
    '/api/backend/a%E2%81%84b',
  ])('refuses %s', (path) => {
    const target = backendTarget(base, path.slice('/api/backend'.length), '');
    expect(target).toBeInstanceOf(BffError);
    expect((target as BffError).code).toBe('path_rejected');
  });
});
