import { redirect } from 'next/navigation';
import { auth } from '../../auth';

export default async function Me() {
  const session = await auth();
  if (!session?.user) redirect('/login');
  return <p>{session.user.email}</p>;
}
