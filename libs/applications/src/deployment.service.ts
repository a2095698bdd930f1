import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { createHash } from 'node:crypto';
import { APPLICATIONS_SHADOW, type ApplicationsDesired, type InstanceSpec, REVISION_LENGTH, type ReportedInstance, deploymentSpecsPath } from '@edgefleet/contracts';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import { DomainError, IN_DESIRED_STATE_STATUSES, REPORTED_EVENTS, SETTLED_STATUSES, type ResolvedGraph, STATUS_DESCRIPTIONS, type ApplicationInstanceEvent, notFound } from '@edgefleet/domain';
import { ShadowStore } from '@edgefleet/iot';
import { OrganizationService } from '@edgefleet/organizations';
import { PackageCatalogue, PackageService } from '@edgefleet/packages';
import { type ApplicationInstanceRow, hostPortsOf, nodeInstancesOf, syncLater } from './application-instance.service';
import { moveInstances, withdrawInstances } from './application-instance.transitions';
import { ApplicationEventsPublisher } from './application-events.publisher';

const ACTOR = 'system:worker';

const NODE_STATUSES = new Set(['RUNNING', 'ERROR', 'NOT_AVAILABLE', 'PAUSED']);
const HEALTH = new Set(['RUNNING', 'ERROR', 'NOT_AVAILABLE']);
/** Writes of a device's desired state that lost to another write before one holds. */
const MAX_WRITE_ATTEMPTS = 20;

type SpecSource = ApplicationInstanceRow & { nodeInstances: { nodeInstanceId: string; signal: string | null }[] };

/**
 * The worker's half of deployments: the device's desired `applications` state is always
 * written whole from its instance rows (so every change, retry and replay converges): each
 * instance by the revision of its spec, which the device fetches (`spec`) through the signed
 * URL of its specs. Its reported state is followed back into the rows, and entries the rows
 * have taken in for good are cleared, so the shadow keeps room for ten instances.
 */
