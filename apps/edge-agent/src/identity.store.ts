import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NetworkingConfiguration } from '@edgefleet/contracts';

/** The device's own identity after provisioning: its certificate and key (0600), the CA and where to connect. */
export interface DeviceIdentity {
  thingName: string;
  endpoint: { host: string; port: number };
  certificatePem: string;
  privateKeyPem: string;
  rootCaPem: string;
  /** The network settings of its bundle, which the device applies and reports back. */
  networking?: NetworkingConfiguration;
}

const FILES = { meta: 'identity.json', cert: 'device.pem.crt', key: 'device.pem.key', ca: 'root-ca.pem' };
/** The secure tunnels the device has joined (their tokens, 0600): they belong to the identity and go with it. */
export const TUNNELS_FILE = 'tunnels.json';

export function loadIdentity(dataDir: string): DeviceIdentity | undefined {
  const meta = path.join(dataDir, FILES.meta);
  if (!existsSync(meta)) return undefined;
  const { thingName, endpoint, networking } = JSON.parse(readFileSync(meta, 'utf8')) as Pick<DeviceIdentity, 'thingName' | 'endpoint' | 'networking'>;
  return {
    thingName,
    endpoint,
    networking,
    certificatePem: readFileSync(path.join(dataDir, FILES.cert), 'utf8'),
    privateKeyPem: readFileSync(path.join(dataDir, FILES.key), 'utf8'),
    rootCaPem: readFileSync(path.join(dataDir, FILES.ca), 'utf8'),
  };
}

export function saveIdentity(dataDir: string, identity: DeviceIdentity): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dataDir, FILES.key), identity.privateKeyPem, { mode: 0o600 });
  chmodSync(path.join(dataDir, FILES.key), 0o600);
  writeFileSync(path.join(dataDir, FILES.cert), identity.certificatePem, { mode: 0o600 });
  writeFileSync(path.join(dataDir, FILES.ca), identity.rootCaPem);
  // Written last: its presence means the identity is complete.
  writeFileSync(path.join(dataDir, FILES.meta), JSON.stringify({ thingName: identity.thingName, endpoint: identity.endpoint, networking: identity.networking }, null, 2));
}

/**
 * The guide's reset modes: `identity` forgets the device's certificate and key (applications and
 * their data stay, for the identity a new bundle brings); `all` empties the data directory.
 */
export function resetDevice(dataDir: string, mode: 'identity' | 'all'): void {
  if (!existsSync(dataDir)) return;
  // The identity's marker first: a reset cut short leaves no half identity behind.
  const files = mode === 'all' ? readdirSync(dataDir) : [FILES.meta, FILES.cert, FILES.key, FILES.ca, TUNNELS_FILE];
  for (const f of files) rmSync(path.join(dataDir, f), { recursive: true, force: true });
}
