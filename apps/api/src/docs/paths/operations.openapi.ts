import type { ResponseObject } from '@nestjs/swagger';
import { jsonResponse, object, operation, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';

const TAG = 'Operations';

const dependencyState = string('`up` or `down`.', { enum: ['up', 'down'] });

const metricsExample = [
  '# HELP hookline_deliveries_total Deliveries by outcome: each attempt counts once (delivered, retrying, failed, blocked); cancelled ones ended without an attempt.',
  '# TYPE hookline_deliveries_total counter',
  'hookline_deliveries_total{outcome="delivered"} 1042',
  'hookline_deliveries_total{outcome="retrying"} 17',
  '# HELP hookline_queue_jobs Jobs in each queue by state, read from Redis at scrape time (absent while Redis does not answer).',
  '# TYPE hookline_queue_jobs gauge',
  'hookline_queue_jobs{queue="hookline-deliveries",state="waiting"} 3',
  '',
].join('\n');

const html = (description: string, example: string): ResponseObject => ({ description, content: { 'text/html': { schema: { type: 'string' }, example } } });

export const operationsDocument: ResourceDocument = {
  tag: { name: TAG, description: 'Probes, Prometheus metrics and the queue dashboard. The worker serves its own /health/* and /metrics on WORKER_HTTP_PORT.' },
  schemas: {
    Liveness: object({ status: string('Always `ok` while the process serves HTTP.', { enum: ['ok'] }) }),
    Readiness: object({
      status: string('`ok` when Redis and PostgreSQL answer, else `unavailable`.', { enum: ['ok', 'unavailable'] }),
      checks: object({ redis: dependencyState, postgres: dependencyState }),
    }),
  },
  paths: {
    '/health/live': {
      get: operation({
        tag: TAG,
        operationId: 'liveness',
        summary: 'Liveness probe',
        access: 'public',
        responses: { 200: jsonResponse('The process runs.', ref('Liveness'), { status: 'ok' }) },
      }),
    },
    '/health/ready': {
      get: operation({
        tag: TAG,
        operationId: 'readiness',
        summary: 'Readiness probe (Redis and PostgreSQL)',
        access: 'public',
        responses: {
          200: jsonResponse('Both dependencies answer.', ref('Readiness'), { status: 'ok', checks: { redis: 'up', postgres: 'up' } }),
          503: jsonResponse('A dependency does not answer; `checks` names it.', ref('Readiness'), {
            status: 'unavailable',
            checks: { redis: 'down', postgres: 'up' },
          }),
        },
      }),
    },
    '/metrics': {
      get: operation({
        tag: TAG,
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        description: 'Open unless METRICS_TOKEN is set. Metric names start with `hookline_`.',
        access: 'metrics',
        responses: {
          200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' }, example: metricsExample } } },
        },
      }),
    },
    '/admin/queues': {
      get: operation({
        tag: TAG,
        operationId: 'queueBoard',
        summary: 'Bull Board: the intake and deliveries queues (read-only)',
        description:
          'The Bull Board UI and, under /admin/queues/api, its own JSON API. Send `Authorization: Bearer <ADMIN_TOKEN>`; a browser, which cannot add that header, opens `/admin/queues?token=<ADMIN_TOKEN>` once: the answer is a redirect that sets an HttpOnly session cookie for /admin/queues (8 hours, invalidated when ADMIN_TOKEN changes). The board is read-only: act on deliveries through the logs API (retry, recover), which keeps PostgreSQL in step.',
        access: 'admin',
        responses: {
          200: html('The dashboard page.', '<!DOCTYPE html><html lang="en"><head><title>Bull Dashboard</title>…</head><body>…</body></html>'),
          303: { description: 'Answer to `?token=<ADMIN_TOKEN>`: sets the session cookie and redirects to /admin/queues.' },
        },
      }),
    },
  },
};
