import type { Command } from 'commander';
import path from 'node:path';
import {
  DeleteDeviceDocument,
  DeviceDocument,
  DeviceJobsDocument,
  DeviceShadowDocument,
  DevicesDocument,
  type DevicesQuery,
  type DeviceAggregatedStatus,
  type DeviceBrand,
  type DeviceFilterInput,
  ApplicationsDocument,
  ProvisionDeviceDocument,
} from '@edgefleet/client';
import { type Context, action, collect, integer, oneOf, parseTags } from '../context';
import type { Column } from '../output';
import { writeSecretFile } from '../settings';

type DeviceRow = DevicesQuery['devices']['edges'][number]['node'];

const AGGREGATED_STATUSES: Record<DeviceAggregatedStatus, true> = {
  ONLINE: true, OFFLINE: true, UPDATE_NEEDED: true, REBOOTING: true, AWAITING_PROVISIONING: true, PENDING: true, FAILED: true, DELETING: true, ERROR: true, LEASE_EXPIRED: true,
};
const BRANDS: Record<DeviceBrand, true> = { AWS_PANORAMA: true, LENOVO: true };

export const DEVICE_COLUMNS: Column<DeviceRow>[] = [
  ['DEVICE ID', (d) => d.deviceId],
  ['NAME', (d) => d.name],
  ['STATUS', (d) => d.deviceAggregatedStatus],
  ['CONNECTION', (d) => d.deviceConnectionStatus],
  ['SOFTWARE', (d) => d.currentSoftware],
  ['LAST SEEN', (d) => d.lastSeenAt],
];

/** Every page when `all`, else the first `first` devices. */
async function listDevices(ctx: Context, filter: DeviceFilterInput, first: number, all: boolean) {
  const devices: DeviceRow[] = [];
  let after: string | null = null;
  let total = 0;
  do {
    const page: DevicesQuery = await ctx.api.data(DevicesDocument, { first, after, filter, orderBy: { field: 'CREATED_TIME', order: 'DESCENDING' } });
    devices.push(...page.devices.edges.map((e) => e.node));
    total = page.devices.totalCount;
    after = page.devices.pageInfo.hasNextPage ? page.devices.pageInfo.endCursor : null;
  } while (all && after);
  return { devices, total, more: after !== null };
}

