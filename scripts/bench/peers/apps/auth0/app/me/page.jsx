import { redirect } from 'next/navigation';
import { auth0 } from '../../lib/auth0';

export default async function Me() {
  const session = await auth0.getSession();
  if (!session) redirect('/auth/login');
  return <p>{session.user.email}</p>;
}
