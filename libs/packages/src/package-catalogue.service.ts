import { Injectable } from '@nestjs/common';
import {
  BUILT_IN_PACKAGES,
  type Catalogue,
  type CatalogueInterface,
  type CataloguePackage,
  type InterfaceCategory,
  type ManifestProblem,
  type PackageManifest,
  type ResolvedGraph,
  assertPageSize,
  catalogueKey,
  decodeCursor,
  notFound,
  nodeIdOf,
  pageOf,
  referencedPackages,
  validateApplicationManifest,
} from '@edgefleet/domain';
import { OrganizationService, type Principal } from '@edgefleet/organizations';
import { PackageRepository } from './package.repository';

/** Panorama's ManifestPayload limit: 51,200 characters of JSON. */
export const MAX_MANIFEST_PAYLOAD_CHARS = 51_200;

export type NodeCategory = 'BUSINESS_LOGIC' | 'ML_MODEL' | 'MEDIA_SOURCE' | 'MEDIA_SINK';
const CATEGORY: Record<InterfaceCategory, NodeCategory> = { business_logic: 'BUSINESS_LOGIC', ml_model: 'ML_MODEL', media_source: 'MEDIA_SOURCE', media_sink: 'MEDIA_SINK' };

/** Panorama's ListNodes entry: one interface of a registered package version. */
export interface NodeView {
  nodeId: string;
  name: string;
  category: NodeCategory;
  ownerAccount: string;
  packageName: string;
  packageId: string;
  packageVersion: string;
  patchVersion: string;
  /** What a manifest node's `interface` says to use it: `<account>::<package>.<interface>`. */
  interface: string;
  description: string | null;
  createdTime: Date;
}

export interface ManifestValidation {
  valid: boolean;
  problems: ManifestProblem[];
  graph: ResolvedGraph | null;
}

/**
 * The organization's catalogue as manifests see it: registered package versions (latest
 * patch of each version) and their interfaces, plus the built-in abstract nodes. Lists
 * nodes, and validates application manifests against it.
 */
@Injectable()
export class PackageCatalogue {
  constructor(
    private readonly packages: PackageRepository,
    private readonly organizations: OrganizationService,
  ) {}

  async nodes(principal: Principal, args: { category?: NodeCategory | null; packageName?: string | null; first: number; after?: string | null }) {
    assertPageSize(args.first);
    const after = args.after ? decodeCursor(args.after, 1, 'after')[0] : null;
    const selected = (await this.allNodes(principal, args.packageName ? { packageName: args.packageName } : {}))
      .filter((n) => (!args.category || n.category === args.category) && (after === null || n.nodeId > after))
      .sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
    return pageOf(selected.slice(0, args.first + 1), args.first, (n) => [n.nodeId]);
  }

  /** DescribeNode: one node with its interface's inputs and outputs. */
  async node(principal: Principal, nodeId: string): Promise<NodeView & { inputs: CatalogueInterface['inputs']; outputs: CatalogueInterface['outputs'] }> {
    const node = (await this.allNodes(principal, {})).find((n) => n.nodeId === nodeId);
    if (!node) throw notFound('Node', nodeId);
    return node;
  }

  private async allNodes(principal: Principal, where: { packageName?: string }) {
    const accountId = await this.organizations.accountId(principal.organizationId);
    const rows = await this.packages.registeredVersions(principal.organizationId, where.packageName ? [where.packageName] : undefined);
    return rows.flatMap((v) =>
      interfacesOf(v.descriptor).map((i) => ({
        nodeId: nodeIdOf(v.package.packageName, v.packageVersion, v.patchVersion, i.name),
        name: i.name,
        category: CATEGORY[i.category],
        ownerAccount: accountId,
        packageName: v.package.packageName,
        packageId: v.packageId,
        packageVersion: v.packageVersion,
        patchVersion: v.patchVersion,
        interface: `${accountId}::${v.package.packageName}.${i.name}`,
        description: (v.descriptor as { nodePackage?: { description?: string } }).nodePackage?.description ?? null,
        createdTime: v.registeredTime ?? v.createdAt,
        inputs: i.inputs,
        outputs: i.outputs,
      })),
    );
  }

  /**
   * Every problem of a manifest and its overrides (JSON text, as Panorama's PayloadData), and
   * the resolved graph when there is none. `usedHostPorts` are the device's ports taken by its
   * other applications (deployments pass them).
   */
  async validate(organizationId: string, manifestPayload: string, overridesPayload: string | null, usedHostPorts?: ReadonlySet<number>): Promise<ManifestValidation> {
    const problems: ManifestProblem[] = [];
    const parse = (text: string | null | undefined, document: ManifestProblem['document']): unknown => {
      if (text === null || text === undefined) return null;
      if (text.length > MAX_MANIFEST_PAYLOAD_CHARS) {
        problems.push({ document, path: '$', message: `is ${text.length} characters; at most ${MAX_MANIFEST_PAYLOAD_CHARS} are allowed` });
        return undefined;
      }
      try {
        return JSON.parse(text);
      } catch (err) {
        problems.push({ document, path: '$', message: `is not valid JSON: ${(err as Error).message}` });
        return undefined;
      }
    };
    const manifest = parse(manifestPayload, 'manifestPayload');
    const overrides = parse(overridesPayload, 'manifestOverridesPayload');
    if (problems.length > 0) return { valid: false, problems, graph: null };
    const catalogue = await this.catalogue(organizationId, referencedPackages(manifest, overrides));
    const quotas = await this.organizations.quotas(organizationId);
    const result = validateApplicationManifest(manifest, overrides, catalogue, { maxCameraStreams: quotas.streamsPerApplication, usedHostPorts });
    return { valid: result.problems.length === 0, ...result };
  }

  /** The referenced package versions that exist: the organization's (by `<accountId>::<name>`) and the built-in ones. */
  private async catalogue(organizationId: string, refs: { name: string; version: string }[]): Promise<Catalogue> {
    const map = new Map<string, CataloguePackage>(BUILT_IN_PACKAGES.map((p) => [catalogueKey(p.name, p.version), p]));
    const prefix = `${await this.organizations.accountId(organizationId)}::`;
    const names = [...new Set(refs.filter((r) => r.name.startsWith(prefix)).map((r) => r.name.slice(prefix.length)))];
    if (names.length === 0) return map;
    const versions = await this.packages.registeredVersions(organizationId, names);
    // The latest patch of each version; without one marked, the newest registered (rows come oldest first).
    const chosen = new Map<string, (typeof versions)[number]>();
    for (const v of versions) {
      const key = catalogueKey(prefix + v.package.packageName, v.packageVersion);
      if (!chosen.get(key)?.isLatestPatch) chosen.set(key, v);
    }
    for (const [key, v] of chosen) {
      const interfaces = interfacesOf(v.descriptor);
      map.set(key, { name: prefix + v.package.packageName, version: v.packageVersion, patchVersion: v.patchVersion, camera: interfaces.some((i) => i.category === 'media_source'), interfaces });
    }
    return map;
  }
}

/** A registered version's interfaces, from its stored (already validated) manifest. */
function interfacesOf(descriptor: unknown): CatalogueInterface[] {
  const m = (descriptor as { nodePackage?: PackageManifest }).nodePackage;
  return (m?.interfaces ?? []).map((i) => ({
    name: i.name,
    category: i.category as InterfaceCategory,
    inputs: i.inputs ?? [],
    outputs: i.outputs ?? [],
    inboundPorts: i.network?.inboundPorts.map((p) => p.port) ?? [],
  }));
}