@Injectable()
export class DeploymentService {
  private readonly logger = new Logger(DeploymentService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly shadows: ShadowStore,
    private readonly catalogue: PackageCatalogue,
    private readonly packages: PackageService,
    private readonly events: ApplicationEventsPublisher,
    private readonly organizations: OrganizationService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Syncs of one device, one after the other in this process (so they do not write over each other for nothing). */
  private readonly syncs = new Map<string, Promise<void>>();

  /**
   * Checks pending deployments again, requests pending removals, and writes the device's desired
   * state. Two syncs that read the rows at different moments must not write them back in the other
   * order (an instance just requested nulled, one just removed written again): each sync of a
   * device waits for the one before it in this process, and across processes the write holds only
   * if the shadow is still at the version read before the rows (AWS IoT's optimistic locking);
   * otherwise it reads again.
   */
  syncDevice(deviceId: string): Promise<void> {
    const run = (this.syncs.get(deviceId) ?? Promise.resolve()).then(() => this.writeDesired(deviceId));
    const tail = run.catch(() => undefined);
    this.syncs.set(deviceId, tail);
    void tail.then(() => this.syncs.get(deviceId) === tail && this.syncs.delete(deviceId));
    return run;
  }

  private async writeDesired(deviceId: string): Promise<void> {
    const pending = await this.prisma.applicationInstance.findMany({ where: { defaultRuntimeContextDevice: deviceId, status: 'DEPLOYMENT_PENDING' }, orderBy: { createdAt: 'asc' } });
    for (const instance of pending) await this.request(instance);
    await this.prisma.$transaction((tx) =>
      moveInstances(tx, this.config, { event: 'REQUEST_REMOVAL', where: Prisma.sql`t."defaultRuntimeContextDevice" = ${deviceId}`, actor: ACTOR }),
    );
    for (let attempt = 1; ; attempt++) {
      // The shadow before the rows: whatever a sync wrote, it wrote from rows this one reads too.
      const current = (await this.shadows.get(deviceId, APPLICATIONS_SHADOW).catch(() => ({}))) as { state?: { desired?: ApplicationsDesired }; version?: number };
      const instances = await this.prisma.applicationInstance.findMany({
        where: { defaultRuntimeContextDevice: deviceId, status: { in: [...IN_DESIRED_STATE_STATUSES] } },
        include: { nodeInstances: true },
      });
      const wanted: Record<string, string | null> = {};
      for (const i of instances) wanted[i.applicationInstanceId] = (await this.specOf(i)).revision;
      // Instances the device had that are no longer wanted: null removes them from desired state.
      for (const id of Object.keys(current.state?.desired?.instances ?? {})) if (!(id in wanted)) wanted[id] = null;
      if (Object.keys(wanted).length === 0) return;
      const specs = this.packages.signer.sign('GET', deploymentSpecsPath(deviceId), this.config.DEPLOYMENT_URL_TTL_SECONDS).url;
      try {
        await this.shadows.update(deviceId, APPLICATIONS_SHADOW, { desired: { specs, instances: wanted } satisfies ApplicationsDesired }, current.version);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // Written meanwhile (a report, another sync): read again.
        if (err.reason === 'VERSION_CONFLICT' && attempt < MAX_WRITE_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
          continue;
        }
        // Too large for the device's shadow (SHADOW_MAX_BYTES): the deployments not yet on the device fail, saying why; the rest is written again.
        if (err.code !== 'VALIDATION_FAILED') throw err;
        await this.prisma.$transaction(async (tx) => {
          const failed = await moveInstances(tx, this.config, {
            event: 'FAIL',
            where: Prisma.sql`t."defaultRuntimeContextDevice" = ${deviceId} AND t.status = 'DEPLOYMENT_REQUESTED'`,
            actor: ACTOR,
            description: `The device's applications shadow cannot hold this deployment: ${err.message}`,
          });
          if (failed.length) await syncLater(tx, deviceId);
        });
        return;
      }
      await this.events.updated(deviceId, instances.map((i) => i.applicationInstanceId));
      return;
    }
  }

  /** A pending deployment, checked against today's catalogue and quotas: requested, or failed with the reason. */
  private async request(instance: ApplicationInstanceRow): Promise<void> {
    const others = await this.prisma.applicationInstance.findMany({
      where: { defaultRuntimeContextDevice: instance.defaultRuntimeContextDevice, status: { in: [...IN_DESIRED_STATE_STATUSES] }, applicationInstanceId: { notIn: [instance.applicationInstanceId, ...(instance.applicationInstanceIdToReplace ? [instance.applicationInstanceIdToReplace] : [])] } },
      select: { resolvedGraph: true },
    });
    const overrides = instance.manifestOverridesPayload === null ? null : JSON.stringify(instance.manifestOverridesPayload);
    const validation = await this.catalogue.validate(instance.organizationId, JSON.stringify(instance.manifestPayload), overrides, hostPortsOf(others));
    const where = Prisma.sql`t."applicationInstanceId" = ${instance.applicationInstanceId}`;
    await this.prisma.$transaction(async (tx) => {
      if (!validation.valid) {
        const reason = `The manifest no longer checks: ${validation.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`;
        await moveInstances(tx, this.config, { event: 'FAIL', where, actor: ACTOR, description: reason });
        return;
      }
      // The graph as it resolves now (a newer latest patch, say), with its node instances.
      await tx.nodeInstance.deleteMany({ where: { applicationInstanceId: instance.applicationInstanceId } });
      await tx.nodeInstance.createMany({ data: nodeInstancesOf(instance.applicationInstanceId, validation.graph!) });
      await moveInstances(tx, this.config, { event: 'REQUEST', where, actor: ACTOR, description: STATUS_DESCRIPTIONS.validated, set: [Prisma.sql`"resolvedGraph" = ${JSON.stringify(validation.graph)}::jsonb`] });
    });
  }

  /**
   * The spec of an instance the device's desired state names, as its signed specs URL serves it
   * (`/deployments/<thing>/<instance>`): as it is now, its files' URLs signed now. Any other
   * instance, another device's included, reads as not found.
   */
  async spec(deviceId: string, applicationInstanceId: string): Promise<InstanceSpec> {
    const instance = await this.prisma.applicationInstance.findFirst({
      where: { applicationInstanceId, defaultRuntimeContextDevice: deviceId, status: { in: [...IN_DESIRED_STATE_STATUSES] } },
      include: { nodeInstances: true },
    });
    if (!instance) throw notFound('Application instance', applicationInstanceId);
    return this.specOf(instance);
  }

  /** The instance as the device needs it: packages, files with signed URLs and digests, nodes, edges, ports, signals, and the revision of all that. */
  private async specOf(i: SpecSource): Promise<InstanceSpec> {
    const graph = i.resolvedGraph as unknown as ResolvedGraph;
    const prefix = `${await this.organizations.accountId(i.organizationId)}::`;
    const files: InstanceSpec['files'] = {};
    /** Per package: a camera's stream URL, or the files of each interface's asset. */
    const byPackage = new Map<string, { streamUrl?: string; interfaces: Map<string, { asset: string; descriptor: string }> }>();
    for (const p of graph.packages) {
      if (!p.patchVersion || !p.name.startsWith(prefix)) continue;
      const version = await this.prisma.packageVersion.findFirst({
        where: { package: { organizationId: i.organizationId, packageName: p.name.slice(prefix.length) }, packageVersion: p.version, patchVersion: p.patchVersion },
        include: { package: { include: { assets: true } } },
      });
      if (!version) throw new DomainError('PACKAGE_VERSION_NOT_FOUND', `${p.name} ${p.version} (${p.patchVersion}) is no longer registered.`);
      const manifest = version.descriptor as {
        nodePackage?: { assets?: { name: string; implementations: { assetUri: string; descriptorUri: string }[] }[]; interfaces?: { name: string; asset?: string }[] };
        mediaSource?: { streamUrl: string };
      };
      const sizes = new Map(version.package.assets.map((a) => [a.sha256, Number(a.sizeBytes)]));
      const file = (uri: string) => {
        const sha256 = uri.split('.')[0];
        files[sha256] = { url: this.packages.downloadUrl(sha256, this.config.DEPLOYMENT_URL_TTL_SECONDS), sizeBytes: sizes.get(sha256) ?? 0 };
        return sha256;
      };
      const interfaces = new Map<string, { asset: string; descriptor: string }>();
      for (const iface of manifest.nodePackage?.interfaces ?? []) {
        const impl = manifest.nodePackage?.assets?.find((a) => a.name === iface.asset)?.implementations[0];
        if (impl) interfaces.set(iface.name, { asset: file(impl.assetUri), descriptor: file(impl.descriptorUri) });
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
        return { name: n.name, interface: n.interface, category: n.category, launch: n.launch, value: n.value, streamUrl: pkg?.streamUrl ?? null, asset: code?.asset ?? null, descriptor: code?.descriptor ?? null };
      }),
      edges: graph.edges,
      ports: graph.networkRoutingRules.map((r) => ({ node: r.node, containerPort: r.containerPort, hostPort: r.hostPort })),
      signals: Object.fromEntries(i.nodeInstances.filter((n) => n.signal).map((n) => [n.nodeInstanceId, n.signal!])),
    };
    // File URLs are signed anew each time; the revision is of everything else.
    const unsigned = { ...spec, files: Object.fromEntries(Object.entries(files).map(([sha256, f]) => [sha256, f.sizeBytes])) };
    return { revision: createHash('sha256').update(JSON.stringify(unsigned)).digest('hex').slice(0, REVISION_LENGTH), ...spec };
  }

