import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_PATTERN } from '@app/domain/event-matching';
import { PagingQueryDto } from '../common/paging.dto';

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** `?event_type&status&limit&offset` of the log listings. */
export class LogQueryDto extends PagingQueryDto {
  /**
   * Only logs of this event type.
   * @example "order.paid"
   */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event_type must use only the characters [A-Za-z0-9_.:-]' })
  event_type?: string;

  /**
   * Only logs in this status.
   * @example "failed"
   */
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of: ${DELIVERY_STATUSES.join(', ')}` })
  status?: string;
}
