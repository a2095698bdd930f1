export { GroupsModule } from './groups.module';
export { GroupMembership } from './group-membership.service';
export { GroupRepository } from './group.repository';
export type { MemberRow, ThingGroupRow } from './group.repository';
export { GroupService } from './group.service';
export type { ThingGroupInput, ThingGroupView } from './group.service';
