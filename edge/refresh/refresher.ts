import { JWKS_TIMEOUT_MS, type AccessTokenVerifier } from '../backend/access-token-verifier.ts';
import { callBackend } from '../backend/call.ts';
import { sessionFromGrant, withApiToken } from '../backend/grant-to-session.ts';
import type { BackendAdapter, TokenTarget } from '../backend/types.ts';
import { DEFAULTS } from '../config/defaults.ts';
import type { BffConfig } from '../config/types.ts';
import { digestKey } from '../crypto/digest-key.ts';
import { BffError } from '../errors.ts';
import { runHook, type BffHooks } from '../hooks.ts';
import { logWarn } from '../log.ts';
import type { RefreshedIdTokenCheck } from '../oidc/refreshed-id-token.ts';
import { sealSession } from '../session/codec.ts';
import type { SessionKeyring } from '../session/keys.ts';
import type { Refreshed, Session } from '../session/types.ts';
import type { KvStore } from '../store/types.ts';
import { coordinatedRefresh } from './cross-instance.ts';
import { accessExpired, apiTokenDue, refreshDue, renewalDue } from './due.ts';
import { unavailable, type RefreshOutcome } from './outcome.ts';
import { SingleFlight } from './single-flight.ts';
import { clock, record, secondsSince } from '../telemetry/metrics.ts';
import { attributes, traced, type SpanFacts } from '../telemetry/tracing.ts';

export type { RefreshOutcome } from './outcome.ts';

export interface RefreshOptions {
  /**
   * Keeps a renewed session where later requests find it (session/storage/): called once per rotation, by whoever
   * redeemed it, before any other request or instance is told the outcome. Its failure is logged, never fatal.
   */
  persist?: (next: Refreshed) => Promise<void>;
  /** The runtime's `waitUntil`: a backend call that outlives this request's deadline is seen to its end. */
  waitUntil?: (work: Promise<unknown>) => void;
  /** APIs this request calls with their own token (RFC 8707, BACKENDS): a missing or due one is minted too. */
  apis?: readonly ApiTarget[];
}

/** An API whose token is minted from the session's refresh token, by name. */
export type ApiTarget = TokenTarget & { name: string };

/**
 * How this request came by its outcome, in traces and metrics: it called the backend (`redeemed`), it waited for
 * another instance's redemption through the store (`waited`), or it shared one in flight or just done in this
 * instance (`joined`). Over successor hops, the most involved role counts.
 */
type Role = 'redeemed' | 'waited' | 'joined';
const ROLES: readonly Role[] = ['joined', 'waited', 'redeemed'];
const mostInvolved = (a: Role | undefined, b: Role): Role => (a && ROLES.indexOf(a) > ROLES.indexOf(b) ? a : b);

/** What one redemption asks for: the session's own access token, and tokens for these APIs, in that order. */
interface Steps {
  main: boolean;
  apis: readonly ApiTarget[];
  /** Every API the request calls: their tokens are the last a session too large for its cookie would drop. */
  calling: readonly ApiTarget[];
}

export interface Refresher {
  /**
   * Renews `session`, following successors until the session's access token (and the token of every API in
   * `options.apis`) is outside `maxSkewMs` (refresh/due.ts).
   * Answers within `REFRESH_TIMEOUT_MS`; the backend call itself may run up to `REFRESH_CALL_TIMEOUT_MS`, and a late
   * answer still reaches `persist` and every request that asks for the same token afterwards.
   */
  refresh(session: Session, maxSkewMs: number, options?: RefreshOptions): Promise<RefreshOutcome>;
}

