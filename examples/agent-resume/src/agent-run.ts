/**
 * The agent's saved workflow state for one operation, keyed by its call_id: everything needed to continue
 * after the human answered, even in another process (HumanLayer's "store your agent's state" step).
 */
export interface AgentRun {
  call_id: string;
  status: RunStatus;
  task: string;
  /** The action the agent wants to take and a human must approve first. */
  tool_call: ToolCall;
  /** The running context window: what the agent would feed back to its model when it continues. */
  messages: RunMessage[];
  /** Set once the run has resumed. */
  outcome?: RunOutcome;
  /** Why the run failed before it could pause (the approval request could not be published). */
  error?: string;
  created_at: string;
  updated_at: string;
}

/**
 * awaiting_approval: paused until the approval.granted / approval.denied webhook arrives;
 * completed: approved and the tool ran; denied: the human said no; failed: the request or the tool failed.
 */
export type RunStatus = 'awaiting_approval' | 'completed' | 'denied' | 'failed';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export type RunMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; tool_call: ToolCall }
  | { role: 'human'; approved: boolean; comment: string | null; approved_by: string | null; event_id: string }
  | { role: 'tool'; name: string; result?: unknown; error?: string };

export interface RunOutcome {
  approved: boolean;
  comment: string | null;
  approved_by: string | null;
  /** The Hookline event that carried the decision. */
  decision_event_id: string;
  /** The tool's result when approved and it ran. */
  result?: unknown;
  error?: string;
  resumed_at: string;
}
