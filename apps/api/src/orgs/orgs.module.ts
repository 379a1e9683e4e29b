import { Module } from '@nestjs/common';
import { BootstrapOrgService } from './bootstrap-org.service';
import { OrganizationRepository } from './organization.repository';
import { OrgsController } from './orgs.controller';

@Module({
  controllers: [OrgsController],
  providers: [OrganizationRepository, BootstrapOrgService],
})
export class OrgsModule {}
