import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 26 lowercase base32 characters from 130 random bits, as in Panorama's ids. */
function randomId26(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** `<prefix>-<26 lowercase base32>`, Panorama's id shape (device-…, package-…, applicationInstance-…). */
export const newId = (prefix: string) => `${prefix}-${randomId26()}`;
export const newDeviceId = () => newId('device');

export const deviceArn = (region: string, accountId: string, deviceId: string) =>
  `arn:aws:panorama:${region}:${accountId}:device/${deviceId}`;

export const packageArn = (region: string, accountId: string, packageId: string) =>
  `arn:aws:panorama:${region}:${accountId}:package/${packageId}`;

export const applicationInstanceArn = (region: string, accountId: string, applicationInstanceId: string) =>
  `arn:aws:panorama:${region}:${accountId}:applicationInstance/${applicationInstanceId}`;

export const thingGroupArn = (region: string, accountId: string, name: string) => `arn:aws:iot:${region}:${accountId}:thinggroup/${name}`;
