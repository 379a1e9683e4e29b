import { invalid } from './errors';

/**
 * Whose resources a request may touch: an organization, optionally narrowed to one tenant. A tenant
 * is a channel; its endpoints are the subscriptions whose channels are exactly [tenant] (issue 10:
 * "no new delivery concept"), and its deliveries are those made to its endpoints.
 */
export interface AccessScope {
  organizationId: string;
  /** Set for a portal session: the channel it is narrowed to. */
  tenant?: string;
}

/**
 * The channels an endpoint gets when it is created or changed within `scope`: an organization's
 * request keeps what it asked for; a tenant's endpoint always listens to the tenant's channel only,
 * so asking for anything else is a 400 (never a silent change of scope).
 */
export function channelsWithinScope(scope: AccessScope, channels: string[] | undefined): string[] | undefined {
  if (scope.tenant === undefined) return channels;
  if (channels !== undefined && (channels.length !== 1 || channels[0] !== scope.tenant)) {
    throw invalid('channels', `a portal session's endpoints listen to their tenant's channel only: send ["${scope.tenant}"] or leave channels out`);
  }
  return [scope.tenant];
}
