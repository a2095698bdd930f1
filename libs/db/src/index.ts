export { PrismaService } from './prisma.service';
export type { Tx } from './prisma.service';
export { DbModule } from './db.module';
export { Repository } from './repository';
export { Prisma } from './generated/client';
export { type MachineTable, type Moved, type TransitionRequest, caseOf, transition } from './transition';
export type { ApiKeyModel, AuditEventModel, DeviceModel, OrganizationModel } from './generated/models';
