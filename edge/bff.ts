import type { NextRequest } from 'next/server';
import { decide, handle } from './handle.ts';
import { BffError, ConfigError } from './errors.ts';
import { errorPage, isNavigation } from './http/error-page.ts';
import { errorResponse } from './http/error-response.ts';
import { logError } from './log.ts';
import { applyContinuation } from './http/respond.ts';
import type { BffOptions } from './options.ts';
import { createRuntime, type BffRuntime } from './runtime.ts';
import type { User } from './session/types.ts';

/** The middleware's decision, for an app that composes it with middleware of its own. */
export interface BffDecision {
  /** Set when the BFF answers itself (a redirect to login, a 401, a proxied backend answer): return it as is. */
  response?: Response;
  /** The signed-in user after any refresh, or null. */
  user: User | null;
  /**
   * Carries the BFF's cookie changes onto the app's own response (`NextResponse.next()`, a rewrite, a redirect): the
   * Set-Cookie headers, and the refreshed session in the request Server Components see.
   */
  apply(response: Response): Response;
}

/** What Next passes middleware besides the request: `waitUntil`, for work that may outlive the response. */
interface FetchEvent {
  waitUntil(work: Promise<unknown>): void;
}

type Middleware = (req: NextRequest, event?: FetchEvent) => Promise<Response>;

export interface Bff {
  /** The middleware as is: `export const middleware = bff.middleware` (or `export const proxy = bff.middleware`). */
  middleware: Middleware;
  /**
   * The middleware's decision without a final response, to run the app's own middleware before or after it. Pass the
   * middleware's `event` along: a refresh that outlives the request is then seen to its end on every host.
   */
  decide(req: NextRequest, event?: FetchEvent): Promise<BffDecision>;
}

const runtimes = new WeakMap<Bff, () => Promise<BffRuntime>>();

/** The runtime behind a `Bff`, for the server helpers and route handlers (not part of the public API). */
export function runtimeOf(bff: Bff): Promise<BffRuntime> {
  const get = runtimes.get(bff);
  if (!get) throw new TypeError('Expected the object returned by createBff().');
  return get();
}

/**
 * One BFF: options in code on top of the environment. Nothing is read until the first request (a build has no
 * secrets); `withBff()` in next.config validates the same configuration at start-up, and at build time on Vercel.
 */
export function createBff(options: BffOptions = {}): Bff {
  let shared: Promise<BffRuntime> | undefined;
  const runtime = () => {
    shared ??= createRuntime(options).catch((error) => {
      // A configuration error stays until a new deployment: where nothing validated it at start-up (Cloudflare
      // Workers never runs next.config), one line per instance names every problem, and each request answers 500
      // with a sentence, not a stack trace. Anything else is tried again by the next request.
      if (error instanceof ConfigError) logError('config_invalid', { problems: error.problems.join(' | ') });
      else shared = undefined;
      throw error;
    });
    return shared;
  };
  const bff: Bff = {
    async middleware(req, event) {
      const rt = await runtime().catch((error) => misconfigured(error, req));
      return rt instanceof Response ? rt : handle(req, rt, keepAlive(event));
    },
    async decide(req, event) {
      const rt = await runtime().catch((error) => misconfigured(error, req));
      if (rt instanceof Response) return { response: rt, user: null, apply: () => rt };
      const decision = await decide(req, rt, keepAlive(event));
      if (decision.kind === 'respond') return { response: decision.response, user: decision.user, apply: () => decision.response };
      return { user: decision.user, apply: (response) => applyContinuation(req, decision.writes, decision.strip, response) };
    },
  };
  runtimes.set(bff, runtime);
  return bff;
}

/** A configuration error as the visitor sees it (the log says what is wrong); anything else propagates. */
function misconfigured(error: unknown, req: NextRequest): Response {
  if (!(error instanceof ConfigError)) throw error;
  const answer = new BffError('misconfigured', 'This site is misconfigured: the server log says why.');
  return isNavigation(req.headers) ? errorPage(answer) : errorResponse(answer);
}

const keepAlive = (event?: FetchEvent) => (event && typeof event.waitUntil === 'function' ? (work: Promise<unknown>) => event.waitUntil(work) : undefined);
