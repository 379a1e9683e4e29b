import { ApiProperty, ApiSchema, PartialType, PickType } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';
import { IsJsonObject } from '@app/domain/json-object';
import { EventCreateDto } from '@app/intake/event.dto';
import { KeepAsSent } from '../common/validators';
import { SubscriptionCreateDto } from './subscription.dto';

/** The sample event of a filter test: the envelope fields an event has, with the intake's rules. */
@ApiSchema({ name: 'FilterTestEvent' })
export class FilterTestEventDto extends PickType(EventCreateDto, ['event_type', 'data', 'channel', 'call_id', 'workflow_id'] as const) {}

/** POST /v1/webhooks/filter-test; `events` as on a subscription, for the schema check. */
@ApiSchema({ name: 'FilterTest' })
export class FilterTestDto extends PartialType(PickType(SubscriptionCreateDto, ['events'] as const)) {
  // Checked by SubscriptionFilterService, which names the place of each problem inside it.
  /**
   * The payload filter to try, as a subscription's `filter`.
   * @example {"data.amount": {"$gt": 100}}
   */
  @IsDefined({ message: 'filter is required' })
  @KeepAsSent()
  filter: Record<string, unknown>;

  // Checked by the intake's validateEvent (SubscriptionFilterService), so `data` stays exactly as sent.
  /** The event to match. */
  @ApiProperty({ type: FilterTestEventDto })
  @IsDefined({ message: 'event is required' })
  @KeepAsSent()
  @IsJsonObject()
  event: FilterTestEventDto;
}

@ApiSchema({ name: 'FilterTestResult' })
export class FilterTestResponseDto {
  /** Whether a subscription with this filter would receive the event (its `events` and `channels` aside). */
  matches: boolean;
}
