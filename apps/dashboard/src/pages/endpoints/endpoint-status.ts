import type { Subscription } from '../../api/client';

/** One word for an endpoint's state: active, disabled by the operator, or disabled by Hookline (it kept failing). */
export function endpointStatus(endpoint: Subscription): 'active' | 'disabled' | 'auto-disabled' {
  if (endpoint.is_active) return 'active';
  return endpoint.disabled_reason ? 'auto-disabled' : 'disabled';
}
