'use client';

import { signOut, useSession } from 'next-edge-bff/client';

/** The session as client components see it: the user, never a token. */
export function SessionBadge() {
  const session = useSession();
  if (session.status === 'loading') return <p className="muted">Checking your session…</p>;
  if (session.status === 'unauthenticated') return <p className="muted" data-testid="client-session">Signed out.</p>;
  return (
    <p className="muted" data-testid="client-session">
      Client components see {session.user.email ?? session.user.name}.{' '}
      <button type="button" className="link" onClick={() => signOut({ redirectTo: '/login' })} data-testid="client-sign-out">
        Sign out from here
      </button>
    </p>
  );
}
