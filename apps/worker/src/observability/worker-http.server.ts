import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { METRICS_UNAUTHORIZED, MetricsService, ReadinessService, metricsAccessAllowed } from '@app/observability';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, body: unknown): Answer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });

/**
 * The worker's only HTTP listener, on WORKER_HTTP_PORT: /health/live, /health/ready and /metrics,
 * answered like the API's. Plain node:http: three read-only routes need no web framework.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private readonly server: Server = createServer((request, response) => void this.handle(request, response));

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly metrics: MetricsService,
    private readonly readiness: ReadinessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.workerHttpPort, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.logger.log(`health and metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The port it listens on (the ephemeral one when WORKER_HTTP_PORT=0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.route(request);
    } catch (error) {
      this.logger.error(`health/metrics request ${request.method} ${request.url?.split('?', 1)[0]} failed: ${(error as Error).message}`);
      answer = json(500, { error: 'internal_error', message: 'The request could not be answered.' });
    }
    response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  }

  private async route(request: IncomingMessage): Promise<Answer> {
    const path = (request.url ?? '/').split('?', 1)[0];
    const known = path === '/health/live' || path === '/health/ready' || path === '/metrics';
    if (!known) return json(404, { error: 'not_found', message: `No route ${path} on the worker; it serves /health/live, /health/ready and /metrics.` });
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: 'method_not_allowed', message: `${path} answers GET only.` });

    if (path === '/health/live') return json(200, { status: 'ok' });
    if (path === '/health/ready') {
      const report = await this.readiness.check();
      return json(report.status === 'ok' ? 200 : 503, report);
    }
    if (!metricsAccessAllowed(request.headers.authorization, this.config.metricsToken)) return json(401, METRICS_UNAUTHORIZED);
    const { contentType, body } = await this.metrics.render();
    return { status: 200, contentType, body };
  }
}
