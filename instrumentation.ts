/**
 * OpenTelemetry for the demo: traces and metrics to the collector named by OTEL_EXPORTER_OTLP_ENDPOINT, nothing at
 * all when it is unset. The BFF itself only speaks `@opentelemetry/api`; this file is the app's choice of SDK
 * (@vercel/otel, which runs in Node and in the edge middleware). Next calls `register()` once per runtime.
 *
 * Standard settings only: OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL (`http/protobuf`, the default, or
 * `http/json`), OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_METRIC_EXPORT_INTERVAL (ms, default 60000).
 */
export async function register() {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return;
  const { registerOTel } = await import('@vercel/otel');
  registerOTel({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'next-edge-bff',
    metricReaders: [await metricReader(endpoint)],
    // The BFF's own client spans describe its calls to the API (path templated, no query): @vercel/otel's fetch spans
    // of the same calls would add the raw URL, identifiers and query included.
    instrumentationConfig: { fetch: { ignoreUrls: process.env.BACKEND_URL ? [process.env.BACKEND_URL] : [] } },
  });
}

async function metricReader(endpoint: string) {
  const { PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
  const env = process.env;
  const options = {
    url: env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? `${endpoint.replace(/\/+$/, '')}/v1/metrics`,
    headers: Object.fromEntries(
      (env.OTEL_EXPORTER_OTLP_HEADERS ?? '')
        .split(',')
        .map((pair) => pair.split('=').map((part) => decodeURIComponent(part.trim())))
        .filter(([name, value]) => name && value !== undefined),
    ),
  };
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  const exporter =
    protocol === 'http/json'
      ? new (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter(options)
      : new (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter(options);
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000 });
}
