import { type DynamicModule, Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { IotModule } from '@edgefleet/iot';
import { OrganizationsModule } from '@edgefleet/organizations';
import { RoleAliasRepository } from './role-alias.repository';
import { RoleAliasService } from './role-alias.service';
import { SessionCredentials } from './session-credentials';
import { SessionGrants } from './session-grants.service';

const SESSIONS = [RoleAliasRepository, { provide: SessionCredentials, inject: [CONFIG], useFactory: (config: Config) => new SessionCredentials(config) }, SessionGrants];

/** Role aliases and the temporary credentials devices get for them (AWS IoT's credentials provider). */
@Module({})
export class CredentialsModule {
  /** For the api: role aliases managed, temporary credentials taken. */
  static forRoot(config: Config): DynamicModule {
    return { module: CredentialsModule, imports: [IotModule.forRoot(config), OrganizationsModule], providers: [...SESSIONS, RoleAliasService], exports: [RoleAliasService, SessionGrants] };
  }

  /** For the gateways: temporary credentials issued. */
  static forDevices(): DynamicModule {
    return { module: CredentialsModule, providers: SESSIONS, exports: [SessionGrants] };
  }
}
