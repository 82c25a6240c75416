import { describe, expectTypeOf, it } from 'vitest';
import { loginErrorMessage, signIn, type SignInRedirect, type SignInResult } from '@/edge/client';

describe('signIn() types follow its arguments (the README usage compiles)', () => {
  it('a password sign-in answers ok or an error, never undefined; a provider sign-in answers redirected', () => {
    // Checked by `npm run typecheck`, never run (signIn needs a browser).
    const typed = async (show: (text: string) => void) => {
      expectTypeOf(signIn({ email: 'a@example.com', password: 'p' })).resolves.toEqualTypeOf<SignInResult>();
      expectTypeOf(signIn()).resolves.toEqualTypeOf<SignInRedirect>();
      // The README's usage, as written.
      const r = await signIn({ email: 'a@example.com', password: 'p' });
      if (!r.ok) show(loginErrorMessage(r.error));
    };
    expectTypeOf(typed).toBeFunction();
  });
});
