import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HOOKLINE_CONFIG, type HooklineConfig } from '@app/config';
import { OrganizationRepository } from '@app/database/repositories/organization.repository';

/** With BOOTSTRAP_API_KEY set, makes sure an organization "default" owns that key (local quickstart). */
@Injectable()
export class BootstrapOrgService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapOrgService.name);

  constructor(
    @Inject(HOOKLINE_CONFIG) private readonly config: HooklineConfig,
    private readonly orgs: OrganizationRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.bootstrapApiKey) return;
    const orgId = await this.orgs.ensureOrgOwningKey('default', this.config.bootstrapApiKey);
    this.logger.log(`BOOTSTRAP_API_KEY belongs to organization ${orgId}`);
  }
}
