import type { BffError } from '../errors.ts';
import { statusOf } from './error-response.ts';
import { markPersonal } from './cache-control.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The error as a page, for a browser's navigation (JSON is for APIs): the same status and `Retry-After`, our own
 * sentence, and a page that tries again by itself after the wait.
 */
export function errorPage(error: BffError): Response {
  const wait = error.retryAfter;
  const refresh = wait === undefined ? '' : `<meta http-equiv="refresh" content="${wait}">`;
  const html = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">${refresh}<title>Please try again shortly</title><h1>Please try again shortly</h1><p>${escape(error.message)}`;
  const res = new Response(html, { status: statusOf(error), headers: { 'content-type': 'text/html; charset=utf-8' } });
  markPersonal(res.headers);
  if (wait !== undefined) res.headers.set('retry-after', String(wait));
  return res;
}

/** A browser navigating to a page (Fetch Metadata, or an HTML Accept from an older browser), not a script's call. */
export function isNavigation(headers: Headers): boolean {
  const mode = headers.get('sec-fetch-mode');
  if (mode) return mode === 'navigate';
  return /\btext\/html\b/.test(headers.get('accept') ?? '');
}
