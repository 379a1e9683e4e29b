import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { DomainError } from '@app/domain/errors';
import { credentialFrom } from './credentials';

type AuthenticatedRequest = FastifyRequest & { organizationId?: string };

/** Authenticates `Authorization: Bearer|Token <key>`; an X-Org-Id header must name the key's organization. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeyRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = credentialFrom(request.headers.authorization);
    if (!key) throw new DomainError('unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
    const organizationId = await this.apiKeys.organizationIdForKey(key);
    if (!organizationId) throw new DomainError('unauthorized', 'The API key is invalid or revoked.');
    const orgHeader = request.headers['x-org-id'];
    if (orgHeader !== undefined && orgHeader !== organizationId) {
      throw new DomainError('forbidden', 'X-Org-Id does not match the organization of the API key.');
    }
    request.organizationId = organizationId;
    return true;
  }
}

/** The organization id the ApiKeyGuard resolved for this request. */
export const OrgId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().organizationId!;
});
