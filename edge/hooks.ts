import { logWarn } from './log.ts';
import type { User } from './session/types.ts';

/** What a hook is told about a sign-in: never a token. */
export interface SessionEvent {
  user: User;
  /** The sign-in's id, the same across refreshes (absent for cookies from before 0.2). */
  sessionId?: string;
}

export interface LogoutEvent extends SessionEvent {
  /**
   * `logout`: the user signed out; `ended_by_user`: the user ended it from another session (logout `scope: others` or
   * `global`, `endSession(id)`); `refresh_rejected`: the backend refused the refresh token.
   */
  reason: 'logout' | 'ended_by_user' | 'refresh_rejected';
}

/**
 * Notifications for audit logs and analytics. They are awaited on the request that caused them (keep them fast, or
 * hand the work off); one that throws is logged as `hook_failed` and changes nothing for the user.
 */
export interface BffHooks {
  onLogin?(event: SessionEvent): void | Promise<void>;
  /** Once per refresh actually redeemed by this instance (not for requests that reused its outcome). */
  onRefresh?(event: SessionEvent): void | Promise<void>;
  onLogout?(event: LogoutEvent): void | Promise<void>;
}

type HookEvent<K extends keyof BffHooks> = Parameters<NonNullable<BffHooks[K]>>[0];

export async function runHook<K extends keyof BffHooks>(hooks: BffHooks | undefined, name: K, event: HookEvent<K>): Promise<void> {
  const hook = hooks?.[name] as ((event: HookEvent<K>) => void | Promise<void>) | undefined;
  if (!hook) return;
  try {
    await hook.call(hooks, event);
  } catch {
    logWarn('hook_failed', { hook: name });
  }
}
