import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from '@app/database/repositories/api-key.repository';
import { OrganizationRepository } from '@app/database/repositories/organization.repository';
import { generateApiKey } from '@app/domain/api-key';
import { notFound } from '@app/domain/errors';

/** A new API key in clear text: shown once, only its hash is stored. */
export interface IssuedApiKey {
  id: string;
  apiKey: string;
}

/** Organizations and their API keys (operator endpoints). */
@Injectable()
export class OrgsService {
  constructor(
    private readonly orgs: OrganizationRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  /** Creates the organization with its first API key. */
  async create(name: string): Promise<{ id: string; name: string; apiKey: string }> {
    const apiKey = generateApiKey();
    const org = await this.orgs.createWithKey(name, apiKey);
    return { id: org.id, name: org.name, apiKey };
  }

  async issueKey(orgId: string): Promise<IssuedApiKey> {
    if (!(await this.orgs.exists(orgId))) throw notFound('Organization');
    const apiKey = generateApiKey();
    return { id: await this.apiKeys.create(orgId, apiKey), apiKey };
  }

  async revokeKey(orgId: string, keyId: string): Promise<void> {
    if (!(await this.apiKeys.revoke(orgId, keyId))) throw notFound('API key');
  }
}
