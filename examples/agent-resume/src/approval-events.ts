/**
 * The event types of the approval exchange. The agent publishes `approval.requested`; the approver answers with
 * `approval.granted` or `approval.denied` carrying the same call_id, and Hookline delivers that answer to the
 * agent's webhook. The decision itself travels in the signed body (`data.approved`), never only in a header.
 */
export const APPROVAL_REQUESTED = 'approval.requested';
export const APPROVAL_GRANTED = 'approval.granted';
export const APPROVAL_DENIED = 'approval.denied';
export const APPROVAL_RESPONSES = [APPROVAL_GRANTED, APPROVAL_DENIED];

/** `data` of approval.granted / approval.denied. */
export interface ApprovalResponseData {
  approved: boolean;
  comment: string | null;
  approved_by: string | null;
}
