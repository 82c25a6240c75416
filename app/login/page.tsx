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
  return (
    <>
      <h1>Log in</h1>
      {reason && REASONS[reason] ? <p className="muted" data-testid="login-reason">{REASONS[reason]}</p> : null}
      <LoginForm
        next={next}
        initialError={one('error') ? { code: one('error')!, message: one('message'), retryAfter: Number(one('retryAfter')) || undefined } : undefined}
      />
      <p className="muted">
        Demo user: <code>demo@example.com</code> / <code>demo-password</code>
      </p>
    </>
  );
}
