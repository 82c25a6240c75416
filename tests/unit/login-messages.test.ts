import { describe, expect, it } from 'vitest';
import { loginErrorMessage } from '@/edge/auth/login-messages';

describe('login error messages', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('a ?error=%s from the URL gets the generic sentence, never a function', (code) => {
    expect(loginErrorMessage({ code })).toBe('Signing in failed. Please try again.');
  });

  it('a known code gets its sentence', () => {
    expect(loginErrorMessage({ code: 'access_denied' })).toMatch(/cancelled or refused/);
  });
});
