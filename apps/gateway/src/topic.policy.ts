import {
  CREATE_CERTIFICATE_FROM_CSR_TOPIC,
  CREATE_KEYS_AND_CERTIFICATE_TOPIC,
  REGISTER_THING_TOPIC,
} from '@edgefleet/contracts';
import type { DeviceIdentity } from '@edgefleet/provisioning';

/** Who is on the other end of a connection, as its certificate says. */
export type Identity = DeviceIdentity;

/** Topics only the server publishes: responses and events (AWS IoT reserves them). */
const SERVER_ONLY = /(^\$aws\/events\/)|\/(accepted|rejected|delta|documents|notify|notify-next)$/;

const isProvisioningRequest = (topic: string) =>
  topic === CREATE_CERTIFICATE_FROM_CSR_TOPIC || topic === CREATE_KEYS_AND_CERTIFICATE_TOPIC || REGISTER_THING_TOPIC.test(topic);

const isProvisioningResponse = (topic: string) => {
  const m = /^(.*)\/(accepted|rejected)$/.exec(topic);
  return m !== null && isProvisioningRequest(m[1]);
};

const deviceScopes = (thingName: string) => [`$aws/things/${thingName}/`, `edgefleet/things/${thingName}/`];

/**
 * AWS IoT's policy model: a claim may only use the fleet-provisioning topics; a
 * device only topics under its own thing name; nobody publishes server topics.
 */
export function mayPublish(identity: Identity, topic: string): boolean {
  if (SERVER_ONLY.test(topic)) return false;
  if (identity.kind === 'claim') return isProvisioningRequest(topic);
  return deviceScopes(identity.thingName).some((scope) => topic.startsWith(scope));
}

/** Topics of the device's own thing: by `maySubscribe`, no other client can subscribe to them. */
export const isOwnTopic = (identity: Identity, topic: string) => identity.kind === 'device' && deviceScopes(identity.thingName).some((scope) => topic.startsWith(scope));

export function maySubscribe(identity: Identity, filter: string): boolean {
  if (identity.kind === 'claim') return isProvisioningResponse(filter);
  // A filter is allowed only if every topic it can match is in scope: it must begin with the literal scope prefix.
  return deviceScopes(identity.thingName).some((scope) => filter.startsWith(scope));
}

/**
 * Retained messages live in the gateways' Redis until replaced, so a device may retain only on
 * its own `edgefleet/things/<thing>/…` topics, up to `maxBytes` each (an empty payload clears
 * one). Never on `$aws/…`: those are requests to the services, not state to replay.
 */
export function mayRetain(identity: Identity, topic: string, bytes: number, maxBytes: number): boolean {
  return identity.kind === 'device' && topic.startsWith(`edgefleet/things/${identity.thingName}/`) && bytes <= maxBytes;
}

/** Fleet-provisioning responses go only to the client that asked (see MqttGateway.reply). */
export const isPrivateResponse = isProvisioningResponse;
