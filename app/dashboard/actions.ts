'use server';

import { revalidatePath } from 'next/cache';
import { backendFetch } from '../lib/bff-server';

/** A Server Action that POSTs to the backend as the signed-in user: same bearer, refresh and errors as /api/backend. */
export async function addNoteFromServer(form: FormData): Promise<void> {
  const text = String(form.get('text') ?? '').trim();
  if (!text) return;
  const res = await backendFetch('/notes', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`The note was not saved (the backend answered ${res.status}).`);
  revalidatePath('/dashboard');
}
