import { Module } from '@nestjs/common';
import { OrganizationRepository } from '@app/database/repositories/organization.repository';
import { BootstrapOrgService } from './bootstrap-org.service';
import { OrgsController } from './orgs.controller';
import { OrgsService } from './orgs.service';

/** ApiKeyRepository comes from the global AuthModule (the key guard needs it too). */
@Module({
  controllers: [OrgsController],
  providers: [OrganizationRepository, OrgsService, BootstrapOrgService],
})
export class OrgsModule {}
