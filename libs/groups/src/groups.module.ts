import { Module } from '@nestjs/common';
import { OrganizationsModule } from '@edgefleet/organizations';
import { GroupMembership } from './group-membership.service';
import { GroupRepository } from './group.repository';
import { GroupService } from './group.service';

/** Thing groups, static and dynamic, and their membership. */
@Module({ imports: [OrganizationsModule], providers: [GroupRepository, GroupService, GroupMembership], exports: [GroupService, GroupMembership, GroupRepository] })
export class GroupsModule {}
