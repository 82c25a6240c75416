import { getIronSession } from 'iron-session';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { sessionOptions } from '../../lib/session';

export default async function Me() {
  const session = await getIronSession(await cookies(), sessionOptions);
  if (!session.email) redirect('/login');
  return <p>{session.email}</p>;
}
