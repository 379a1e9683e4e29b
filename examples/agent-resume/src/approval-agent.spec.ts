import type { PublishEventInput } from './hookline-client';
import { AgentInputError, ApprovalAgent, type ApprovalDecision } from './approval-agent';
import { createMemoryRunStore } from './run-store';

/** Unit level: Hookline is replaced by a recorder here; test/agent-resume.e2e-spec.ts runs the real one. */
describe('ApprovalAgent', () => {
  const setUp = (options: { failPublish?: boolean; tool?: (args: Record<string, unknown>) => unknown } = {}) => {
    const store = createMemoryRunStore();
    const published: PublishEventInput[] = [];
    const toolCalls: Record<string, unknown>[] = [];
    const agent = new ApprovalAgent({
      store,
      hookline: {
        publishEvent: async (event) => {
          if (options.failPublish) throw new Error('Hookline is down');
          published.push(event);
          return { event_id: `evt_${published.length}`, event_type: event.event_type, created_at: new Date().toISOString() };
        },
      },
      tools: {
        issue_refund: async (args) => {
          toolCalls.push(args);
          return options.tool ? options.tool(args) : { refund_id: 'rf_1' };
        },
      },
    });
    return { agent, store, published, toolCalls };
  };
  const start = (agent: ApprovalAgent, callId?: string) =>
    agent.startRun({ task: 'Refund order 42', tool_call: { name: 'issue_refund', arguments: { order_id: 'ord_42' } }, ...(callId && { call_id: callId }) });
  const decision = (callId: string, approved: boolean): ApprovalDecision => ({
    callId,
    approved,
    comment: 'checked',
    approvedBy: 'alice',
    eventId: 'evt_decision',
  });

  it('saves the paused run, then publishes approval.requested with its call_id', async () => {
    const { agent, store, published } = setUp();
    const run = await start(agent);
    expect(run.call_id).toMatch(/^call_[0-9a-f-]{36}$/);
    expect(await store.get(run.call_id)).toMatchObject({ status: 'awaiting_approval' });
    expect(published).toEqual([
      {
        event_type: 'approval.requested',
        call_id: run.call_id,
        idempotency_key: `approval-request:${run.call_id}`,
        data: { task: 'Refund order 42', tool_call: { name: 'issue_refund', arguments: { order_id: 'ord_42' } } },
      },
    ]);
  });

  it('resumes an approved run once: the tool runs, the outcome is saved, a redelivery changes nothing', async () => {
    const { agent, toolCalls } = setUp();
    await start(agent, 'call_ext_1');
    const [first, second] = await Promise.all([agent.resume(decision('call_ext_1', true)), agent.resume(decision('call_ext_1', true))]);
    expect(first).toMatchObject({ status: 'resumed', run: { status: 'completed', outcome: { approved: true, result: { refund_id: 'rf_1' } } } });
    expect(second).toMatchObject({ status: 'already_resumed', run: { status: 'completed' } });
    expect(toolCalls).toEqual([{ order_id: 'ord_42' }]);
    expect(first.status === 'resumed' && first.run.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'human', 'tool']);
  });

  it('records a denial without calling the tool', async () => {
    const { agent, toolCalls } = setUp();
    await start(agent, 'call_denied');
    expect(await agent.resume(decision('call_denied', false))).toMatchObject({
      status: 'resumed',
      run: { status: 'denied', outcome: { approved: false, comment: 'checked' } },
    });
    expect(toolCalls).toEqual([]);
  });

  it('records a failing tool as a failed run', async () => {
    const { agent } = setUp({ tool: () => Promise.reject(new Error('payment provider said no')) });
    await start(agent, 'call_tool_fails');
    expect(await agent.resume(decision('call_tool_fails', true))).toMatchObject({ run: { status: 'failed', outcome: { error: 'payment provider said no' } } });
  });

  it('answers unknown_call_id for a decision no run waits for', async () => {
    const { agent } = setUp();
    expect(await agent.resume(decision('call_nobody', true))).toEqual({ status: 'unknown_call_id' });
  });

  it('refuses an unknown tool and a call_id in use', async () => {
    const { agent, published } = setUp();
    await expect(agent.startRun({ task: 't', tool_call: { name: 'rm_rf', arguments: {} } })).rejects.toMatchObject({ code: 'unknown_tool' });
    await start(agent, 'call_twice');
    await expect(start(agent, 'call_twice')).rejects.toBeInstanceOf(AgentInputError);
    expect(published).toHaveLength(1);
  });

  it('saves the run as failed when the approval request cannot be published', async () => {
    const { agent, store } = setUp({ failPublish: true });
    await expect(start(agent, 'call_offline')).rejects.toThrow('Hookline is down');
    expect(await store.get('call_offline')).toMatchObject({ status: 'failed', error: expect.stringContaining('Hookline is down') });
  });
});
