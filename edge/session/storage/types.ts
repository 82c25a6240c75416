import type { BffError } from '../../errors.ts';
import type { SessionMode } from '../../config/types.ts';
import type { Refreshed, Session, SessionSummary } from '../types.ts';

/** What a new session records besides itself, for the sessions list. */
export interface SessionMeta {
  userAgent?: string;
}

/** The store could not say whether this session exists: neither signed in nor signed out (503, cookie kept). */
export const SESSION_UNKNOWN = Symbol('session unknown');

/**
 * Where sessions live, as one interface with two implementations (Duende BFF's cut): in the cookie (cookie.ts) or in
 * the store behind an opaque cookie (server.ts). `value` is always the session cookie's value as the browser sent it.
 */
export interface SessionStorage {
  readonly mode: SessionMode;
  /** The session a cookie value names; null for anything wrong, ended or idle too long; SESSION_UNKNOWN on a store outage. */
  open(value: string): Promise<Session | null | typeof SESSION_UNKNOWN>;
  /** A newer copy of this sign-in than the one presented, when one is known. */
  newer(session: Session): Promise<Refreshed | undefined>;
  /** Keeps a renewed session: once per rotation, by whoever redeemed it, before anyone else sees the outcome. */
  renewed(value: string, next: Refreshed): Promise<void>;
  /** The cookie value to write after `previous` became `next`, or undefined when the cookie stays as it is. */
  cookieFor(value: string, previous: Session, next: Refreshed): string | undefined;
  /** Notes a use for the idle timeout; a new cookie value when the cookie itself has to change. */
  touch(value: string, session: Session): Promise<string | undefined>;
  /** A new sign-in: its cookie value, or why it cannot be kept. */
  create(session: Session, meta: SessionMeta): Promise<string | BffError>;
  /** The backend refused this session's newest refresh token: what is left of it goes (server mode: its record). */
  refused(value: string, session: Session): Promise<void>;
  /** Ends this session, on every instance. */
  end(value: string, session: Session): Promise<void>;
  /** The user's sessions (cookie mode: only the one asking, nothing else is known, described by `asking`). */
  list(value: string, session: Session, asking?: SessionMeta): Promise<SessionSummary[]>;
  /**
   * Ends the user's other sessions (this one is `end`'s): those of them it could read, for the hook and upstream
   * revocation (cookie mode: none; the others are revoked by time); false when this deployment cannot.
   */
  endOthers(value: string, session: Session): Promise<Session[] | false>;
  /**
   * Ends one of the user's sessions by its id: `{ ended }` with that session where it could be read (for the hook and
   * upstream revocation), undefined when it is not one of theirs.
   */
  endById(value: string, session: Session, id: string): Promise<{ ended?: Session } | undefined>;
  /** Whether a sealed session can be kept at all (cookie mode: the cookie budget). */
  fits(sealed: string): boolean;
}
