'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

/** Client component: plain fetch to /api/backend; the middleware adds the bearer. */
export function NotesPanel({ initial }: { initial: Note[] }) {
  const router = useRouter();
  const [notes, setNotes] = useState(initial);
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);

  async function add(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const res = await fetch('/api/backend/notes', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      if (res.status === 401) {
        router.push(`/login?next=${encodeURIComponent('/dashboard')}`);
        return;
      }
      const body = (await res.json()) as { data?: Note; message?: string };
      if (!res.ok || !body.data) throw new Error(body.message ?? `status ${res.status}`);
      setNotes((list) => [...list, body.data!]);
      setText('');
    } catch (e) {
      setError(`The note was not saved (${(e as Error).message}).`);
    }
    setSaving(false);
  }

  return (
    <section>
      <h2>Your notes</h2>
      {notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
      <ul className="notes" data-testid="notes">
        {notes.map((n) => (
          <li key={n.id}>{n.text}</li>
        ))}
      </ul>
      <form onSubmit={add}>
        <label htmlFor="note">New note</label>
        <input id="note" value={text} onChange={(e) => setText(e.target.value)} maxLength={500} required />
        {error ? <p className="error">{error}</p> : null}
        <p>
          <button type="submit" disabled={saving || !text.trim()} data-testid="add-note">
            {saving ? 'Saving…' : 'Add note'}
          </button>
        </p>
      </form>
    </section>
  );
}
