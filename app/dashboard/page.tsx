import { backendFetch, requireUser } from '../lib/bff-server';
import { addNoteFromServer } from './actions';
import { NotesPanel, type Note } from './notes-panel';
import { SessionBadge } from './session-badge';

export const dynamic = 'force-dynamic';

/** A protected Server Component: it loads server data without knowing anything about tokens. */
export default async function Dashboard() {
  const [user, res] = await Promise.all([requireUser('/dashboard'), backendFetch('/notes')]);
  const body = (await res.json().catch(() => ({}))) as { data?: Note[]; message?: string };
  const notes = res.ok ? body.data : undefined;
  return (
    <>
      <h1>Dashboard</h1>
      <p data-testid="dashboard-user">Welcome, {user.name ?? user.email}.</p>
      <SessionBadge />
      {notes ? (
        <NotesPanel initial={notes} />
      ) : (
        <p className="error" data-testid="notes-error">
          Your notes could not be loaded: {body.message ?? `the backend answered ${res.status}.`}
        </p>
      )}
      <form action={addNoteFromServer}>
        <label htmlFor="server-note">New note, saved by a Server Action</label>
        <input id="server-note" name="text" maxLength={500} required />
        <p>
          <button type="submit" data-testid="add-note-server">
            Add from the server
          </button>
        </p>
      </form>
    </>
  );
}
