import { channelsWithinScope } from './access-scope';
import { DomainError } from './errors';

describe('channelsWithinScope', () => {
  const org = { organizationId: 'org_1' };
  const tenant = { organizationId: 'org_1', tenant: 'customer:42' };

  it('keeps what an organization asked for, including nothing', () => {
    expect(channelsWithinScope(org, ['a', 'b'])).toEqual(['a', 'b']);
    expect(channelsWithinScope(org, undefined)).toBeUndefined();
  });

  it("gives a tenant's endpoint the tenant's channel when none or exactly it is asked for", () => {
    expect(channelsWithinScope(tenant, undefined)).toEqual(['customer:42']);
    expect(channelsWithinScope(tenant, ['customer:42'])).toEqual(['customer:42']);
  });

  it.each([[[]], [['other']], [['customer:42', 'other']], [['customer:42', 'customer:42']]])('refuses other channels for a tenant: %j', (channels) => {
    let thrown: unknown;
    try {
      channelsWithinScope(tenant, channels);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('validation_failed');
    expect((thrown as DomainError).details).toEqual([{ field: 'channels', message: expect.stringContaining('customer:42') }]);
  });
});
