import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentUser } from './lib/bff-server';
import './globals.css';

export const metadata: Metadata = { title: 'Next.js edge BFF demo' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        <header className="bar">
          <Link href="/" className="brand">
            Edge BFF demo
          </Link>
          <nav>
            <Link href="/dashboard">Dashboard</Link>
            {user ? (
              <form method="post" action="/api/auth/logout" className="inline">
                <span className="who" data-testid="who">
                  {user.name ?? user.email}
                </span>
                <button type="submit" data-testid="logout">
                  Log out
                </button>
              </form>
            ) : (
              <Link href="/login">Log in</Link>
            )}
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
