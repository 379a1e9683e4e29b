import { startReceiver, type Receiver } from './receiver';

/** A span as an OTLP/HTTP JSON export carries it, flattened. */
export interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind: 2 server, 3 client, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
}

export interface OtlpCollector {
  /** Base for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  tracesUrl: string;
  spans(): ExportedSpan[];
  close(): Promise<void>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };

/** A local OTLP/HTTP (JSON protocol) trace receiver: what Jaeger or a collector would get. */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const receiver: Receiver = await startReceiver((_, response) => void response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  return {
    tracesUrl: `${receiver.url}/v1/traces`,
    spans: () => receiver.requests.filter((request) => request.path === '/v1/traces').flatMap((request) => flatten(JSON.parse(request.body))),
    close: () => receiver.close(),
  };
}

function flatten(body: any): ExportedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans: any) => {
    const service = String(attributes(resourceSpans.resource?.attributes)['service.name']);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans: any) =>
      (scopeSpans.spans ?? []).map((span: any) => ({
        service,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        attributes: attributes(span.attributes),
        links: (span.links ?? []).map((link: any) => ({ traceId: link.traceId, spanId: link.spanId })),
      })),
    );
  });
}

function attributes(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries(
    (list ?? []).map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? '')),
    ]),
  );
}
