import { type Identity, isPrivateResponse, mayPublish, mayRetain, maySubscribe } from './topic.policy';

const device: Identity = { kind: 'device', thingName: 'device-aaaa', certificateId: 'c1' };
const claim: Identity = { kind: 'claim', thingName: 'device-aaaa', certificateId: 'c2' };

describe('topic policy', () => {
  it.each([
    [device, '$aws/things/device-aaaa/shadow/name/system/update', true],
    [device, 'edgefleet/things/device-aaaa/telemetry', true],
    [device, '$aws/things/device-bbbb/shadow/update', false],
    [device, '$aws/things/device-aaaa-evil/shadow/update', false],
    [device, '$aws/things/device-aaaa/shadow/update/accepted', false],
    [device, '$aws/things/device-aaaa/shadow/update/delta', false],
    [device, '$aws/things/device-aaaa/shadow/update/documents', false],
    [device, '$aws/things/device-aaaa/jobs/notify-next', false],
    [device, '$aws/events/presence/connected/device-aaaa', false],
    [device, '$aws/certificates/create-from-csr/json', false],
    [device, 'anything/else', false],
    [claim, '$aws/certificates/create-from-csr/json', true],
    [claim, '$aws/certificates/create/json', true],
    [claim, '$aws/provisioning-templates/edgefleet-fleet-provisioning/provision/json', true],
    [claim, '$aws/certificates/create-from-csr/json/accepted', false],
    [claim, '$aws/things/device-aaaa/shadow/update', false],
  ] as const)('%j may publish %s: %s', (identity, topic, allowed) => {
    expect(mayPublish(identity, topic)).toBe(allowed);
  });

  it.each([
    [device, '$aws/things/device-aaaa/shadow/#', true],
    [device, '$aws/things/device-aaaa/shadow/name/+/update/delta', true],
    [device, '$aws/things/+/shadow/update/delta', false],
    [device, '#', false],
    [device, '$aws/#', false],
    [device, '$aws/events/#', false],
    [device, 'edgefleet/things/device-aaaa/#', true],
    [claim, '$aws/certificates/create-from-csr/json/accepted', true],
    [claim, '$aws/certificates/create/json/rejected', true],
    [claim, '$aws/provisioning-templates/t/provision/json/accepted', true],
    [claim, '$aws/certificates/#', false],
    [claim, '$aws/certificates/+/json/accepted', false],
    [claim, '$aws/things/device-aaaa/shadow/#', false],
  ] as const)('%j may subscribe %s: %s', (identity, filter, allowed) => {
    expect(maySubscribe(identity, filter)).toBe(allowed);
  });

  it.each([
    [device, 'edgefleet/things/device-aaaa/config', 100, true],
    [device, 'edgefleet/things/device-aaaa/config', 0, true],
    [device, 'edgefleet/things/device-aaaa/config', 101, false],
    [device, '$aws/things/device-aaaa/shadow/update', 1, false],
    [device, '$aws/things/device-aaaa/jobs/get', 0, false],
    [device, 'edgefleet/things/device-bbbb/config', 1, false],
    [claim, '$aws/certificates/create/json', 1, false],
    [claim, 'edgefleet/things/device-aaaa/config', 1, false],
  ] as const)('%j may retain on %s a payload of %d bytes (limit 100): %s', (identity, topic, bytes, allowed) => {
    expect(mayRetain(identity, topic, bytes, 100)).toBe(allowed);
  });

  it('marks fleet-provisioning responses private', () => {
    expect(isPrivateResponse('$aws/certificates/create/json/accepted')).toBe(true);
    expect(isPrivateResponse('$aws/things/x/shadow/update/accepted')).toBe(false);
  });
});
