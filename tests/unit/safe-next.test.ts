import { describe, expect, it } from 'vitest';
import { safeNextPath } from '@/edge/guard/safe-next';

describe('safeNextPath (open-redirect protection)', () => {
  it.each(['/', '/dashboard', '/dashboard?tab=notes#top', '/a/b%20c', '/login?next=%2Fx'])('keeps the same-origin path %s', (path) => {
    expect(safeNextPath(path)).toBe(path);
  });

  it.each([
    '//evil.com',
    '///evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    'https://evil.com',
    'https:evil.com',
    'http:/evil.com',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    '/%2f%2fevil.com',
    '/%5cevil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/\r\n/evil.com',
    ' //evil.com',
    '%2F%2Fevil.com',
    'evil.com',
    '',
    '/%',
    '/..//evil.com',
    '/.//evil.com',
    '/a/../..//evil.com',
  ])('refuses %j', (payload) => {
    expect(safeNextPath(payload)).toBe('/');
  });

  it('refuses a next over 2 KB as written or as the URL parser encodes it (it rides in a sign-in cookie)', () => {
    const kept = `/${'a'.repeat(2000)}`;
    expect(safeNextPath(kept)).toBe(kept);
    expect(safeNextPath(`/${'a'.repeat(2048)}`)).toBe('/');
    // 2,001 characters written; each emoji is 12 once percent-encoded.
    expect(safeNextPath(`/${'😀'.repeat(1000)}`)).toBe('/');
  });

  it('uses the given fallback', () => {
    expect(safeNextPath('//x', '/dashboard')).toBe('/dashboard');
    expect(safeNextPath(undefined, '/dashboard')).toBe('/dashboard');
  });
});
