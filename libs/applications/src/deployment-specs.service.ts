import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { UrlSigner } from '@edgefleet/artifacts';
import { CONFIG, type Config } from '@edgefleet/config';
import { type InstanceSpec, REVISION_LENGTH, type RuntimeRole, deploymentSpecsPath } from '@edgefleet/contracts';
import { CredentialsBackend } from '@edgefleet/iot';
import { DomainError, type ResolvedGraph, notFound } from '@edgefleet/domain';
import { OrganizationService } from '@edgefleet/organizations';
import { PackageFiles } from '@edgefleet/packages';
import { ApplicationInstanceRepository, type InstanceWithNodes } from './application-instance.repository';

type Implementation = { assetUri: string; descriptorUri: string; requirements?: { type: string }[]; architecture?: string };
type PackageManifest = {
  nodePackage?: { assets?: { name: string; implementations: Implementation[] }[]; interfaces?: { name: string; asset?: string }[] };
  mediaSource?: { streamUrl: string };
};
type Code = { asset: string; descriptor: string; gpu?: boolean; architecture?: string };

/**
 * What a device fetches to run its instances: the signed URL of its specs (named by its desired
 * `applications` state) and each instance's spec behind it, with its files' URLs signed anew.
 */
@Injectable()
export class DeploymentSpecs {
  constructor(
    private readonly instances: ApplicationInstanceRepository,
    private readonly files: PackageFiles,
    private readonly organizations: OrganizationService,
    private readonly signer: UrlSigner,
    private readonly credentials: CredentialsBackend,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** The signed URL under which the device reads the specs of its instances. */
  url(deviceId: string): string {
    return this.signer.sign('GET', deploymentSpecsPath(deviceId), this.config.DEPLOYMENT_URL_TTL_SECONDS).url;
  }

  /**
   * The spec of an instance the device's desired state names, as its signed specs URL serves it
   * (`/deployments/<thing>/<instance>`): as it is now, its files' URLs signed now. Any other
   * instance, another device's included, reads as not found.
   */
  async spec(deviceId: string, applicationInstanceId: string): Promise<InstanceSpec> {
    const instance = await this.instances.inDesiredState(deviceId, applicationInstanceId);
    if (!instance) throw notFound('Application instance', applicationInstanceId);
    return this.of(instance);
  }

  /** Said only when the instance has a runtime role that names a role alias: the specs (and revisions) of every other instance stay as they were. */
  private async runtimeRole(i: InstanceWithNodes): Promise<{ runtimeRole?: RuntimeRole }> {
    const roleAlias = i.runtimeRoleArn ? await this.instances.roleAliasFor(i.organizationId, i.runtimeRoleArn) : null;
    if (!roleAlias) return {};
    return { runtimeRole: { roleAlias, ...(await this.credentials.endpoints()) } };
  }

  /** The instance as the device needs it: packages, files with signed URLs and digests, nodes, edges, ports, signals, and the revision of all that. */
  async of(i: InstanceWithNodes): Promise<InstanceSpec> {
    const graph = i.resolvedGraph as unknown as ResolvedGraph;
    const prefix = `${await this.organizations.accountId(i.organizationId)}::`;
    const files: InstanceSpec['files'] = {};
    /** Per package: a camera's stream URL, or the files of each interface's asset. */
    const byPackage = new Map<string, { streamUrl?: string; interfaces: Map<string, Code> }>();
    for (const p of graph.packages) {
      if (!p.patchVersion || !p.name.startsWith(prefix)) continue;
      const version = await this.files.ofVersion(i.organizationId, p.name.slice(prefix.length), p.version, p.patchVersion);
      if (!version) throw new DomainError('PACKAGE_VERSION_NOT_FOUND', `${p.name} ${p.version} (${p.patchVersion}) is no longer registered.`);
      const manifest = version.manifest as PackageManifest;
      const file = (uri: string) => {
        const sha256 = uri.split('.')[0];
        files[sha256] = { url: this.files.downloadUrl(sha256, this.config.DEPLOYMENT_URL_TTL_SECONDS), sizeBytes: version.sizes.get(sha256) ?? 0 };
        return sha256;
      };
      const interfaces = new Map<string, Code>();
      for (const iface of manifest.nodePackage?.interfaces ?? []) {
        const impl = manifest.nodePackage?.assets?.find((a) => a.name === iface.asset)?.implementations[0];
        if (!impl) continue;
        // Said only when the package says it: specs (and their revisions) of other packages stay as they were.
        const gpu = impl.requirements?.some((r) => r.type === 'hardware_access') ? { gpu: true } : {};
        interfaces.set(iface.name, { asset: file(impl.assetUri), descriptor: file(impl.descriptorUri), ...gpu, ...(impl.architecture ? { architecture: impl.architecture } : {}) });
      }
      byPackage.set(p.name, { streamUrl: manifest.mediaSource?.streamUrl, interfaces });
    }
    const spec: Omit<InstanceSpec, 'revision'> = {
      name: i.name,
      replaces: i.applicationInstanceIdToReplace,
      packages: graph.packages.filter((p) => p.patchVersion).map((p) => ({ name: p.name, version: p.version, patchVersion: p.patchVersion! })),
      files,
      nodes: graph.nodes.map((n) => {
        const pkg = n.packageName ? byPackage.get(n.packageName) : undefined;
        const code = pkg?.interfaces.get(n.interface.split('.').at(-1)!);
        const { asset = null, descriptor = null, ...needs } = code ?? {};
        return { name: n.name, interface: n.interface, category: n.category, launch: n.launch, value: n.value, streamUrl: pkg?.streamUrl ?? null, asset, descriptor, ...needs };
      }),
      edges: graph.edges,
      ports: graph.networkRoutingRules.map((r) => ({ node: r.node, containerPort: r.containerPort, hostPort: r.hostPort })),
      signals: Object.fromEntries(i.nodeInstances.filter((n) => n.signal).map((n) => [n.nodeInstanceId, n.signal!])),
      // Said only when on: the specs (and revisions) of every other instance stay as they were.
      ...(i.snapshotIntervalSeconds > 0 ? { snapshotIntervalSeconds: i.snapshotIntervalSeconds } : {}),
      ...(await this.runtimeRole(i)),
    };
    // File URLs are signed anew each time; the revision is of everything else.
    const unsigned = { ...spec, files: Object.fromEntries(Object.entries(files).map(([sha256, f]) => [sha256, f.sizeBytes])) };
    return { revision: createHash('sha256').update(JSON.stringify(unsigned)).digest('hex').slice(0, REVISION_LENGTH), ...spec };
  }
}
