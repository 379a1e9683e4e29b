import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { ApiAccess, ApiErrors, ApiJsonBody } from '../docs/api-docs.decorators';
import { OrganizationCreateDto } from './org.dto';
import { ApiKeyCreatedResponseDto, OrganizationCreatedResponseDto } from './org.response';
import { OrgsService } from './orgs.service';

const ORG_ID = 'org_01JZ8Q4M9V3W6X2Y7T5R1K0ABC';
const KEY_ID = 'key_01JZ8Q4MA2D5F8G1H4J7K0MNPQ';
const OrgIdParam = () => ApiParam({ name: 'id', description: 'Organization id.', example: ORG_ID });

/** Operator endpoints: organizations and their API keys. */
@Controller('v1/orgs')
@UseGuards(AdminGuard)
@ApiTags('Organizations (admin)')
@ApiAccess('admin')
// A valid portal session token answers 403 here (AdminGuard), like on every route not open to it.
@ApiErrors('Forbidden')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Post()
  @ApiOperation({ operationId: 'createOrganization', summary: 'Create an organization with its first API key' })
  @ApiJsonBody(OrganizationCreateDto, { name: 'Acme' })
  @ApiCreatedResponse({
    description: 'Created.',
    type: OrganizationCreatedResponseDto,
    example: { id: ORG_ID, name: 'Acme', api_key: 'hk_3q2fT0yWm1c8JkXzP4sVb7nLr5dQe9Ah6uGi2oYtR0w' },
  })
  async create(@Body() body: OrganizationCreateDto): Promise<OrganizationCreatedResponseDto> {
    const org = await this.orgs.create(body.name);
    return { id: org.id, name: org.name, api_key: org.apiKey };
  }

  @Post(':id/api-keys')
  @ApiOperation({ operationId: 'createApiKey', summary: 'Create another API key for an organization' })
  @OrgIdParam()
  @ApiCreatedResponse({
    description: 'Created.',
    type: ApiKeyCreatedResponseDto,
    example: { id: KEY_ID, api_key: 'hk_Vb7nLr5dQe9Ah6uGi2oYtR0w3q2fT0yWm1c8JkXzP4s' },
  })
  @ApiErrors('NotFound')
  async createKey(@Param('id') orgId: string): Promise<ApiKeyCreatedResponseDto> {
    const key = await this.orgs.issueKey(orgId);
    return { id: key.id, api_key: key.apiKey };
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'The key stops working at once on the api replica that answers, and within 5 s on the others (each caches valid keys for 5 s).',
  })
  @OrgIdParam()
  @ApiParam({ name: 'keyId', description: 'API key id.', example: KEY_ID })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiErrors('NotFound')
  async revokeKey(@Param('id') orgId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.orgs.revokeKey(orgId, keyId);
  }
}
