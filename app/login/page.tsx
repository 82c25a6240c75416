import { loginErrorMessage, safeNextPath } from 'next-edge-bff';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

const REASONS: Record<string, string> = {
  session_expired: 'Your session has ended. Please sign in again.',
  reauthenticate: 'Please sign in again to continue.',
};

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const one = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
  const next = safeNextPath(one('next'), '/dashboard');
  const reason = one('reason');
  const error = one('error');
  // Only the code and the wait come from the URL; the page says the words (loginErrorMessage).
  const initialError = error ? { code: error, retryAfter: Number(one('retryAfter')) || undefined } : undefined;
  // AUTH_PRESET=oidc: sign-in happens at the identity provider; this page only starts it and shows what went wrong.
  if (process.env.AUTH_PRESET === 'oidc') {
    return (
      <>
        <h1>Log in</h1>
        {reason && REASONS[reason] ? <p className="muted" data-testid="login-reason">{REASONS[reason]}</p> : null}
        {error ? (
          <p className="error" role="alert" data-testid="login-error">
            {loginErrorMessage(initialError!)}
          </p>
        ) : null}
        <p>
          <a className="button" href={`/api/auth/login?${new URLSearchParams({ next })}`} data-testid="sso-login">
            Sign in with your identity provider
          </a>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Log in</h1>
      {reason && REASONS[reason] ? <p className="muted" data-testid="login-reason">{REASONS[reason]}</p> : null}
      <LoginForm
        next={next}
        initialError={initialError}
      />
      <p className="muted">
        Demo user: <code>demo@example.com</code> / <code>demo-password</code>
      </p>
    </>
  );
}
