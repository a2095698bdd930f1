import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ClipService } from '@edgefleet/clips';
import { dataOf, errorOf, gql, newKey, newOrganization, seedDevice, type TestOrganization } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

const DAY_MS = 86_400_000;

/** Clips as operators keep them: retention by days and by bytes (the oldest first, files with them), deletion per device and camera. */
describe('camera clips: retention and deletion', () => {
  let api: RunningApi;
  let clips: ClipService;
  let org: TestOrganization;
  let deviceId: string;
  const put = (key: string, bytes: number) => clips.put({ organizationId: org.organizationId, actor: 'thing:test' }, key, Readable.from([randomBytes(bytes)]), {});
  const list = async () => dataOf(await gql(api.url, org.adminKey, 'query ($d: ID!) { clips(deviceId: $d, first: 100) { edges { node { clipId camera objectKey } } } }', { d: deviceId })).clips.edges.map((e: any) => e.node);
  const retention = async () => dataOf(await gql(api.url, org.adminKey, '{ clipRetention { days maxBytes clips usedBytes } }')).clipRetention;

  beforeAll(async () => {
    api = await startApi();
    clips = api.app.get(ClipService);
    org = await newOrganization(api);
    deviceId = (await seedDevice(api, org)).deviceId;
  });
  afterAll(() => api.app.close());

  it('keeps what the retention allows: newer than its days, then no more than its bytes, the oldest going first', async () => {
    const now = Date.now();
    await put(`clips/${deviceId}/gate/${now - 40 * DAY_MS}.mp4`, 1000); // past the default 30 days
    await put(`clips/${deviceId}/gate/${now - 3 * DAY_MS}.mp4`, 1000);
    await put(`clips/${deviceId}/dock/${now - 2 * DAY_MS}.mp4`, 1000);
    await put(`clips/${deviceId}/dock/${now - DAY_MS}.mp4`, 1000);
    expect(await retention()).toEqual({ days: 30, maxBytes: api.config.CLIPS_RETENTION_BYTES, clips: 4, usedBytes: 4000 });
    // The organization's own: 2,500 bytes.
    const refused = await gql(api.url, org.adminKey, 'mutation { setClipRetention(maxBytes: 0) { days } }');
    expect(errorOf(refused)).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'maxBytes' } });
    expect(errorOf(await gql(api.url, await newKey(api, org, 'OPERATOR'), 'mutation { setClipRetention(days: 7) { days } }'))).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(dataOf(await gql(api.url, org.adminKey, 'mutation { setClipRetention(maxBytes: 2500) { days maxBytes } }')).setClipRetention).toEqual({ days: 30, maxBytes: 2500 });
    const oldest = (await list()).at(-1);
    expect(await clips.prune(new Date(now), org.organizationId)).toEqual({ clips: 2, bytes: 2000 });
    const kept = await list();
    expect(kept.map((c: any) => c.objectKey)).toEqual([`clips/${deviceId}/dock/${now - DAY_MS}.mp4`, `clips/${deviceId}/dock/${now - 2 * DAY_MS}.mp4`]);
    // The files of the clips that went went with them.
    expect(await clips.blob(oldest.clipId)).toBeUndefined();
    expect(await clips.blob(kept[0].clipId)).toMatchObject({ size: 1000 });
    expect(await retention()).toMatchObject({ clips: 2, usedBytes: 2000 });
    expect(await clips.prune(new Date(now), org.organizationId)).toEqual({ clips: 0, bytes: 0 });
  });

  it("deletes a device's clips as the operator chooses: by camera and time, or with the device", async () => {
    const now = Date.now();
    await put(`clips/${deviceId}/gate/${now}.mp4`, 10);
    expect(errorOf(await gql(api.url, await newKey(api, org, 'VIEWER'), 'mutation ($d: ID!) { deleteClips(deviceId: $d) }', { d: deviceId }))).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    // A camera's clips on every device; a list needs a device or a camera.
    const other = (await seedDevice(api, org)).deviceId;
    await put(`clips/${other}/gate/${now}.mp4`, 10);
    expect(dataOf(await gql(api.url, org.adminKey, '{ clips(camera: "gate") { edges { node { deviceId } } } }')).clips.edges.map((e: any) => e.node.deviceId).sort()).toEqual([deviceId, other].sort());
    expect(errorOf(await gql(api.url, org.adminKey, '{ clips { edges { node { deviceId } } } }'))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED', field: 'deviceId' } });
    expect(dataOf(await gql(api.url, org.adminKey, 'mutation ($d: ID!) { deleteClips(deviceId: $d, camera: "gate") }', { d: deviceId })).deleteClips).toBe(1);
    expect((await list()).map((c: any) => c.camera)).toEqual(['dock', 'dock']);
    expect(dataOf(await gql(api.url, org.adminKey, 'mutation ($d: ID!, $t: DateTime!) { deleteClips(deviceId: $d, to: $t) }', { d: deviceId, t: new Date(now - 1.5 * DAY_MS).toISOString() })).deleteClips).toBe(1);
    dataOf(await gql(api.url, org.adminKey, 'mutation ($d: ID!) { deleteDevice(deviceId: $d, deleteClips: true) { provisioningStatus } }', { d: deviceId }));
    expect(await list()).toEqual([]);
  });
});
