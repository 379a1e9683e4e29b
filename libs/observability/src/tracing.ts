import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { HOOKLINE_CONFIG, type HooklineConfig, type TracingConfig } from '@app/config';
import { childContext, formatTraceparent, incomingOrNewTraceparent, newTraceContext, parseTraceparent, type TraceContext } from '@app/domain/traceparent';

/** The service.name an app reports unless OTEL_SERVICE_NAME names one (hookline-api, hookline-worker). */
export const TRACING_SERVICE_NAME = Symbol('TRACING_SERVICE_NAME');

/** A span in progress: the traceparent that names it, and how to end it. */
export interface TraceSpan {
  /** `00-<trace id>-<span id>-<flags>`: what goes into a job, a column or an outgoing request. */
  readonly traceparent: string;
  end(attributes?: Attributes, error?: string): void;
}

/**
 * Hookline's spans, made by hand at three points (intake request, fan-out, delivery attempt): far
 * cheaper than auto-instrumenting http, pg and ioredis. With an OTLP endpoint configured they are
 * recorded and exported (batched, off the request path); without one no SDK is created and a span is
 * a traceparent string built with a few string operations and 8 random bytes, so the trace context
 * still reaches every receiver. The provider is this instance's own, not the global one, so the api
 * and the worker can share a process (tests) with their own service names.
 */
@Injectable()
export class Tracing implements OnModuleDestroy {
  private readonly provider: TracerProvider | undefined;
  private readonly tracer: Tracer | undefined;

  constructor(@Inject(HOOKLINE_CONFIG) config: HooklineConfig, @Inject(TRACING_SERVICE_NAME) serviceName: string) {
    if (!config.tracing) return;
    this.provider = createProvider(config.tracing, serviceName);
    this.tracer = this.provider.getTracer('hookline');
  }

  /** Whether spans are recorded (an OTLP endpoint is configured). */
  get recording(): boolean {
    return this.tracer !== undefined;
  }

  /**
   * A server span for a request carrying `incoming` (its traceparent header, if valid). Without the
   * SDK the incoming context itself is kept (or a new trace begun), so receivers continue the caller's span.
   */
  server(name: string, incoming: string | undefined, attributes: Attributes): TraceSpan {
    if (!this.tracer) return untraced(incomingOrNewTraceparent(incoming));
    return this.start(name, SpanKind.SERVER, parseTraceparent(incoming), attributes);
  }

  /**
   * A client span (an outgoing request) under `parent`: its traceparent is what the request carries.
   * The attributes are computed only when the span is recorded.
   */
  client(name: string, parent: string | null, attributes: () => Attributes): TraceSpan {
    const parentContext = parseTraceparent(parent);
    if (!this.tracer) return untraced(formatTraceparent(parentContext ? childContext(parentContext) : newTraceContext()));
    return this.start(name, SpanKind.CLIENT, parentContext, attributes());
  }

  /** A span for work taken from a queue under `parent`; recorded only with the SDK (nothing leaves it otherwise). */
  consumer(name: string, parent: string | null, attributes: Attributes, links: string[] = []): TraceSpan | undefined {
    if (!this.tracer) return undefined;
    return this.start(name, SpanKind.CONSUMER, parseTraceparent(parent), attributes, links);
  }

  /** Exports the spans ended so far (tests; shutdown does it too). */
  async flush(): Promise<void> {
    await this.provider?.forceFlush();
  }

  async onModuleDestroy(): Promise<void> {
    await this.provider?.shutdown();
  }

  private start(name: string, kind: SpanKind, parent: TraceContext | null, attributes: Attributes, links: string[] = []): TraceSpan {
    const span = this.tracer!.startSpan(name, { kind, attributes, links: links.flatMap(toLink) }, parent ? remoteContext(parent) : ROOT_CONTEXT);
    const { traceId, spanId, traceFlags } = span.spanContext();
    return { traceparent: formatTraceparent({ traceId, spanId, flags: traceFlags }), end: (attrs, error) => endSpan(span, attrs, error) };
  }
}

function createProvider(config: TracingConfig, serviceName: string): TracerProvider {
  // The exporters read OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the certificates themselves.
  const exporter = config.protocol === 'http/json' ? new OtlpJsonExporter({ url: config.endpoint }) : new OtlpProtobufExporter({ url: config.endpoint });
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName ?? serviceName }),
    sampler: sampler(config),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
}

/** OTEL_TRACES_SAMPLER's values, as the SDK specification defines them. */
function sampler({ sampler: name, samplerRatio }: TracingConfig): Sampler {
  const root = name.endsWith('always_off')
    ? new AlwaysOffSampler()
    : name.endsWith('traceidratio')
      ? new TraceIdRatioBasedSampler(samplerRatio)
      : new AlwaysOnSampler();
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}

function remoteContext({ traceId, spanId, flags }: TraceContext): Context {
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: flags, isRemote: true });
}

function toLink(traceparent: string): Link[] {
  const context = parseTraceparent(traceparent);
  return context ? [{ context: { traceId: context.traceId, spanId: context.spanId, traceFlags: context.flags, isRemote: true } }] : [];
}

function endSpan(span: Span, attributes: Attributes | undefined, error: string | undefined): void {
  if (attributes) span.setAttributes(attributes);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end();
}

const noop = () => undefined;
function untraced(traceparent: string): TraceSpan {
  return { traceparent, end: noop };
}
