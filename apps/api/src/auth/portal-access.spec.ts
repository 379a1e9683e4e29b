import { portalAccessError } from './portal-access';

describe('portalAccessError', () => {
  const orgKey = { organizationId: 'org_1', readOnly: false };
  const portal = { organizationId: 'org_1', tenant: 'customer:1', readOnly: false };
  const readOnly = { ...portal, readOnly: true };
  const codeOf = (error: ReturnType<typeof portalAccessError>) => error?.code ?? null;

  it('lets an organization API key through every route, marked or not', () => {
    expect(portalAccessError(orgKey, undefined, { method: 'DELETE' })).toBeNull();
    expect(portalAccessError(orgKey, { channelParam: 'channel' }, { method: 'PUT', params: { channel: 'other' } })).toBeNull();
  });

  it('forbids an organization API key the portalOnly routes, and opens them to every portal token', () => {
    expect(codeOf(portalAccessError(orgKey, { portalOnly: true }, { method: 'GET' }))).toBe('forbidden');
    expect(portalAccessError(portal, { portalOnly: true }, { method: 'GET' })).toBeNull();
    expect(portalAccessError(readOnly, { portalOnly: true }, { method: 'GET' })).toBeNull();
  });

  it('forbids a portal token the routes not marked @AllowPortal, reads included', () => {
    expect(codeOf(portalAccessError(portal, undefined, { method: 'GET' }))).toBe('forbidden');
    expect(codeOf(portalAccessError(portal, undefined, { method: 'POST' }))).toBe('forbidden');
  });

  it('lets a portal token through marked routes', () => {
    expect(portalAccessError(portal, {}, { method: 'POST' })).toBeNull();
    expect(portalAccessError(portal, {}, { method: 'get' })).toBeNull();
  });

  it('forbids a read-only session every method but GET, HEAD and OPTIONS', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(portalAccessError(readOnly, {}, { method })).toBeNull();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(codeOf(portalAccessError(readOnly, {}, { method }))).toBe('forbidden');
  });

  it("answers 404 on a channel route for any channel but the tenant's own", () => {
    const access = { channelParam: 'channel' };
    expect(portalAccessError(portal, access, { method: 'PUT', params: { channel: 'customer:1' } })).toBeNull();
    expect(codeOf(portalAccessError(portal, access, { method: 'GET', params: { channel: 'customer:2' } }))).toBe('not_found');
    expect(codeOf(portalAccessError(portal, access, { method: 'GET', params: {} }))).toBe('not_found');
  });
});
