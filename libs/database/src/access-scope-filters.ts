import type { AccessScope } from '@app/domain/access-scope';
import type { Prisma } from '@app/generated/prisma/client';

/**
 * The Prisma filters of an AccessScope (libs/domain/src/access-scope.ts), so every query narrows to a
 * tenant the same way: its endpoints are the subscriptions whose channels are exactly [tenant], its
 * deliveries those made to its endpoints. The stats SQL (delivery-stats.repository.ts) says the same.
 */
export function endpointsIn(scope: AccessScope): Prisma.SubscriptionWhereInput {
  return scope.tenant === undefined ? { organizationId: scope.organizationId } : { organizationId: scope.organizationId, channels: { equals: [scope.tenant] } };
}

export function deliveriesIn(scope: AccessScope): Prisma.DeliveryWhereInput {
  return scope.tenant === undefined
    ? { organizationId: scope.organizationId }
    : { organizationId: scope.organizationId, subscription: { channels: { equals: [scope.tenant] } } };
}
