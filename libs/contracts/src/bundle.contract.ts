import { z } from 'zod';

const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address');

const ethernetConfiguration = z
  .object({
    connectionType: z.enum(['DHCP', 'STATIC_IP']),
    staticIpConnectionInfo: z
      .object({
        ipAddress: ipv4,
        mask: ipv4,
        defaultGateway: ipv4,
        dns: z.array(ipv4).min(1).max(4),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((e) => e.connectionType === 'DHCP' || e.staticIpConnectionInfo, {
    message: 'staticIpConnectionInfo is required when connectionType is STATIC_IP',
  });

/** Panorama's advanced network settings (its NetworkPayload): per port DHCP, or a static address with DNS; optional NTP servers. */
export const networkingConfiguration = z
  .object({
    ethernet0: ethernetConfiguration.optional(),
    ethernet1: ethernetConfiguration.optional(),
    ntp: z.object({ ntpServers: z.array(z.string().min(1).max(255)).min(1).max(5) }).strict().optional(),
  })
  .strict();
export type NetworkingConfiguration = z.infer<typeof networkingConfiguration>;

/** `config.json` inside certificates-omni_<name>.zip. */
export const bundleConfig = z.object({
  version: z.literal(1),
  thingName: z.string(),
  deviceName: z.string(),
  endpoint: z.object({ host: z.string(), port: z.number().int() }),
  provisioningTemplate: z.string(),
  claimExpiresAt: z.string(),
  certificates: z.object({ claimCertificate: z.string(), claimPrivateKey: z.string(), rootCa: z.string() }),
  networking: networkingConfiguration.default({}),
});
export type BundleConfig = z.infer<typeof bundleConfig>;

export const BUNDLE_FILES = {
  config: 'config.json',
  claimCertificate: 'certificates/claim.pem.crt',
  claimPrivateKey: 'certificates/claim.pem.key',
  rootCa: 'certificates/root-ca.pem',
} as const;
