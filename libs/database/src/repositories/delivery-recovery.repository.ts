import { Injectable } from '@nestjs/common';
import { Prisma } from '@app/generated/prisma/client';
import { PrismaService } from '../prisma.service';

/** Where a recovery pass continues: deliveries are visited in (created_at, id) order. */
export interface RecoveryCursor {
  createdAt: Date;
  id: string;
}

/** POST /v1/webhooks/:id/recover: failed deliveries of one subscription put back to pending. */
@Injectable()
export class DeliveryRecoveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Sets up to `limit` failed deliveries of the subscription created in [since, until] (after
   * `after`) back to pending, due now, and returns them. Their attempts are kept: the next is n+1.
   */
  async markFailedPending(subscriptionId: string, since: Date, until: Date, after: RecoveryCursor | null, limit: number): Promise<RecoveryCursor[]> {
    const afterClause = after ? Prisma.sql`AND (created_at, id) > (${after.createdAt}::timestamptz, ${after.id})` : Prisma.empty;
    return this.prisma.$queryRaw<RecoveryCursor[]>`
      WITH picked AS (
        SELECT id FROM deliveries
        WHERE subscription_id = ${subscriptionId} AND status = 'failed'
          AND created_at >= ${since}::timestamptz AND created_at <= ${until}::timestamptz ${afterClause}
        ORDER BY created_at, id
        LIMIT ${limit}
        FOR UPDATE
      )
      UPDATE deliveries d SET status = 'pending', next_attempt_at = now()
      FROM picked WHERE d.id = picked.id
      RETURNING d.id, d.created_at AS "createdAt"`;
  }
}
