import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { NetworkingConfiguration, SystemReport } from '@edgefleet/contracts';
import type { RuntimeReport } from './applications/application.runtime';

type Ethernet = NonNullable<NonNullable<SystemReport['networking']>['ethernet0']>;

const NOT_CONNECTED: Ethernet = { ipAddress: '--', connectionStatus: 'NOT_CONNECTED', hwAddress: '--' };

/** The host's first two external IPv4 interfaces, as Panorama's Ethernet0/Ethernet1. */
export function hostNetworking(): { ethernet0: Ethernet; ethernet1: Ethernet } {
  const ports = Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => ({ ipAddress: i.cidr ?? i.address, connectionStatus: 'CONNECTED' as const, hwAddress: i.mac.toUpperCase() }));
  return { ethernet0: ports[0] ?? NOT_CONNECTED, ethernet1: ports[1] ?? NOT_CONNECTED };
}

/** Serial from the command line, else the machine id. */
export function hostSerial(explicit?: string): string | undefined {
  if (explicit) return explicit;
  try {
    return readFileSync('/etc/machine-id', 'utf8').trim().slice(0, 16).toUpperCase() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The device's self-report. The network settings of its bundle are reported back as the device
 * has them (`networkingConfiguration`), with the NTP server it was told to use; the ports'
 * addresses are the host's own, which the reference agent does not change.
 */
export function hostSystemReport(opts: { serial?: string; softwareVersion: string; networking?: NetworkingConfiguration; runtime?: RuntimeReport; cameras?: SystemReport['cameras'] }): SystemReport {
  const { architecture, ...runtime } = opts.runtime ?? { status: 0, message: 'RUNNING' };
  const ntpServer = opts.networking?.ntp?.ntpServers[0];
  return {
    currentSoftware: opts.softwareVersion,
    serialNumber: hostSerial(opts.serial),
    deviceType: 'PANORAMA_APPLIANCE',
    networking: hostNetworking(),
    ...(opts.networking && Object.keys(opts.networking).length ? { networkingConfiguration: opts.networking } : {}),
    ...(ntpServer ? { ntp: { ntpServerName: ntpServer } } : {}),
    runtime,
    ...(architecture ? { architecture } : {}),
    uptimeSeconds: Math.round(os.uptime()),
    ...(opts.cameras ? { cameras: opts.cameras } : {}),
  };
}