export function devicesCommand(program: Command): void {
  const devices = program.command('devices').description('Devices: list, describe, provision (writes the certificates bundle), delete.');

  devices
    .command('list')
    .description('Devices of your organization, newest first.')
    .option('--status <status>', `only this aggregated status (${Object.keys(AGGREGATED_STATUSES).join(', ')})`, oneOf('--status', AGGREGATED_STATUSES))
    .option('--name-contains <text>', 'only devices whose name contains this')
    .option('--tag <key[=value]>', 'only devices with this tag (repeatable)', collect)
    .option('--first <n>', 'devices per page (at most 100)', integer('--first', 1, 100), 20)
    .option('--all', 'every page, not just the first')
    .action(
      action(async (ctx, opts: { status?: DeviceAggregatedStatus; nameContains?: string; tag?: string[]; first: number; all?: boolean }) => {
        const filter: DeviceFilterInput = { deviceAggregatedStatus: opts.status, nameContains: opts.nameContains, tags: parseTags(opts.tag) };
        const { devices: rows, total, more } = await listDevices(ctx, filter, opts.first, opts.all ?? false);
        ctx.out.list(rows, DEVICE_COLUMNS, { totalCount: total, devices: rows });
        if (more) ctx.out.note(`${rows.length} of ${total} devices; --all lists every page.`);
      }),
    );

  devices
    .command('describe <deviceId>')
    .description('One device: status, networking, recent jobs, applications, and (with --shadow) a shadow document.')
    .option('--shadow <name>', 'also print this shadow document (system, applications, or "classic")')
    .action(
      action(async (ctx, deviceId: string, opts: { shadow?: string }) => {
        const [{ device }, jobs, apps, shadow] = await Promise.all([
          ctx.api.data(DeviceDocument, { deviceId }),
          ctx.api.data(DeviceJobsDocument, { deviceId, first: 10 }),
          ctx.api.data(ApplicationsDocument, { first: 25, filter: { deviceId } }),
          opts.shadow ? ctx.api.data(DeviceShadowDocument, { deviceId, shadowName: opts.shadow === 'classic' ? null : opts.shadow }) : Promise.resolve(undefined),
        ]);
        const json = { device, jobs: jobs.devicesJobs.edges.map((e) => e.node), applications: apps.applicationInstances.edges.map((e) => e.node), ...(shadow ? { shadow: shadow.deviceShadow } : {}) };
        const net = device.currentNetworkingStatus;
        ctx.out.record(json, [
          ['Device ID', device.deviceId],
          ['Name', device.name],
          ['Description', device.description],
          ['ARN', device.arn],
          ['Type', device.type],
          ['Serial number', device.serialNumber],
          ['Status', device.deviceAggregatedStatus],
          ['Provisioning', device.provisioningStatus + (device.provisioningStatusReason ? ` (${device.provisioningStatusReason})` : '')],
          ['Connection', device.deviceConnectionStatus],
          ['Software', device.currentSoftware],
          ['Latest software', device.latestSoftware],
          ['Last seen', device.lastSeenAt],
          ['Ethernet 0', net?.ethernet0Status ? `${net.ethernet0Status.ipAddress} ${net.ethernet0Status.connectionStatus} ${net.ethernet0Status.hwAddress}` : null],
          ['Ethernet 1', net?.ethernet1Status ? `${net.ethernet1Status.ipAddress} ${net.ethernet1Status.connectionStatus} ${net.ethernet1Status.hwAddress}` : null],
          ['NTP', net?.ntpStatus ? `${net.ntpStatus.ntpServerName ?? '-'} ${net.ntpStatus.connectionStatus}` : null],
          ['Tags', device.tags.map((t) => (t.value ? `${t.key}=${t.value}` : t.key))],
          ['Created', device.createdTime],
        ]);
        if (ctx.out.format === 'json') return;
        ctx.out.section('Jobs');
        ctx.out.list(json.jobs, [
          ['JOB ID', (j) => j.jobId],
          ['TYPE', (j) => j.jobType],
          ['STATUS', (j) => j.status],
          ['IMAGE', (j) => j.imageVersion],
          ['CREATED', (j) => j.createdTime],
        ]);
        ctx.out.section('Applications');
        ctx.out.list(json.applications, [
          ['APPLICATION INSTANCE ID', (a) => a.applicationInstanceId],
          ['NAME', (a) => a.name],
          ['STATUS', (a) => a.status],
          ['HEALTH', (a) => a.healthStatus],
        ]);
        if (shadow) {
          ctx.out.section(`Shadow ${opts.shadow}`);
          ctx.out.json(shadow.deviceShadow);
        }
      }),
    );

  devices
    .command('provision <name>')
    .description('Registers a device and writes its provisioning bundle, certificates-omni_<name>.zip (copy it to the appliance; its claim lasts 5 minutes).')
    .option('--description <text>', 'a description')
    .option('--tag <key[=value]>', 'a tag (repeatable)', collect)
    .option('--out <dir>', 'where to write the bundle', '.')
    .option('--brand <brand>', `the appliance brand (${Object.keys(BRANDS).join(', ')})`, oneOf('--brand', BRANDS))
    .action(
      action(async (ctx, name: string, opts: { description?: string; tag?: string[]; out: string; brand?: DeviceBrand }) => {
        const { provisionDevice: p } = await ctx.api.data(ProvisionDeviceDocument, { input: { name, description: opts.description, tags: parseTags(opts.tag), brand: opts.brand } });
        const file = path.resolve(opts.out, `certificates-omni_${name}.zip`);
        writeSecretFile(file, Buffer.from(p.certificates, 'base64')); // the claim's private key is in it
        const { certificates: _bundle, ...json } = p;
        ctx.out.record({ ...json, bundle: file }, [
          ['Device ID', p.deviceId],
          ['Status', p.status],
          ['Bundle', file],
          ['Claim expires', p.expiresAt],
        ]);
      }),
    );

  devices
    .command('delete <deviceId>')
    .description('Deregisters a device: it moves to DELETING; the worker revokes its certificates and removes it.')
    .action(
      action(async (ctx, deviceId: string) => {
        const { deleteDevice: d } = await ctx.api.data(DeleteDeviceDocument, { deviceId });
        ctx.out.record(d, [
          ['Device ID', d.deviceId],
          ['Name', d.name],
          ['Status', d.provisioningStatus],
        ]);
      }),
    );
}
