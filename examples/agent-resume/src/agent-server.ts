import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BodyTooLargeError,
  createMemoryReplayGuard,
  readRawBody,
  verifyWebhook,
  WebhookVerificationError,
  type ReplayGuard,
} from '../../../packages/receiver-kit/src';
import { AgentInputError, type ApprovalAgent, type StartRunInput } from './approval-agent';
import { readApprovalWebhook } from './approval-webhook';
import type { RunStore } from './run-store';

export const WEBHOOK_PATH = '/webhooks/hookline';
const MAX_TASK_LENGTH = 10_000;
const MAX_CALL_ID_LENGTH = 255;

export interface AgentServerOptions {
  agent: ApprovalAgent;
  store: RunStore;
  /** The subscription's secret (whsec_...), or a channel webhook's token. */
  webhookSecret: string;
  /** Hookline's WEBHOOK_TOKEN_HEADER, for a channel webhook. */
  tokenHeader?: string;
  toleranceSeconds?: number;
  replayGuard?: ReplayGuard;
  /** Where unexpected errors are reported (they are answered 500, and Hookline retries the delivery). */
  logError?: (error: unknown) => void;
}

/**
 * The agent's HTTP side:
 * - POST /webhooks/hookline   the decision webhook: verified with the receiver kit, then the run resumes;
 * - POST /runs                starts a run: {task, tool_call: {name, arguments}, call_id?} → 201, paused;
 * - GET  /runs, /runs/:id     the saved runs, by call_id (URL-encoded).
 */
export function createAgentServer(options: AgentServerOptions): Server {
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  // Remembers deliveries at least as long as the tolerance lets them pass.
  const replayGuard = options.replayGuard ?? createMemoryReplayGuard({ ttlSeconds: toleranceSeconds });
  const logError = options.logError ?? ((error) => console.error(error));

  const receiveWebhook = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await readRawBody(req);
    const payload = verifyWebhook(rawBody, req.headers, options.webhookSecret, { toleranceSeconds, replayGuard, tokenHeader: options.tokenHeader });
    const webhook = readApprovalWebhook(payload, req.headers);
    if (webhook.kind === 'ignored') return sendJson(res, 200, { status: 'ignored', reason: webhook.reason });
    const result = await options.agent.resume(webhook.decision);
    if (result.status === 'unknown_call_id') return sendJson(res, 200, { status: 'ignored', reason: 'no run is paused under this call_id' });
    sendJson(res, 200, { status: result.status, call_id: result.run.call_id, run_status: result.run.status });
  };

  const startRun = async (req: IncomingMessage, res: ServerResponse) => {
    const input = parseStartRun(await readRawBody(req, { limitBytes: 64 * 1024 }));
    if ('problem' in input) return sendJson(res, 400, { error: 'validation_failed', message: input.problem });
    try {
      sendJson(res, 201, await options.agent.startRun(input));
    } catch (error) {
      if (error instanceof AgentInputError) throw error;
      // The run is saved as failed; the caller learns why.
      logError(error);
      sendJson(res, 502, { error: 'approval_request_failed', message: (error as Error).message });
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path === WEBHOOK_PATH) return req.method === 'POST' ? receiveWebhook(req, res) : methodNotAllowed(res, 'POST');
    if (path === '/runs') {
      if (req.method === 'POST') return startRun(req, res);
      if (req.method === 'GET') return sendJson(res, 200, { runs: await options.store.list() });
      return methodNotAllowed(res, 'GET, POST');
    }
    const runMatch = /^\/runs\/([^/]+)$/.exec(path);
    if (runMatch) {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      const callId = decodePathSegment(runMatch[1]);
      const run = callId === undefined ? undefined : await options.store.get(callId);
      return run ? sendJson(res, 200, run) : sendJson(res, 404, { error: 'not_found', message: 'No run has this call_id.' });
    }
    sendJson(res, 404, { error: 'not_found', message: `No route ${req.method} ${path}.` });
  };

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof WebhookVerificationError) {
        return sendJson(res, error.status, { error: error.code, message: error.message, ...(error.details && { details: error.details }) });
      }
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'payload_too_large', message: error.message });
      if (error instanceof AgentInputError) return sendJson(res, error.code === 'call_id_in_use' ? 409 : 400, { error: error.code, message: error.message });
      logError(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'The agent failed to handle the request.' });
      else res.destroy();
    });
  });
}

export interface RunningAgentServer {
  server: Server;
  /** http://host:port, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

export async function startAgentServer(options: AgentServerOptions & { port?: number; host?: string }): Promise<RunningAgentServer> {
  const server = createAgentServer(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function parseStartRun(rawBody: Buffer): StartRunInput | { problem: string } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { problem: 'The body must be JSON: {"task": "...", "tool_call": {"name": "...", "arguments": {...}}, "call_id"?: "..."}.' };
  }
  if (!isObject(body)) return { problem: 'The body must be a JSON object.' };
  const { task, tool_call: toolCall, call_id: callId } = body;
  if (typeof task !== 'string' || task.trim() === '' || task.length > MAX_TASK_LENGTH)
    return { problem: `task must be a non-empty string of at most ${MAX_TASK_LENGTH} characters.` };
  if (!isObject(toolCall) || typeof toolCall.name !== 'string' || toolCall.name === '') return { problem: 'tool_call.name must be a non-empty string.' };
  const args = toolCall.arguments ?? {};
  if (!isObject(args)) return { problem: 'tool_call.arguments must be an object.' };
  if (callId !== undefined && (typeof callId !== 'string' || callId === '' || callId.length > MAX_CALL_ID_LENGTH)) {
    return { problem: `call_id must be a non-empty string of at most ${MAX_CALL_ID_LENGTH} characters.` };
  }
  return { task, tool_call: { name: toolCall.name, arguments: args }, ...(callId !== undefined && { call_id: callId }) };
}

function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: 'method_not_allowed', message: `Use ${allow}.` });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
