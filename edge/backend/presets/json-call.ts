import type { BackendCall } from '../types.ts';

/** A JSON POST to the backend, the shape of most calls of the JSON-speaking presets. */
export function jsonPost(path: string, body: unknown, headers: Record<string, string> = {}): BackendCall {
  return { path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
