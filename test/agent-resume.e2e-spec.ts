import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook, verifyWebhook } from '../packages/receiver-kit/src';
import type { AgentRun } from '../examples/agent-resume/src/agent-run';
import { APPROVAL_RESPONSES } from '../examples/agent-resume/src/approval-events';
import { ApprovalAgent } from '../examples/agent-resume/src/approval-agent';
import { publishDecision } from '../examples/agent-resume/src/approver';
import { startAgentServer, WEBHOOK_PATH, type RunningAgentServer } from '../examples/agent-resume/src/agent-server';
import { HooklineClient, type EventRecord } from '../examples/agent-resume/src/hookline-client';
import { createFileRunStore } from '../examples/agent-resume/src/run-store';
import type { TestApi } from './support/api';
import { testConfig } from './support/config';
import { waitFor } from './support/poll';
import type { Receiver } from './support/receiver';
import { useStack, type OrgClient } from './support/stack';

const REFUND = { name: 'issue_refund', arguments: { order_id: 'ord_42', amount_cents: 3000 } };

/**
 * examples/agent-resume driven through the real api, worker and HTTP: the agent pauses under a call_id,
 * the approver answers through Hookline, the signed webhook reaches the agent's receiver and the run resumes.
 */
describe('examples/agent-resume through the real api and worker', () => {
  const config = testConfig();
  const stack = useStack({ config });
  let api: TestApi;
  /** The approver's system: it receives approval.requested deliveries. */
  let approverInbox: Receiver;
  let stateRoot: string;
  const agents: RunningAgentServer[] = [];
  const agentErrors: unknown[] = [];
  // Each test has its own organization, so its approval events reach only its own agent.
  let org: OrgClient;
  let key: string;
  let hookline: HooklineClient;

  beforeAll(async () => {
    ({ api, receiver: approverInbox } = stack);
    stateRoot = await mkdtemp(join(tmpdir(), 'agent-resume-e2e-'));
  });

  beforeEach(async () => {
    org = await stack.addOrg('agent resume');
    key = org.key;
    hookline = new HooklineClient(api.baseUrl, key);
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
    expect(agentErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await rm(stateRoot, { recursive: true, force: true });
  });

  const newWhsecSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

  /** The example's agent on its own HTTP port, with a file-backed store and a tool that records its calls. */
  const startAgent = async (options: { secret: string; stateDir: string; port?: number }) => {
    const store = createFileRunStore(options.stateDir);
    const toolCalls: Record<string, unknown>[] = [];
    const agent = new ApprovalAgent({
      store,
      hookline,
      tools: { issue_refund: (args) => (toolCalls.push(args), { refund_id: `rf_${toolCalls.length}`, status: 'issued' }) },
    });
    const running = await startAgentServer({ agent, store, webhookSecret: options.secret, port: options.port, logError: (error) => agentErrors.push(error) });
    agents.push(running);
    return { running, toolCalls };
  };

  const subscribe = (body: Record<string, unknown>) => org.createSubscription({ name: 'agent-resume', ...body });

  /** The agent's step: POST /runs on its own HTTP server; it answers once the run is saved and paused. */
  const startRun = async (agentUrl: string, body: Record<string, unknown> = { task: 'Refund order 42: the parcel never arrived', tool_call: REFUND }) => {
    const response = await fetch(`${agentUrl}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return (await response.json()) as AgentRun;
  };

  const getRun = async (agentUrl: string, callId: string) => {
    const response = await fetch(`${agentUrl}/runs/${encodeURIComponent(callId)}`);
    return { status: response.status, run: (await response.json()) as AgentRun };
  };

  const waitForRunStatus = (agentUrl: string, callId: string, status: AgentRun['status']) =>
    waitFor(
      async () => {
        const { run } = await getRun(agentUrl, callId);
        return run.status === status ? run : undefined;
      },
      { what: `run ${callId} to be ${status}` },
    );

  /** GET /v1/events?call_id=... once `count` events are there and none of their deliveries is still open. */
  const settledEventsOf = (callId: string, count: number) =>
    waitFor(
      async () => {
        const events = await hookline.findEventsByCallId(callId);
        const open = events.some((event) => event.deliveries.some((delivery) => delivery.status === 'pending' || delivery.status === 'retrying'));
        return events.length === count && !open ? events : undefined;
      },
      { what: `${count} settled events with call_id ${callId}` },
    );

  const inboxRequestsFor = (callId: string) =>
    approverInbox.requests.filter((request) => request.path === '/inbox' && JSON.parse(request.body).call_id === callId);

  it('pauses under a call_id, resumes when the signed approval.granted arrives, and the call_id finds both events', async () => {
    const secret = newWhsecSecret();
    const { running, toolCalls } = await startAgent({ secret, stateDir: join(stateRoot, 'granted') });
    const agentSubscription = await subscribe({ url: `${running.url}${WEBHOOK_PATH}`, events: APPROVAL_RESPONSES, secret });
    const inbox = await subscribe({ url: `${approverInbox.url}/inbox`, events: ['approval.requested'] });

    const paused = await startRun(running.url);
    expect(paused).toMatchObject({ status: 'awaiting_approval', call_id: expect.stringMatching(/^call_/) });
    const callId = paused.call_id;

    // The approver's system receives the request, verifies it with the kit and sees what to decide on.
    const [request] = await waitFor(() => (inboxRequestsFor(callId).length === 1 ? inboxRequestsFor(callId) : undefined), { what: 'the approval request' });
    const requested = verifyWebhook<{ event_type: string; call_id: string; data: Record<string, unknown> }>(request.body, request.headers, inbox.secret);
    expect(requested).toMatchObject({ event_type: 'approval.requested', call_id: callId, data: { tool_call: REFUND } });
    expect(await getRun(running.url, callId)).toMatchObject({ status: 200, run: { status: 'awaiting_approval' } });
    expect(toolCalls).toEqual([]);

    const decision = await publishDecision(hookline, { callId, approved: true, comment: 'Carrier confirmed the loss', approvedBy: 'alice@example.com' });

    const resumed = await waitForRunStatus(running.url, callId, 'completed');
    expect(toolCalls).toEqual([REFUND.arguments]);
    expect(resumed.outcome).toEqual({
      approved: true,
      comment: 'Carrier confirmed the loss',
      approved_by: 'alice@example.com',
      decision_event_id: decision.event_id,
      result: { refund_id: 'rf_1', status: 'issued' },
      resumed_at: expect.any(String),
    });
    expect(resumed.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'human', 'tool']);

    // The producer looks up what happened to the operation by its call_id.
    const events = await settledEventsOf(callId, 2);
    expect(events).toEqual([
      expect.objectContaining<Partial<EventRecord>>({
        event_type: 'approval.requested',
        call_id: callId,
        deliveries: [expect.objectContaining({ webhook_id: inbox.id, status: 'delivered', attempts: 1 })],
      }),
      expect.objectContaining<Partial<EventRecord>>({
        event_id: decision.event_id,
        event_type: 'approval.granted',
        call_id: callId,
        data: { approved: true, comment: 'Carrier confirmed the loss', approved_by: 'alice@example.com' },
        deliveries: [expect.objectContaining({ webhook_id: agentSubscription.id, status: 'delivered', attempts: 1 })],
      }),
    ]);
    expect(await hookline.findEventsByCallId('call_nobody_used')).toEqual([]);
  });

  it('takes the call_id from X-Webhook-Call-Id with payload_format "data", and records a denial without acting', async () => {
    const secret = 'a plain secret, not whsec_';
    const { running, toolCalls } = await startAgent({ secret, stateDir: join(stateRoot, 'denied') });
    await subscribe({ url: `${running.url}${WEBHOOK_PATH}`, events: APPROVAL_RESPONSES, secret, payload_format: 'data' });

    // An external identifier, e.g. the model's tool_call_id, may serve as the call_id.
    const paused = await startRun(running.url, { task: 'Refund order 42', tool_call: REFUND, call_id: 'toolu_01/A09q90qw90lq917835lq9' });
    expect(paused.call_id).toBe('toolu_01/A09q90qw90lq917835lq9');
    await publishDecision(hookline, { callId: paused.call_id, approved: false, comment: 'Not eligible' });

    const denied = await waitForRunStatus(running.url, paused.call_id, 'denied');
    expect(denied.outcome).toMatchObject({ approved: false, comment: 'Not eligible', approved_by: null });
    expect(toolCalls).toEqual([]);
    const [, response] = await settledEventsOf(paused.call_id, 2);
    expect(response).toMatchObject({ event_type: 'approval.denied', deliveries: [{ status: 'delivered' }] });
  });

  it('resumes after an agent restart: Hookline retries while it is down, the new process finds the state on disk', async () => {
    const secret = newWhsecSecret();
    const stateDir = join(stateRoot, 'restart');
    const first = await startAgent({ secret, stateDir });
    const port = Number(new URL(first.running.url).port);
    // Enough attempts (capped at 2 s apart in the test config) to outlast the restart.
    await subscribe({ url: `${first.running.url}${WEBHOOK_PATH}`, events: APPROVAL_RESPONSES, secret, max_attempts: 15 });
    // In the envelope the call_id is inside the JSON body, so any text round-trips.
    const paused = await startRun(first.running.url, { task: 'Refund order 42', tool_call: REFUND, call_id: 'run ünï ✓ / restart' });
    await first.running.close();
    agents.splice(agents.indexOf(first.running), 1);

    const decision = await publishDecision(hookline, { callId: paused.call_id, approved: true, approvedBy: 'bob' });
    // The agent is down: the first attempt fails and the delivery waits for a retry.
    await waitFor(
      async () => {
        const [, response] = await hookline.findEventsByCallId(paused.call_id);
        return response?.deliveries[0]?.status === 'retrying';
      },
      { what: 'a failed first attempt' },
    );

    const restarted = await startAgent({ secret, stateDir, port });
    const resumed = await waitForRunStatus(restarted.running.url, paused.call_id, 'completed');
    expect(resumed.outcome).toMatchObject({ approved: true, approved_by: 'bob', decision_event_id: decision.event_id });
    expect(restarted.toolCalls).toEqual([REFUND.arguments]);
    expect(first.toolCalls).toEqual([]);
    const [, response] = await settledEventsOf(paused.call_id, 2);
    expect(response.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: expect.any(Number) })]);
    expect(response.deliveries[0].attempts).toBeGreaterThan(1);
  });

  it('refuses forged and replayed decisions at the receiver, and ignores other events', async () => {
    const secret = newWhsecSecret();
    const { running, toolCalls } = await startAgent({ secret, stateDir: join(stateRoot, 'forged') });
    const paused = await startRun(running.url);
    const body = JSON.stringify({
      event_id: 'evt_forged',
      event_type: 'approval.granted',
      organization_id: 'org_x',
      timestamp: new Date().toISOString(),
      call_id: paused.call_id,
      data: { approved: true, comment: null, approved_by: 'mallory' },
    });
    const post = async (headers: Record<string, string>, payload = body) => {
      const response = await fetch(`${running.url}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
      return { status: response.status, body: await response.json() };
    };
    const now = () => Math.floor(Date.now() / 1000);

    expect(await post({})).toMatchObject({ status: 400, body: { error: 'missing_headers' } });
    expect(await post(signWebhook(newWhsecSecret(), 'evt_forged', now(), body))).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect(await post(signWebhook(secret, 'evt_forged', now() - 3600, body))).toMatchObject({ status: 401, body: { error: 'timestamp_out_of_tolerance' } });
    expect(await getRun(running.url, paused.call_id)).toMatchObject({ run: { status: 'awaiting_approval' } });

    // Correctly signed deliveries that are no decision for a paused run are acknowledged and change nothing.
    const other = JSON.stringify({ event_id: 'evt_other', event_type: 'approval.requested', call_id: paused.call_id, data: {} });
    expect(await post(signWebhook(secret, 'evt_other', now(), other), other)).toMatchObject({ status: 200, body: { status: 'ignored' } });
    const stranger = body.replace(paused.call_id, 'call_of_another_agent');
    expect(await post(signWebhook(secret, 'evt_stranger', now(), stranger), stranger)).toMatchObject({ status: 200, body: { status: 'ignored' } });

    const signed = signWebhook(secret, 'evt_genuine', now(), body);
    expect(await post(signed)).toMatchObject({ status: 200, body: { status: 'resumed', run_status: 'completed' } });
    expect(await post(signed)).toMatchObject({ status: 401, body: { error: 'replayed_webhook' } });
    // Hookline's retry of the same event: new timestamp, so not a replay, and the run does not resume twice.
    expect(await post(signWebhook(secret, 'evt_genuine', now() + 1, body))).toMatchObject({ status: 200, body: { status: 'already_resumed' } });
    expect(toolCalls).toHaveLength(1);
  });

  it('answers clear errors on the agent API', async () => {
    const { running } = await startAgent({ secret: newWhsecSecret(), stateDir: join(stateRoot, 'errors') });
    const post = async (body: string) => {
      const response = await fetch(`${running.url}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      return { status: response.status, body: await response.json() };
    };
    expect(await post('{')).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(await post(JSON.stringify({ task: '', tool_call: REFUND }))).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    expect(await post(JSON.stringify({ task: 't', tool_call: { name: 'drop_tables' } }))).toMatchObject({ status: 400, body: { error: 'unknown_tool' } });
    await startRun(running.url, { task: 't', tool_call: REFUND, call_id: 'call_taken' });
    expect(await post(JSON.stringify({ task: 't', tool_call: REFUND, call_id: 'call_taken' }))).toMatchObject({
      status: 409,
      body: { error: 'call_id_in_use' },
    });
    expect(await getRun(running.url, 'call_missing')).toMatchObject({ status: 404, run: { error: 'not_found' } });
    expect((await fetch(`${running.url}${WEBHOOK_PATH}`)).status).toBe(405);
  });
});
