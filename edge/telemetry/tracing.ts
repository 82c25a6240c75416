import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { failureKind } from '../log.ts';

/**
 * Spans through `@opentelemetry/api` alone: the app's SDK (`instrumentation.ts`: @vercel/otel, the Node SDK) decides
 * whether they are recorded and where they go. With none registered every call here is the API's no-op, and the
 * attributes of a span are worked out only when it records (`span.isRecording()`).
 *
 * What a span may carry is a closed vocabulary of scalar facts (telemetry/attributes.ts): never a token, cookie value,
 * password, e-mail, user or session id, nor an error's message (which may quote any of them): an error is its kind.
 */
export const TRACER = 'next-edge-bff';

export type SpanFacts = Record<string, string | number | boolean | undefined>;

/** Scalar facts without the undefined ones, as OpenTelemetry attributes. */
export function attributes(facts: SpanFacts): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(facts)) if (value !== undefined) out[name] = value;
  return out;
}

export interface SpanOptions {
  kind?: SpanKind;
  /** The stable word for a thrown error (`error.type`); `failureKind` (log.ts) unless said. */
  errorType?: (error: unknown) => string;
}

/**
 * Runs `work` in a span (the active one while it runs, so the spans and store calls under it are its children).
 * A thrown error marks the span failed with its type, and is rethrown.
 */
export function traced<T>(name: string, facts: SpanFacts, work: (span: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: attributes(facts) }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, (options.errorType ?? failureKind)(error));
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with a stable word for why (`error.type`): no message, which could quote a secret. */
export function failed(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Adds facts to the span this code runs in, if one records (a store call under a refresh, a limiter's verdict). */
export function noteOnActiveSpan(facts: SpanFacts): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(attributes(facts));
}

/**
 * W3C `traceparent` (and whatever else the app's propagators write) for a call the BFF makes, from the active span:
 * the backend's spans join the browser's trace. Nothing is written when no SDK is registered.
 */
export function injectTraceContext(headers: Headers | Record<string, string>): void {
  propagation.inject(context.active(), headers, {
    set: (carrier, key, value) => (carrier instanceof Headers ? carrier.set(key, value) : (carrier[key] = value)),
  });
}

export { SpanKind };
