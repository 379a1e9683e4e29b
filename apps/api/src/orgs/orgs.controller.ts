import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { notFound } from '@app/domain/errors';
import { AdminGuard } from '../auth/admin.guard';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { generateApiKey } from '../auth/api-key';
import { OrganizationCreateDto } from './org.dto';
import { OrganizationRepository } from './organization.repository';

/** Operator endpoints: organizations and their API keys. */
@Controller('v1/orgs')
@UseGuards(AdminGuard)
export class OrgsController {
  constructor(
    private readonly orgs: OrganizationRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  @Post()
  async create(@Body() body: OrganizationCreateDto) {
    const apiKey = generateApiKey();
    const org = await this.orgs.createWithKey(body.name, apiKey);
    return { id: org.id, name: org.name, api_key: apiKey };
  }

  @Post(':id/api-keys')
  async createKey(@Param('id') orgId: string) {
    if (!(await this.orgs.exists(orgId))) throw notFound('Organization');
    const apiKey = generateApiKey();
    const id = await this.apiKeys.create(orgId, apiKey);
    return { id, api_key: apiKey };
  }

  @Delete(':id/api-keys/:keyId')
  @HttpCode(204)
  async revokeKey(@Param('id') orgId: string, @Param('keyId') keyId: string): Promise<void> {
    if (!(await this.apiKeys.revoke(orgId, keyId))) throw notFound('API key');
  }
}
