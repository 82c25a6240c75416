import { metrics, type Counter, type Histogram, type MeterProvider, type UpDownCounter } from '@opentelemetry/api';
import { attributes, TRACER, type SpanFacts } from './tracing.ts';

/**
 * The BFF's meter (`next-edge-bff`). Durations in seconds, as OpenTelemetry's conventions ask; the store's calls under
 * the convention's own name (`db.client.operation.duration`). Attribute values are closed vocabularies (an outcome,
 * a reason, an API's configured name, a status class): bounded cardinality, never an identifier.
 */
interface Instruments {
  sessionsStarted: Counter;
  sessionsEnded: Counter;
  refreshDuration: Histogram;
  proxyDuration: Histogram;
  storeDuration: Histogram;
  storeErrors: Counter;
  loginRefusals: Counter;
  breakerOpen: UpDownCounter;
}

// The API hands out no-op meters until an SDK registers, and meters are not proxies: instruments are made from the
// provider registered now, and made again if it changes (a test, a late `instrumentation.ts`).
const made = new WeakMap<MeterProvider, Instruments>();

function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  let found = made.get(provider);
  if (!found) {
    const meter = provider.getMeter(TRACER);
    const seconds = (name: string, description: string) => meter.createHistogram(name, { unit: 's', description });
    found = {
      sessionsStarted: meter.createCounter('bff.session.started', { unit: '{session}', description: 'Sign-ins that started a session.' }),
      sessionsEnded: meter.createCounter('bff.session.ended', { unit: '{session}', description: 'Sessions ended, by reason.' }),
      refreshDuration: seconds('bff.refresh.duration', 'Token refreshes as one request saw them, by outcome and role.'),
      proxyDuration: seconds('bff.proxy.duration', 'Proxied API calls until the answer’s headers, by API, method and status class.'),
      storeDuration: seconds('db.client.operation.duration', 'Store commands, by operation and error.'),
      storeErrors: meter.createCounter('bff.store.errors', { unit: '{error}', description: 'Failed store commands, by error type.' }),
      loginRefusals: meter.createCounter('bff.login.refused', { unit: '{attempt}', description: 'Sign-ins refused by the login limits, by limit.' }),
      breakerOpen: meter.createUpDownCounter('bff.store.breaker.open', { unit: '{breaker}', description: 'Store circuit breakers open now (1 while open).' }),
    };
    made.set(provider, found);
  }
  return found;
}

/** One call per thing that happened; the facts are the span's vocabulary (telemetry/tracing.ts). */
export const record = {
  sessionStarted: (facts: SpanFacts) => instruments().sessionsStarted.add(1, attributes(facts)),
  sessionEnded: (reason: string) => instruments().sessionsEnded.add(1, { 'bff.session.end_reason': reason }),
  refresh: (seconds: number, facts: SpanFacts) => instruments().refreshDuration.record(seconds, attributes(facts)),
  proxied: (seconds: number, facts: SpanFacts) => instruments().proxyDuration.record(seconds, attributes(facts)),
  storeCall: (seconds: number, facts: SpanFacts) => instruments().storeDuration.record(seconds, attributes(facts)),
  storeError: (errorType: string) => instruments().storeErrors.add(1, { 'error.type': errorType }),
  loginRefused: (limit: string) => instruments().loginRefusals.add(1, { 'bff.rate_limit.limit': limit }),
  breaker: (open: boolean) => instruments().breakerOpen.add(open ? 1 : -1),
};

/** A monotonic clock in ms, and the seconds since one of its readings: what the histograms record. */
export const clock = (): number => performance.now();
export const secondsSince = (startMs: number): number => (clock() - startMs) / 1000;
