import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { OrgId } from '../auth/request-principal';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { PortalSessionCreateDto } from './portal-session.dto';
import { PortalSessionResponseDto } from './portal-session.response';
import { PortalSessionService } from './portal-session.service';

const SESSION_ID = 'ps_01JZ8QH3J4K5M6N7P8Q9R0S1TV';
const TOKEN = 'hps_Vb7nLr5dQe9Ah6uGi2oYtR0w3q2fT0yWm1c8JkXzP4s';

/** Portal sessions: organization API keys only (no @AllowPortal, so portal tokens get 403). */
@Controller('v1/portal/sessions')
@UseGuards(ApiKeyGuard)
@ApiTags('Portal sessions')
@ApiAccess('apiKey')
export class PortalSessionController {
  constructor(private readonly sessions: PortalSessionService) {}

  @Post()
  @ApiOperation({
    operationId: 'createPortalSession',
    summary: 'Create a portal link for a tenant',
    description: 'Organization API keys only (a portal token answers 403).',
  })
  @ApiJsonBody(PortalSessionCreateDto, { tenant: 'customer:acme', expires_in_seconds: 3600, read_only: false })
  @ApiCreatedResponse({
    description: 'Created.',
    type: PortalSessionResponseDto,
    example: {
      id: SESSION_ID,
      token: TOKEN,
      url: `http://127.0.0.1:3000/portal#token=${TOKEN}`,
      tenant: 'customer:acme',
      read_only: false,
      expires_at: '2025-07-01T10:31:00.000Z',
    },
  })
  create(@OrgId() organizationId: string, @Body() body: PortalSessionCreateDto): Promise<PortalSessionResponseDto> {
    return this.sessions.create(organizationId, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokePortalSession', summary: 'Revoke a portal session', description: 'Its token answers 401 from the next request on.' })
  @ApiParam({ name: 'id', description: 'Portal session id.', example: SESSION_ID })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiErrors('NotFound')
  async revoke(@OrgId() organizationId: string, @Param('id') id: string): Promise<void> {
    await this.sessions.revoke(organizationId, id);
  }
}
