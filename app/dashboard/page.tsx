import { backendGet, currentUser } from '../lib/server-session';
import { NotesPanel, type Note } from './notes-panel';

export const dynamic = 'force-dynamic';

/** A protected Server Component: it loads server data without knowing anything about tokens. */
export default async function Dashboard() {
  const [user, notes] = await Promise.all([currentUser(), backendGet<{ data: Note[] }>('/notes')]);
  return (
    <>
      <h1>Dashboard</h1>
      <p data-testid="dashboard-user">Welcome, {user?.name ?? user?.email}.</p>
      {notes.ok ? (
        <NotesPanel initial={notes.data.data} />
      ) : (
        <p className="error" data-testid="notes-error">
          Your notes could not be loaded: {notes.message}
        </p>
      )}
    </>
  );
}
