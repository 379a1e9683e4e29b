import { randomUUID } from 'node:crypto';
import type { AgentRun, RunMessage, ToolCall } from './agent-run';
import { APPROVAL_REQUESTED } from './approval-events';
import type { HooklineClient } from './hookline-client';
import { createKeyedLock } from './keyed-lock';
import type { RunStore } from './run-store';

/** An action the agent can take once a human approved it. */
export type Tool = (args: Record<string, unknown>) => unknown;

export interface StartRunInput {
  task: string;
  tool_call: ToolCall;
  /** An external identifier (e.g. the model's tool_call_id); a fresh one is made when absent. */
  call_id?: string;
}

/** A human's answer, read from a verified webhook. */
export interface ApprovalDecision {
  callId: string;
  approved: boolean;
  comment: string | null;
  approvedBy: string | null;
  /** The Hookline event that carried it (webhook-id). */
  eventId: string;
}

export type ResumeResult =
  | { status: 'resumed'; run: AgentRun }
  /** The run was resumed by an earlier delivery: Hookline delivers at least once. */
  | { status: 'already_resumed'; run: AgentRun }
  | { status: 'unknown_call_id' };

/** The caller asked for something the agent cannot do (unknown tool, call_id in use). */
export class AgentInputError extends Error {
  constructor(
    readonly code: 'unknown_tool' | 'call_id_in_use',
    message: string,
  ) {
    super(message);
    this.name = 'AgentInputError';
  }
}

export interface ApprovalAgentOptions {
  store: RunStore;
  hookline: Pick<HooklineClient, 'publishEvent'>;
  tools: Record<string, Tool>;
  now?: () => Date;
}

/**
 * An agent that may not act on its own: it saves its state under a call_id, asks for approval through Hookline
 * and stops. Whoever receives the decision webhook (this process after a restart, or another one sharing the
 * store) calls `resume`, which loads the state by call_id and carries on from where the run paused.
 */
export class ApprovalAgent {
  private readonly withLock = createKeyedLock();
  private readonly now: () => Date;

  constructor(private readonly options: ApprovalAgentOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Saves the paused run, then publishes approval.requested; answers the run as it waits. */
  async startRun(input: StartRunInput): Promise<AgentRun> {
    if (!Object.hasOwn(this.options.tools, input.tool_call.name)) {
      throw new AgentInputError('unknown_tool', `The agent has no tool named "${input.tool_call.name}".`);
    }
    const callId = input.call_id ?? `call_${randomUUID()}`;
    return this.withLock(callId, async () => {
      if (await this.options.store.get(callId)) throw new AgentInputError('call_id_in_use', `A run with call_id "${callId}" exists already.`);
      const at = this.now().toISOString();
      const run: AgentRun = {
        call_id: callId,
        status: 'awaiting_approval',
        task: input.task,
        tool_call: input.tool_call,
        messages: [
          { role: 'user', content: input.task },
          { role: 'assistant', content: `I need approval to call ${input.tool_call.name}.`, tool_call: input.tool_call },
        ],
        created_at: at,
        updated_at: at,
      };
      // Saved before publishing, so the answer can never arrive for a run that is not stored yet.
      await this.options.store.save(run);
      try {
        await this.options.hookline.publishEvent({
          event_type: APPROVAL_REQUESTED,
          call_id: callId,
          // A retried start publishes the request once.
          idempotency_key: `approval-request:${callId}`,
          data: { task: input.task, tool_call: input.tool_call },
        });
      } catch (error) {
        const failed: AgentRun = {
          ...run,
          status: 'failed',
          error: `Could not request approval: ${(error as Error).message}`,
          updated_at: this.now().toISOString(),
        };
        await this.options.store.save(failed);
        throw error;
      }
      return run;
    });
  }

  /** Continues the run paused under the decision's call_id; a run already resumed is left as it is. */
  resume(decision: ApprovalDecision): Promise<ResumeResult> {
    return this.withLock(decision.callId, async () => {
      const run = await this.options.store.get(decision.callId);
      if (!run) return { status: 'unknown_call_id' };
      if (run.status !== 'awaiting_approval') return { status: 'already_resumed', run };

      const human: RunMessage = {
        role: 'human',
        approved: decision.approved,
        comment: decision.comment,
        approved_by: decision.approvedBy,
        event_id: decision.eventId,
      };
      const resumedAt = this.now().toISOString();
      const outcome = {
        approved: decision.approved,
        comment: decision.comment,
        approved_by: decision.approvedBy,
        decision_event_id: decision.eventId,
        resumed_at: resumedAt,
      };
      let resumed: AgentRun;
      if (!decision.approved) {
        resumed = { ...run, status: 'denied', messages: [...run.messages, human], outcome, updated_at: resumedAt };
      } else {
        resumed = await this.callTool(run, human, outcome);
      }
      await this.options.store.save(resumed);
      return { status: 'resumed', run: resumed };
    });
  }

  private async callTool(run: AgentRun, human: RunMessage, outcome: NonNullable<AgentRun['outcome']>): Promise<AgentRun> {
    const { name, arguments: args } = run.tool_call;
    try {
      const result = await this.options.tools[name](args);
      return {
        ...run,
        status: 'completed',
        messages: [...run.messages, human, { role: 'tool', name, result }],
        outcome: { ...outcome, result },
        updated_at: this.now().toISOString(),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...run,
        status: 'failed',
        messages: [...run.messages, human, { role: 'tool', name, error: message }],
        outcome: { ...outcome, error: message },
        updated_at: this.now().toISOString(),
      };
    }
  }
}
