import { ApiSchema, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, ValidateNested } from 'class-validator';
import { EventCreateDto } from '../events/event.dto';
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

  /** The event to match. */
  @IsDefined({ message: 'event is required' })
  @ValidateNested()
  @Type(() => FilterTestEventDto)
  event: FilterTestEventDto;
}

@ApiSchema({ name: 'FilterTestResult' })
export class FilterTestResponseDto {
  /** Whether a subscription with this filter would receive the event (its `events` and `channels` aside). */
  matches: boolean;
}
