import { strFromU8, unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { BUNDLE_FILES, type BundleConfig, bundleConfig } from '@edgefleet/contracts';

export class AgentError extends Error {
  override name = 'AgentError';
}

export interface Bundle {
  config: BundleConfig;
  claimCertificatePem: string;
  claimPrivateKeyPem: string;
  rootCaPem: string;
}

/** Reads certificates-omni_<name>.zip; a damaged or incomplete bundle is a clear error. */
export function readBundle(zipPath: string): Bundle {
  let zip: Buffer;
  try {
    zip = readFileSync(zipPath);
  } catch {
    throw new AgentError(`No bundle at ${zipPath}.`);
  }
  return parseBundle(zip, zipPath);
}

export function parseBundle(zip: Uint8Array, name = 'bundle'): Bundle {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch {
    throw new AgentError(`The bundle ${name} is damaged (not a readable ZIP file). Download a new one with provisionDevice.`);
  }
  const text = (name: string) => {
    const file = files[name];
    if (!file) throw new AgentError(`The bundle is incomplete: ${name} is missing. Download a new one with provisionDevice.`);
    return strFromU8(file);
  };
  let config: BundleConfig;
  try {
    config = bundleConfig.parse(JSON.parse(text(BUNDLE_FILES.config)));
  } catch (err) {
    if (err instanceof AgentError) throw err;
    throw new AgentError(`The bundle's ${BUNDLE_FILES.config} is damaged. Download a new one with provisionDevice.`);
  }
  return {
    config,
    claimCertificatePem: text(config.certificates.claimCertificate),
    claimPrivateKeyPem: text(config.certificates.claimPrivateKey),
    rootCaPem: text(config.certificates.rootCa),
  };
}
