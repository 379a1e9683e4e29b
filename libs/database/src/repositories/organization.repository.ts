import { Injectable } from '@nestjs/common';
import { newId } from '@app/domain/ids';
import { hashApiKey } from '@app/domain/api-key';
import { PrismaService } from '../prisma.service';

@Injectable()
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaService) {}

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.organization.count({ where: { id } })) > 0;
  }

  /** Creates the organization and its first API key in one transaction. */
  async createWithKey(name: string, apiKey: string): Promise<{ id: string; name: string; keyId: string }> {
    const id = newId('org');
    const keyId = newId('key');
    await this.prisma.organization.create({
      data: { id, name, apiKeys: { create: { id: keyId, keyHash: hashApiKey(apiKey) } } },
    });
    return { id, name, keyId };
  }

  /** Makes sure an organization named `name` owns `apiKey` (local quickstart); safe to run at every start. */
  async ensureOrgOwningKey(name: string, apiKey: string): Promise<string> {
    const existing = await this.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(apiKey) } });
    if (existing) {
      if (existing.revokedAt) await this.prisma.apiKey.update({ where: { id: existing.id }, data: { revokedAt: null } });
      return existing.organizationId;
    }
    const org =
      (await this.prisma.organization.findFirst({ where: { name }, orderBy: { createdAt: 'asc' } })) ??
      (await this.prisma.organization.create({ data: { id: newId('org'), name } }));
    await this.prisma.apiKey.create({ data: { id: newId('key'), organizationId: org.id, keyHash: hashApiKey(apiKey) } });
    return org.id;
  }
}
