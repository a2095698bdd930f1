import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import type { Prisma } from '@edgefleet/db';
import {
  DomainError,
  assertCredentialDuration,
  assertPageSize,
  assertRole,
  assertRoleAliasName,
  assertRoleArn,
  decodeCursor,
  notFound,
  pageOf,
  parsePolicyDocument,
  roleAliasArn,
} from '@edgefleet/domain';
import { CredentialsBackend } from '@edgefleet/iot';
import { AuditService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { type RoleAliasRow, RoleAliasRepository } from './role-alias.repository';

/** AWS IoT's default for credentialDurationSeconds. */
const DEFAULT_DURATION_SECONDS = 3600;

export interface RoleAliasInput {
  roleAlias: string;
  roleArn?: string | null;
  /** An IAM policy document, as JSON text. */
  policyDocument?: string | null;
  credentialDurationSeconds?: number | null;
}

export type RoleAliasUpdate = Omit<RoleAliasInput, 'roleAlias'>;

/** A role alias as operators see it (DescribeRoleAlias's roleAliasDescription, with its policy). */
export interface RoleAliasView {
  roleAlias: string;
  roleAliasArn: string;
  roleArn: string | null;
  owner: string;
  policyDocument: string;
  credentialDurationSeconds: number;
  creationDate: Date;
  lastModifiedDate: Date;
}

/** A policy that allows nothing: a role alias made without one (the aws CLI's create-role-alias names a role, not a policy). */
const DENY_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] };

/**
 * Role aliases (AWS IoT's CreateRoleAlias, DescribeRoleAlias, ListRoleAliases, UpdateRoleAlias,
 * DeleteRoleAlias) per organization: what the credentials provider exchanges a device's
 * certificate for. Reads for any key; changes (they grant devices access) for ADMIN keys only.
 */
@Injectable()
export class RoleAliasService {
  constructor(
    private readonly aliases: RoleAliasRepository,
    private readonly audit: AuditService,
    private readonly backend: CredentialsBackend,
    private readonly organizations: OrganizationService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async create(principal: Principal, input: RoleAliasInput): Promise<RoleAliasView> {
    assertRole(principal.role, 'ADMIN', 'Creating a role alias');
    assertRoleAliasName(input.roleAlias);
    const fields = this.fields(input);
    const row = await this.aliases.transaction(async (tx) => {
      if (await this.aliases.find(principal.organizationId, input.roleAlias, tx)) {
        throw new DomainError('ALREADY_EXISTS', `Role alias ${input.roleAlias} already exists.`, { id: input.roleAlias });
      }
      const created = await this.aliases.insert(tx, {
        organizationId: principal.organizationId,
        roleAlias: input.roleAlias,
        roleArn: fields.roleArn ?? null,
        policyDocument: fields.policyDocument ?? DENY_ALL,
        credentialDurationSeconds: fields.credentialDurationSeconds ?? DEFAULT_DURATION_SECONDS,
      });
      await this.audit.record(tx, principal, { action: 'roleAlias.create', targetType: 'RoleAlias', targetId: input.roleAlias, details: { credentialDurationSeconds: created.credentialDurationSeconds, roleArn: created.roleArn } });
      // In AWS IoT too (IOT_BACKEND=aws), inside the transaction: an alias AWS refused is not kept.
      await this.backend.created({ roleAlias: created.roleAlias, roleArn: created.roleArn, credentialDurationSeconds: created.credentialDurationSeconds });
      return created;
    });
    return this.view(principal, row);
  }

  async update(principal: Principal, roleAlias: string, input: RoleAliasUpdate): Promise<RoleAliasView> {
    assertRole(principal.role, 'ADMIN', 'Updating a role alias');
    const fields = this.fields(input);
    const row = await this.aliases.transaction(async (tx) => {
      const current = await this.aliases.find(principal.organizationId, roleAlias, tx);
      if (!current) throw notFound('Role alias', roleAlias);
      const updated = await this.aliases.update(tx, current.id, fields);
      await this.audit.record(tx, principal, {
        action: 'roleAlias.update',
        targetType: 'RoleAlias',
        targetId: roleAlias,
        details: { changed: Object.keys(fields).filter((k) => fields[k as keyof typeof fields] !== undefined) },
      });
      await this.backend.updated({ roleAlias, roleArn: updated.roleArn, credentialDurationSeconds: updated.credentialDurationSeconds });
      return updated;
    });
    return this.view(principal, row);
  }

  /** Credentials already issued for it are refused from then on: their policy is the alias's. */
  async delete(principal: Principal, roleAlias: string): Promise<RoleAliasView> {
    assertRole(principal.role, 'ADMIN', 'Deleting a role alias');
    const row = await this.aliases.transaction(async (tx) => {
      const current = await this.aliases.find(principal.organizationId, roleAlias, tx);
      if (!current) throw notFound('Role alias', roleAlias);
      await this.aliases.delete(tx, current.id);
      await this.audit.record(tx, principal, { action: 'roleAlias.delete', targetType: 'RoleAlias', targetId: roleAlias });
      await this.backend.deleted(roleAlias);
      return current;
    });
    return this.view(principal, row);
  }

  async get(principal: Principal, roleAlias: string): Promise<RoleAliasView> {
    const row = await this.aliases.find(principal.organizationId, roleAlias);
    if (!row) throw notFound('Role alias', roleAlias);
    return this.view(principal, row);
  }

  async list(principal: Principal, args: { first: number; after?: string | null; descending?: boolean }) {
    assertPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 1, 'after')[0] : null;
    const rows = await this.aliases.page(principal.organizationId, { ...args, after });
    return pageOf(await Promise.all(rows.map((r) => this.view(principal, r))), args.first, (v) => [v.roleAlias]);
  }

  /** The changed fields, each checked; undefined ones stay as they are. */
  private fields(input: RoleAliasUpdate): { roleArn?: string; credentialDurationSeconds?: number; policyDocument?: Prisma.InputJsonValue } {
    if (input.roleArn) assertRoleArn(input.roleArn);
    if (input.credentialDurationSeconds != null) assertCredentialDuration(input.credentialDurationSeconds);
    return {
      roleArn: input.roleArn ?? undefined,
      credentialDurationSeconds: input.credentialDurationSeconds ?? undefined,
      policyDocument: input.policyDocument != null ? (parsePolicyDocument(input.policyDocument) as Prisma.InputJsonValue) : undefined,
    };
  }

  private async view(principal: Principal, row: RoleAliasRow): Promise<RoleAliasView> {
    const owner = await this.organizations.accountId(principal.organizationId);
    return {
      roleAlias: row.roleAlias,
      roleAliasArn: roleAliasArn(this.config.REGION, owner, row.roleAlias),
      roleArn: row.roleArn,
      owner,
      policyDocument: JSON.stringify(row.policyDocument),
      credentialDurationSeconds: row.credentialDurationSeconds,
      creationDate: row.createdAt,
      lastModifiedDate: row.updatedAt,
    };
  }
}
