import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HooklineConfig } from '@app/config';
import { createApiApp } from '../../apps/api/src/create-app';
import { ADMIN_TOKEN } from './config';

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** A running API on an ephemeral port with a small fetch-based client. */
export interface TestApi {
  app: NestFastifyApplication;
  baseUrl: string;
  request<T = any>(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** Creates an organization through the admin endpoint; returns its id and API key. */
  createOrg(name?: string): Promise<{ id: string; api_key: string }>;
  close(): Promise<void>;
}

export async function startApi(config: HooklineConfig): Promise<TestApi> {
  const app = await createApiApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const request: TestApi['request'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON answers are returned as text
    }
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), body };
  };
  return {
    app,
    baseUrl,
    request,
    createOrg: async (name = 'Test org') => {
      const response = await request('POST', '/v1/orgs', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: { name } });
      if (response.status !== 201) throw new Error(`createOrg failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    close: () => app.close(),
  };
}

/** Settings that leave the API without a dependency: nothing listens on port 1. */
export const UNREACHABLE_REDIS_URL = 'redis://127.0.0.1:1';
export const UNREACHABLE_DATABASE_URL = 'postgresql://postgres@127.0.0.1:1/hookline_test';

/** An API of its own for one test (another config, e.g. a dependency unreachable): closed once `use` settles. */
export async function withApi<T>(config: HooklineConfig, use: (api: TestApi) => Promise<T>): Promise<T> {
  const api = await startApi(config);
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

/** A 400 validation_failed answer whose details name `field` (every validation error carries details). */
export function expectValidationFailed(response: ApiResponse, field: string): void {
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ error: 'validation_failed', message: expect.any(String) });
  expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}
