import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/JSON carries it, attributes flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes: Record<string, unknown>;
  scope: string;
}

/** One metric data point, attributes flattened. */
export interface ReceivedPoint {
  metric: string;
  unit?: string;
  attributes: Record<string, unknown>;
  value?: number;
  count?: number;
}

/**
 * A local OTLP/HTTP receiver (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`): what a collector would be sent, kept for the
 * test to read. The bodies are kept raw too, to search for anything that must never be exported.
 */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  raw: string[];
  stop(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };

const flatten = (attributes: KeyValue[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue))]));

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const raw: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      raw.push(text);
      try {
        const body = JSON.parse(text);
        for (const rs of body.resourceSpans ?? [])
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) spans.push({ ...s, parentSpanId: s.parentSpanId || undefined, attributes: flatten(s.attributes), scope: ss.scope?.name ?? '' });
        for (const rm of body.resourceMetrics ?? [])
          for (const sm of rm.scopeMetrics ?? [])
            for (const m of sm.metrics ?? []) {
              const data = m.sum ?? m.histogram ?? m.gauge ?? {};
              for (const p of data.dataPoints ?? []) {
                points.push({ metric: m.name, unit: m.unit, attributes: flatten(p.attributes), value: p.asDouble ?? (p.asInt !== undefined ? Number(p.asInt) : undefined), count: p.count !== undefined ? Number(p.count) : undefined });
              }
            }
      } catch {
        // not JSON: kept raw only
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, points, raw, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
