/** The facts a log line carries (log.ts): scalars from a closed vocabulary, never a secret. */
export type Fact = string | number | boolean | undefined;

export interface RecentEvent {
  level: 'warn' | 'error';
  count: number;
  /** ISO time of the latest. */
  last: string;
  /** The latest occurrence's facts. */
  facts: Record<string, Fact>;
}

// On globalThis: Next bundles the middleware, `proxy.ts` and each route handler apart, and they share one process on
// Node; `<auth>/diagnostics` reports what all of them logged. (The edge runtime's sandbox has a global of its own.)
const KEY = Symbol.for('next-edge-bff.recent-events');
type Holder = { [KEY]?: Map<string, RecentEvent> };

/** Warnings and errors logged by this process since it started, by event: a count, and the latest's time and facts. */
export function recentEvents(): Map<string, RecentEvent> {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= new Map());
}

/** Called by the logger for every warning and error; the events are a closed union, so the map stays small. */
export function remember(level: RecentEvent['level'], event: string, facts: Record<string, Fact>): void {
  const events = recentEvents();
  events.set(event, { level, count: (events.get(event)?.count ?? 0) + 1, last: new Date().toISOString(), facts });
}
