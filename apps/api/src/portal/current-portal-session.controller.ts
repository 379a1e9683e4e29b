import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AllowPortal } from '../auth/portal-access';
import { Caller, type RequestPrincipal } from '../auth/request-principal';
import { ApiAccess } from '../docs/api-docs.decorators';
import { CurrentPortalSessionResponseDto } from './current-portal-session.response';
import { PortalSessionService } from './portal-session.service';

/**
 * The calling portal token's own session, so a portal UI knows its tenant, expiry and whether it may
 * write. Portal tokens only, read-only ones included; an organization API key answers 403.
 */
@Controller('v1/portal/session')
@UseGuards(ApiKeyGuard)
@AllowPortal({ portalOnly: true })
@ApiTags('Portal sessions')
@ApiAccess('apiKey')
export class CurrentPortalSessionController {
  constructor(private readonly sessions: PortalSessionService) {}

  @Get()
  @ApiOperation({
    operationId: 'getCurrentPortalSession',
    summary: "The calling portal token's session",
    description:
      'Portal session tokens only (read-only sessions included); an organization API key answers 403 forbidden. ' +
      'An expired token answers 401 `token_expired`, a revoked or unknown one 401 `unauthorized`.',
  })
  @ApiOkResponse({
    description: 'The session of the token that called.',
    type: CurrentPortalSessionResponseDto,
    example: { id: 'ps_01JZ8QH3J4K5M6N7P8Q9R0S1TV', tenant: 'customer:acme', read_only: false, expires_at: '2025-07-01T10:31:00.000Z' },
  })
  current(@Caller() caller: RequestPrincipal): CurrentPortalSessionResponseDto {
    return this.sessions.describe(caller);
  }
}
