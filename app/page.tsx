import Link from 'next/link';
import { currentUser } from './lib/bff-server';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const user = await currentUser();
  return (
    <>
      <h1>Next.js edge BFF</h1>
      <p>
        This page is public. The session lives in an encrypted, HttpOnly cookie; pages and client code never see a token.
      </p>
      {user ? (
        <p data-testid="home-user">
          Signed in as <strong>{user.email ?? user.name}</strong>. Go to your <Link href="/dashboard">dashboard</Link>.
        </p>
      ) : (
        <p data-testid="home-user">
          You are not signed in. <Link href="/login">Log in</Link> as <code>demo@example.com</code> /{' '}
          <code>demo-password</code>.
        </p>
      )}
    </>
  );
}