  /**
   * Follows the device's reported `applications` state: instance statuses (through the
   * machine: a report that does not fit the current status changes nothing), health, and node
   * statuses. A replacement that runs removes the instance it replaced; one that failed leaves
   * it running and says so.
   */
  async projectReport(deviceId: string): Promise<void> {
    const shadow = (await this.shadows.get(deviceId, APPLICATIONS_SHADOW).catch(() => undefined)) as { state?: { reported?: { instances?: Record<string, ReportedInstance | null> } } } | undefined;
    const reported = shadow?.state?.reported?.instances ?? {};
    const ids = Object.keys(reported);
    if (ids.length === 0) return;
    const instances = await this.prisma.applicationInstance.findMany({ where: { defaultRuntimeContextDevice: deviceId, applicationInstanceId: { in: ids } } });
    let resync = false;
    const settled: string[] = [];
    await this.prisma.$transaction(async (tx) => {
      for (const instance of instances) {
        const r = reported[instance.applicationInstanceId];
        if (!r) continue;
        const where = Prisma.sql`t."applicationInstanceId" = ${instance.applicationInstanceId}`;
        let event: ApplicationInstanceEvent | undefined = r.status ? REPORTED_EVENTS[r.status as string] : undefined;
        const reason = typeof r.reason === 'string' ? r.reason.slice(0, 1000) : null;
        const replaced = instance.applicationInstanceIdToReplace;
        if (event === 'SUCCEED' || event === 'FAIL' || event === 'ERROR') {
          const description = event === 'SUCCEED' ? STATUS_DESCRIPTIONS.deployed : (reason ?? 'The device could not run the application.');
          // A failed replacement is DEPLOYMENT_FAILED: the device went back to the instance it was to replace.
          if (event === 'ERROR' && replaced) event = 'FAIL';
          const moved = await moveInstances(tx, this.config, { event, where, actor: `device:${deviceId}`, description });
          if (moved.length > 0 && replaced) {
            resync = true;
            if (event === 'SUCCEED') await this.retire(tx, replaced, instance.applicationInstanceId);
            else await tx.applicationInstance.updateMany({ where: { applicationInstanceId: replaced }, data: { statusDescription: `Still running: its replacement ${instance.applicationInstanceId} failed: ${description}` } });
          }
          if (moved.length > 0 && event !== 'SUCCEED') resync = true; // drop it from the desired state
        } else if (event) {
          await moveInstances(tx, this.config, { event, where, actor: `device:${deviceId}`, description: event === 'REMOVED' ? STATUS_DESCRIPTIONS.removed : reason ?? undefined });
          if (event === 'REMOVED' || event === 'FAIL_REMOVAL') resync = true;
        }
        if (r.healthStatus && HEALTH.has(r.healthStatus)) {
          await tx.applicationInstance.updateMany({ where: { applicationInstanceId: instance.applicationInstanceId, healthStatus: { not: r.healthStatus as never } }, data: { healthStatus: r.healthStatus as never } });
        }
        for (const [nodeInstanceId, n] of Object.entries(r.nodes ?? {})) {
          if (!n?.currentStatus || !NODE_STATUSES.has(n.currentStatus)) continue;
          await tx.nodeInstance.updateMany({
            where: { applicationInstanceId: instance.applicationInstanceId, nodeInstanceId },
            data: { currentStatus: n.currentStatus as never, statusReason: typeof n.reason === 'string' ? n.reason.slice(0, 1000) : null },
          });
        }
      }
      if (resync) await syncLater(tx, deviceId);
      // What the rows hold for good (removed, failed, or not this device's) needs no entry any more.
      const open = await tx.applicationInstance.findMany({
        where: { applicationInstanceId: { in: ids }, defaultRuntimeContextDevice: deviceId, status: { notIn: [...SETTLED_STATUSES] } },
        select: { applicationInstanceId: true },
      });
      const needed = new Set(open.map((i) => i.applicationInstanceId));
      settled.push(...ids.filter((id) => !needed.has(id) && reported[id] !== null));
    });
    // Cleared from the reported state (the device, seeing its entry gone, forgets it): the shadow keeps room for ten instances.
    if (settled.length) await this.shadows.update(deviceId, APPLICATIONS_SHADOW, { reported: { instances: Object.fromEntries(settled.map((id) => [id, null])) } });
    await this.events.updated(deviceId, instances.map((i) => i.applicationInstanceId));
  }

