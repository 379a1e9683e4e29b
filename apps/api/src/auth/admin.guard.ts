import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { DomainError } from '@app/domain/errors';
import { credentialFrom, secretsEqual } from './credentials';

/** Guards operator endpoints with `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN they are closed. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = credentialFrom(request.headers.authorization);
    if (!this.config.adminToken || !token || !secretsEqual(token, this.config.adminToken)) {
      throw new DomainError('unauthorized', 'This endpoint needs "Authorization: Bearer <ADMIN_TOKEN>".');
    }
    return true;
  }
}
