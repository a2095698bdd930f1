export { CredentialsModule } from './credentials.module';
export { RoleAliasService } from './role-alias.service';
export type { RoleAliasInput, RoleAliasUpdate, RoleAliasView } from './role-alias.service';
export { SessionGrants } from './session-grants.service';
export { isSessionAccessKeyId } from './session-credentials';
export type { SessionClaims, TemporaryCredentials } from './session-credentials';
