import { safeNextPath } from 'next-edge-bff';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

const REASONS: Record<string, string> = {
  session_expired: 'Your session has ended. Please sign in again.',
};

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const one = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
  const next = safeNextPath(one('next'), '/dashboard');
  const reason = one('reason');
  const error = one('error');
  // AUTH_PRESET=oidc: sign-in happens at the identity provider; this page only starts it and shows what went wrong.
  if (process.env.AUTH_PRESET === 'oidc') {
    return (
      <>
        <h1>Log in</h1>
        {reason && REASONS[reason] ? <p className="muted" data-testid="login-reason">{REASONS[reason]}</p> : null}
        {error ? (
          <p className="error" role="alert" data-testid="login-error">
            {one('message') ?? 'Signing in failed.'}
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
        initialError={error ? { code: error, message: one('message'), retryAfter: Number(one('retryAfter')) || undefined } : undefined}
      />
      <p className="muted">
        Demo user: <code>demo@example.com</code> / <code>demo-password</code>
      </p>
    </>
  );
}
