import { Injectable } from '@nestjs/common';
import { EventTypeCatalog } from '@app/catalog';
import { DomainError, type ErrorDetail } from '@app/domain/errors';
import { compileFilter, filterSchemaProblems, filterSubject, parseFilter, type ParsedFilter } from '@app/domain/payload-filter';
import { validateEvent } from '@app/intake/event-validation';
import { FilterTestEventDto, type FilterTestDto } from './subscription-filter.dto';

/** Payload filters as the API takes them: checked when saved, and tried on a sample event. */
@Injectable()
export class SubscriptionFilterService {
  constructor(private readonly catalog: EventTypeCatalog) {}

  /**
   * Throws a 400 naming every problem of `filter` (details' fields start with `filter`): its syntax
   * and limits, then its `data` paths and operators against the schemas of the types `events` receive.
   */
  async assertValid(organizationId: string, events: readonly string[], filter: unknown): Promise<ParsedFilter> {
    const parsed = parseFilter(filter);
    if (!parsed.ok) throw invalidFilter(parsed.details);
    const problems = filterSchemaProblems(parsed.filter, await this.catalog.receivableTypes(organizationId, events));
    if (problems.length > 0) throw invalidFilter(problems);
    return parsed.filter;
  }

  /** POST /v1/webhooks/filter-test: the checks of saving (schemas of `events`, else of the event's type), then the match. */
  async test(organizationId: string, body: FilterTestDto): Promise<{ matches: boolean }> {
    const event = await checkedEvent(body.event);
    const filter = await this.assertValid(organizationId, body.events ?? [event.event_type], body.filter);
    const subject = filterSubject({
      eventType: event.event_type,
      data: event.data,
      channel: event.channel ?? null,
      callId: event.call_id ?? null,
      workflowId: event.workflow_id ?? null,
    });
    return { matches: compileFilter(filter)(subject) };
  }
}

/** The sample event, checked by the intake's own rules; its details name fields under `event`. */
async function checkedEvent(input: unknown): Promise<FilterTestEventDto> {
  try {
    return await validateEvent(input, FilterTestEventDto, 'event');
  } catch (error) {
    if (!(error instanceof DomainError) || !error.details) throw error;
    throw new DomainError(
      error.code,
      error.message,
      error.details.map((detail) => ({ ...detail, field: detail.field ? `event.${detail.field}` : 'event' })),
    );
  }
}

function invalidFilter(details: ErrorDetail[]): DomainError {
  return new DomainError('validation_failed', 'The filter is invalid.', details);
}