  /** The instance a successful replacement replaced: removed (the device stopped it), saying by which. */
  private retire(tx: Tx, applicationInstanceId: string, by: string) {
    return withdrawInstances(tx, this.config, Prisma.sql`t."applicationInstanceId" = ${applicationInstanceId}`, ACTOR, `Replaced by ${by}.`);
  }

  /** Deployment steps past their deadline: failed, and dropped from their device's desired state. */
  async sweep(): Promise<string[]> {
    const moved = await this.prisma.$transaction(async (tx) => {
      const late = Prisma.sql`t."timeoutAt" < now()`;
      const reason = Prisma.sql`'Timed out while ' || sel."from"`;
      const a = await moveInstances(tx, this.config, { event: 'FAIL', where: late, actor: ACTOR, description: reason });
      const b = await moveInstances(tx, this.config, { event: 'FAIL_REMOVAL', where: late, actor: ACTOR, description: reason });
      const devices = [...new Set([...a, ...b].map((m) => m.defaultRuntimeContextDevice))];
      for (const deviceId of devices) await syncLater(tx, deviceId);
      return [...a, ...b];
    });
    if (moved.length) this.logger.warn({ instances: moved.map((m) => m.applicationInstanceId) }, 'deployment steps timed out');
    return moved.map((m) => m.applicationInstanceId);
  }
}
