import { APPROVAL_DENIED, APPROVAL_GRANTED, type ApprovalResponseData } from './approval-events';
import type { HooklineClient, PublishedEvent } from './hookline-client';

export interface DecisionInput {
  callId: string;
  approved: boolean;
  comment?: string;
  approvedBy?: string;
}

/**
 * What the approver's system does once a human decided: publish approval.granted or approval.denied with the
 * call_id of the request. Hookline then delivers it to every subscriber, the agent among them.
 * The idempotency key makes the first decision final: a second one answers the first event.
 */
export function publishDecision(hookline: Pick<HooklineClient, 'publishEvent'>, input: DecisionInput): Promise<PublishedEvent> {
  const data: ApprovalResponseData = { approved: input.approved, comment: input.comment ?? null, approved_by: input.approvedBy ?? null };
  return hookline.publishEvent({
    event_type: input.approved ? APPROVAL_GRANTED : APPROVAL_DENIED,
    call_id: input.callId,
    idempotency_key: `approval-decision:${input.callId}`,
    data: { ...data },
  });
}
