import { redirect } from 'next/navigation';
import { auth } from '../../auth';

export default async function ApiCall() {
  const session = await auth();
  if (!session?.user) redirect('/login');
  const res = await fetch(`${process.env.BACKEND_URL}/notes`, { headers: { authorization: `Bearer ${session.accessToken}` }, cache: 'no-store' });
  if (!res.ok) throw new Error(`API ${res.status}`);
  const notes = await res.json();
  return <p>{session.user.email}: {JSON.stringify(notes).length}</p>;
}
