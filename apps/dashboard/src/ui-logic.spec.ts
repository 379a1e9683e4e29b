import { ApiError } from './api/client';
import { fieldErrors } from './hooks/field-errors';
import { examplePayload } from './pages/catalog/example-payload';
import { endpointBody, emptyEndpointForm } from './pages/endpoints/endpoint-form-state';
import { overviewFigures } from './pages/overview/overview-figures';

describe('fieldErrors', () => {
  it('puts each detail under the form field its path starts with, the rest at the button', () => {
    const error = new ApiError(400, 'validation_failed', 'The request is invalid.', [
      { field: 'url', message: 'url must be a URL' },
      { field: 'headers.X-Team', message: 'reserved header' },
      { field: 'events[0]', message: 'unknown event type' },
      { field: 'schema/properties', message: 'not a schema' },
      { message: 'something general' },
    ]);
    expect(fieldErrors(error, ['url', 'headers', 'events'])).toEqual({
      byField: { url: 'url must be a URL', headers: 'reserved header', events: 'unknown event type' },
      rest: [{ field: 'schema/properties', message: 'not a schema' }, { message: 'something general' }],
    });
  });

  it('joins two messages about one field', () => {
    const error = new ApiError(400, 'validation_failed', 'x', [
      { field: 'url', message: 'a' },
      { field: 'url', message: 'b' },
    ]);
    expect(fieldErrors(error, ['url']).byField).toEqual({ url: 'a; b' });
  });
});

describe('endpointBody', () => {
  it('names an unnamed endpoint by its URL, parses header lines, and leaves channels out in the portal', () => {
    const form = {
      ...emptyEndpointForm(),
      url: ' https://example.com/hook ',
      events: ['order.*'],
      headers: 'X-Team: billing\n\nX-Empty',
      channels: ['acme'],
      max_attempts: '5',
    };
    expect(endpointBody(form, { withChannels: false })).toEqual({
      name: 'https://example.com/hook',
      url: 'https://example.com/hook',
      events: ['order.*'],
      headers: { 'X-Team': 'billing', 'X-Empty': '' },
      max_attempts: 5,
      rate_limit_per_second: null,
      payload_format: 'envelope',
    });
    expect(endpointBody(form, { withChannels: true }).channels).toEqual(['acme']);
  });
});

describe('examplePayload', () => {
  it('uses examples where the schema gives them and placeholders of the declared type elsewhere', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'string', examples: ['ord_1'] },
        total: { type: 'integer', minimum: 0 },
        paid_at: { type: 'string', format: 'date-time' },
        status: { enum: ['paid', 'refunded'] },
        items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
        note: { type: ['null', 'string'] },
      },
    };
    expect(examplePayload(schema)).toEqual({
      id: 'ord_1',
      total: 0,
      paid_at: '2026-01-01T00:00:00Z',
      status: 'paid',
      items: [{ sku: 'string' }],
      note: 'string',
    });
  });
});

describe('overviewFigures', () => {
  it('sums outcomes, rates success over finished deliveries, weights p50 by attempts and takes the worst p95', () => {
    const bucket = (delivered: number, failed: number, attempts: number, p50: number | null, p95: number | null) => ({
      start: '2026-01-01T00:00:00Z',
      delivered,
      failed,
      retrying: 1,
      attempts,
      p50_ms: p50,
      p95_ms: p95,
    });
    expect(overviewFigures({ buckets: [bucket(3, 1, 4, 10, 40), bucket(0, 0, 0, null, null), bucket(6, 0, 12, 30, 90)] })).toEqual({
      delivered: 9,
      failed: 1,
      retrying: 3,
      successRate: 0.9,
      p50Ms: 25,
      p95Ms: 90,
    });
    expect(overviewFigures({ buckets: [] })).toMatchObject({ successRate: null, p50Ms: null, p95Ms: null });
  });
});