export interface RefresherDeps {
  config: BffConfig;
  adapter: BackendAdapter;
  keyring: SessionKeyring;
  verifier?: AccessTokenVerifier;
  /** When set, refreshes are coordinated across instances through it. */
  store?: KvStore;
  hooks?: BffHooks;
  /** Whether a sealed session can be kept where this deployment keeps sessions (cookie mode: the size limit). */
  fits?: (sealed: string) => boolean;
  /** AUTH_PRESET=oidc: whether a refreshed ID token may be kept (oidc/refreshed-id-token.ts). */
  checkIdToken?: RefreshedIdTokenCheck;
  fetch?: typeof fetch;
  now?: () => number;
  /** How a loser waits between looks at the store (injected by the simulation test). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Refreshes sessions with single-flight per refresh token inside this instance: concurrent requests share one
 * backend call, and refreshed/rejected outcomes are remembered for the grace window. Transient failures are not
 * remembered. An outcome reused from the grace window whose own access token is due by now leads on to a refresh of
 * its successor, so a late request with an old cookie lands on the newest session and never sends a dead token.
 */
export function createRefresher(deps: RefresherDeps): Refresher {
  const { config, adapter, keyring, verifier, store, hooks, fits = () => true, checkIdToken, fetch: fetchImpl = fetch, now = Date.now, sleep = delay } = deps;
  const flight = new SingleFlight<RefreshOutcome>(config.refresh.graceMs, (o) => o.kind !== 'unavailable', now);

  /** The backend calls themselves: run once per refresh token across every request (and instance, with a store). */
  async function redeem(session: Session, refreshToken: string, steps: Steps, persist?: RefreshOptions['persist']): Promise<RefreshOutcome> {
    const outcome = await redeemOnce(session, refreshToken, steps);
    if (outcome.kind === 'refreshed' && persist) await persist(outcome).catch(() => logWarn('session_persist_failed'));
    const event = { user: outcome.kind === 'refreshed' ? outcome.session.user : session.user, sessionId: session.sid };
    if (outcome.kind === 'refreshed') await runHook(hooks, 'onRefresh', event);
    if (outcome.kind === 'rejected') {
      record.sessionEnded('refresh_rejected');
      await runHook(hooks, 'onLogout', { ...event, reason: 'refresh_rejected' });
    }
    return outcome;
  }

  /**
   * One grant per step, each with the refresh token the previous one returned: the tokens in between are never seen
   * by anyone else, so the whole chain is one redemption of `refreshToken`. A step that fails after another redeemed
   * keeps what was redeemed (the rotated refresh token above all); a refusal of the session's own refresh ends the
   * sign-in, an API's refusal only that API's call (a provider may answer invalid_grant for a resource it will not
   * serve: no logout the session's own refresh did not ask for).
   */
  async function redeemOnce(session: Session, refreshToken: string, steps: Steps): Promise<RefreshOutcome> {
    let next = session;
    for (const target of steps.main ? [undefined, ...steps.apis] : steps.apis) {
      const step = await grant(next, next === session ? refreshToken : next.refreshToken!, target);
      if (!('accessToken' in step)) {
        if (next === session || step.kind === 'rejected') return step;
        break;
      }
      next = step;
    }
    return sealFitting(next, steps.calling);
  }

  /** One grant at the token endpoint, in a span of its own: which API, the status, refreshed, rejected or transient. */
  function grant(session: Session, refreshToken: string, target?: ApiTarget): Promise<Session | RefreshOutcome> {
    return traced('bff.refresh.grant', { 'bff.api': target?.name ?? 'session' }, async (span) => {
      const result = await grantUntraced(session, refreshToken, target, (facts) => span.setAttributes(facts));
      span.setAttribute('bff.refresh.result', 'accessToken' in result ? 'refreshed' : result.kind === 'rejected' ? 'rejected' : 'transient');
      return result;
    });
  }

  async function grantUntraced(session: Session, refreshToken: string, target: ApiTarget | undefined, note: (facts: Record<string, string | number>) => void): Promise<Session | RefreshOutcome> {
    try {
      // Lifetimes (`expires_in`) count from when the grant was asked for: an answer heard late must not outlive the token.
      const sentAt = now();
      // Not the request's deadline: a backend that commits a rotation and answers late must still be heard.
      const reply = await callBackend(config.backendUrl, await adapter.refresh(refreshToken, target), config.refresh.callTimeoutMs, fetchImpl);
      const parsed = adapter.parseRefresh(reply);
      note({ 'http.response.status_code': reply.status });
      if (!parsed.ok) {
        note({ 'bff.refresh.reason': parsed.reason });
        logWarn(parsed.kind === 'rejected' ? 'refresh_rejected' : 'refresh_failed', { reason: parsed.reason, status: reply.status, api: target?.name });
        return parsed.kind === 'rejected' && !target ? { kind: 'rejected' } : unavailable();
      }
      let next = target ? withApiToken(session, target.name, parsed.grant, config, sentAt) : sessionFromGrant(parsed.grant, config, sentAt, session);
      if (!next) throw new BffError('backend_error', 'The refresh answer was incomplete.');
      if (target) return next;
      if (checkIdToken && next.idToken && next.idToken !== session.idToken && !(await checkIdToken(next.idToken, next.accessToken, session))) {
        next = { ...next, idToken: session.idToken };
      }
      const verdict = verifier ? await verifier.verify(next.accessToken) : 'valid';
      if (verdict === 'invalid') {
        logWarn('refresh_rejected', { reason: 'token_verification_failed' });
        return { kind: 'rejected' };
      }
      // The backend has rotated the refresh token: throwing the answer away would log the user out for an outage.
      if (verdict === 'unavailable') logWarn('refresh_token_unverifiable', { kept: true });
      return next;
    } catch (error) {
      logWarn('refresh_failed', { reason: error instanceof BffError ? error.code : 'backend_error' });
      return unavailable();
    }
  }

  /**
   * The rotation is spent at the backend by now: a session too large to keep loses its ID token (a logout hint), then
   * the tokens of APIs this request does not call, never the new refresh token.
   */
  async function sealFitting(next: Session, calling: readonly ApiTarget[]): Promise<RefreshOutcome> {
    const apis = next.apis && Object.fromEntries(Object.entries(next.apis).filter(([name]) => calling.some((api) => api.name === name)));
    let sealed = '';
    for (const candidate of [next, { ...next, idToken: undefined }, { ...next, idToken: undefined, apis }]) {
      sealed = await sealSession(candidate, keyring);
      if (fits(sealed)) {
        if (candidate !== next) logWarn('session_too_large', { idTokenDropped: !!next.idToken, apiTokensDropped: candidate.apis !== next.apis });
        return { kind: 'refreshed', session: candidate, sealed };
      }
    }
    logWarn('session_too_large', { bytes: sealed.length });
    return unavailable();
  }

  // The worst case under the lock: the late read, the backend call, the JWKS fetch, the persist and the publish.
  const workMs = (config.store?.timeoutMs ?? 0) * 4 + config.refresh.callTimeoutMs + (verifier ? JWKS_TIMEOUT_MS : 0) + 1_000;
  const coordination = store && {
    store,
    keyring,
    instanceId: crypto.randomUUID(),
    lockTtlMs: Math.max(workMs, config.refresh.graceMs),
    graceMs: config.refresh.graceMs,
    spentMs: (session: Session) => session.refreshExpiresAt - now(),
    polls: Math.ceil(workMs / DEFAULTS.refreshPollMs),
    pollMs: DEFAULTS.refreshPollMs,
    sleep,
  };

  async function once(session: Session, maxSkewMs: number, options: RefreshOptions, seen: { role?: Role }): Promise<RefreshOutcome> {
    const token = session.refreshToken;
    if (!token) return accessExpired(session, now()) ? { kind: 'rejected' } : unavailable();
    const key = await digestKey(token);
    const { apis = [] } = options;
    const due = apis.filter((api) => apiTokenDue(session, api.name, now(), maxSkewMs));
    // Only what is due; without an API to mint for, the session's own token (also when upstream verification refused it).
    const steps = { main: due.length === 0 || refreshDue(session, now(), maxSkewMs), apis: due, calling: apis };
    let led = false;
    let redeemed = false;
    const run = () => {
      redeemed = true;
      return redeem(session, token, steps, options.persist);
    };
    // A kept outcome that did not rotate the token and lacks what this request needs (a non-rotating backend, another
    // request's APIs) is no answer here: the same, unspent, token is redeemed again.
    const serves = (o: RefreshOutcome) => o.kind !== 'refreshed' || o.session.refreshToken !== token || !renewalDue(o.session, now(), maxSkewMs, apis);
    const lead = () => {
      led = true;
      return coordination ? coordinatedRefresh(key, session, run, coordination, serves) : run();
    };
    const outcome = await flight.run(key, lead, serves);
    seen.role = mostInvolved(seen.role, redeemed ? 'redeemed' : led ? 'waited' : 'joined');
    return outcome;
  }

  async function chain(session: Session, maxSkewMs: number, options: RefreshOptions, seen: { role?: Role }): Promise<RefreshOutcome> {
    const { apis = [] } = options;
    let outcome = await once(session, maxSkewMs, options, seen);
    for (let hop = 1; outcome.kind === 'refreshed' && renewalDue(outcome.session, now(), maxSkewMs, apis); hop++) {
      if (hop >= DEFAULTS.maxSuccessorHops) return unavailable(outcome);
      const next = await once(outcome.session, maxSkewMs, options, seen);
      if (next.kind === 'unavailable') return unavailable(outcome);
      outcome = next;
    }
    return outcome;
  }

  /**
   * The request's view of a refresh, in a span and `bff.refresh.duration`: its outcome, its role, and whether the
   * answer came after this request stopped waiting (`bff.refresh.late`: the outcome is still kept, and counted when it lands).
   */
  function refresh(session: Session, maxSkewMs: number, options: RefreshOptions = {}): Promise<RefreshOutcome> {
    return traced('bff.refresh', { 'bff.refresh.apis': options.apis?.length || undefined }, async (span) => {
      const started = clock();
      const seen: { role?: Role } = {};
      const facts = (outcome: RefreshOutcome, late?: boolean): SpanFacts => ({ 'bff.refresh.outcome': outcome.kind, 'bff.refresh.role': seen.role, 'bff.refresh.late': late });
      const work = chain(session, maxSkewMs, options, seen);
      const outcome = await withDeadline(work, config.refresh.timeoutMs);
      if (outcome) {
        span.setAttributes(attributes(facts(outcome)));
        record.refresh(secondsSince(started), facts(outcome));
        return outcome;
      }
      // This request answers "try again"; the call goes on, and its outcome serves the next request (single-flight,
      // the store) and is persisted as soon as it arrives.
      logWarn('refresh_slow', { waitedMs: config.refresh.timeoutMs, continuing: true });
      span.setAttributes({ 'bff.refresh.outcome': 'unavailable', 'bff.refresh.late': true });
      const landed = work.then((late) => record.refresh(secondsSince(started), facts(late, true)));
      options.waitUntil?.(landed);
      return unavailable();
    });
  }

  return { refresh };
}

/** The work's result, or undefined when `ms` pass first (the work is not cancelled). */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
