import type { User } from '../../session/types.ts';
import type { BackendReply } from '../types.ts';

export function isSuccess(reply: BackendReply): boolean {
  return reply.status >= 200 && reply.status < 300;
}

/** A non-empty string field, else undefined. */
export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/** Small readers for untrusted JSON: backend answers (shared by the presets), policy documents, BACKENDS. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A human message, under the keys backends commonly use. */
export function messageOf(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  for (const key of ['message', 'detail', 'error_description', 'error']) {
    const value = json[key];
    if (typeof value === 'string' && value) return value.slice(0, 500);
  }
  return undefined;
}

/** Field errors as `{ field: [messages] }`, accepting a single string per field too. */
export function fieldErrors(value: unknown): Record<string, string[]> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    const list = Array.isArray(messages) ? messages : [messages];
    const strings = list.filter((m): m is string => typeof m === 'string').map((m) => m.slice(0, 500));
    if (strings.length) out[field] = strings;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Keeps only the non-secret summary fields of a backend's user object. */
export function userFrom(value: unknown): User | undefined {
  if (!isObject(value)) return undefined;
  const id = value.id ?? value.sub ?? value.user_id ?? value.pk;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  const user: User = { id: String(id) };
  if (typeof value.email === 'string') user.email = value.email;
  const name = value.name ?? value.username ?? value.preferred_username;
  if (typeof name === 'string') user.name = name;
  return user;
}
