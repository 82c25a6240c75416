import { getIronSession } from 'iron-session';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { sessionOptions } from '../../lib/session';

export default async function ApiCall() {
  const session = await getIronSession(await cookies(), sessionOptions);
  if (!session.email) redirect('/login');
  const res = await fetch(`${process.env.BACKEND_URL}/notes`, { headers: { authorization: `Bearer ${session.accessToken}` }, cache: 'no-store' });
  if (!res.ok) throw new Error(`API ${res.status}`);
  const notes = await res.json();
  return <p>{session.email}: {JSON.stringify(notes).length}</p>;
}
