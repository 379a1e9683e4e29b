import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** The body of POST /v1/events: its rules are the intake's, shared with the batch and the worker. */
export { EventCreateDto } from '@app/intake/event.dto';

export class EventLookupQueryDto {
  /**
   * The correlation id the events were published with.
   * @example "call_7f3a9c"
   */
  @IsString({ message: 'call_id is required' })
  @IsNotEmpty({ message: 'call_id is required' })
  @MaxLength(255)
  call_id: string;
}
