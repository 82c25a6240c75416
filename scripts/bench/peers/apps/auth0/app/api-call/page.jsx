import { redirect } from 'next/navigation';
import { auth0 } from '../../lib/auth0';

export default async function ApiCall() {
  const session = await auth0.getSession();
  if (!session) redirect('/auth/login');
  const { token } = await auth0.getAccessToken();
  const res = await fetch(`${process.env.BACKEND_URL}/notes`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!res.ok) throw new Error(`API ${res.status}`);
  const notes = await res.json();
  return <p>{session.user.email}: {JSON.stringify(notes).length}</p>;
}
