import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Stack, collect, gql, startApp, startStack, subscriptionClient, uniqueName, waitForOutput } from './support';

jest.setTimeout(90_000);

/** The operator's path, with every app as its own process: GraphQL → bundle → edge-agent → ONLINE → delete. */
describe('zero-touch provisioning, end to end', () => {
  let stack: Stack;
  let url: string;
  let key: string;
  let dir: string;

  beforeAll(async () => {
    stack = await startStack('provisioning');
    ({ url, key, dir } = stack);
  });
  afterAll(() => stack.stop());

  const provision = async (name: string) => {
    const r = await gql(url, key, 'mutation($n: String!) { provisionDevice(input: {name: $n}) { deviceId certificates } }', { n: name });
    expect(r.errors).toBeUndefined();
    const zip = path.join(dir, `certificates-omni_${name}.zip`);
    writeFileSync(zip, Buffer.from(r.data!.provisionDevice.certificates, 'base64'));
    return { deviceId: r.data!.provisionDevice.deviceId as string, zip };
  };
  const status = async (deviceId: string) =>
    (await gql(url, key, 'query($id: ID!) { device(deviceId: $id) { provisioningStatus deviceConnectionStatus } }', { id: deviceId })).data?.device;
  const until = async (deviceId: string, want: object, ms = 15_000) => {
    const deadline = Date.now() + ms;
    let last;
    while (Date.now() < deadline) {
      last = await status(deviceId);
      if (JSON.stringify(last) === JSON.stringify(want)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    return last;
  };

  it('provisions a device with edge-agent; it is SUCCEEDED and ONLINE; deleting it kicks it within 5 s for good', async () => {
    const { deviceId, zip } = await provision('lobby-cam');
    const dataDir = path.join(dir, 'agent-lobby');
    const agent = startApp('edge-agent', { LOG_LEVEL: 'info' }, ['--bundle', zip, '--data-dir', dataDir, '--serial', 'GFXMPL0013023708', '--software-version', '4.3.45']);
    stack.running.push(agent);
    await waitForOutput(agent, /"msg":"connected"/);
    expect(await until(deviceId, { provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE' })).toEqual({ provisioningStatus: 'SUCCEEDED', deviceConnectionStatus: 'ONLINE' });
    expect(statSync(path.join(dataDir, 'device.pem.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dataDir, 'identity.json'), 'utf8')).toContain(deviceId);

    // The agent reports its `system` shadow; the registry shows it.
    const shown = async () =>
      (await gql(url, key, 'query($id: ID!) { device(deviceId: $id) { currentSoftware serialNumber currentNetworkingStatus { ethernet0Status { connectionStatus } } } }', { id: deviceId })).data?.device;
    const deadline0 = Date.now() + 10_000;
    while ((await shown())?.currentSoftware !== '4.3.45' && Date.now() < deadline0) await new Promise((res) => setTimeout(res, 100));
    expect(await shown()).toMatchObject({ currentSoftware: '4.3.45', serialNumber: 'GFXMPL0013023708', currentNetworkingStatus: { ethernet0Status: { connectionStatus: expect.any(String) } } });

    // An operator sets desired state; the device receives the delta, applies it and reports it back.
    const set = await gql(url, key, 'mutation($id: ID!) { updateDeviceShadowDesired(deviceId: $id, shadowName: "system", desired: {logLevel: "debug"}) }', { id: deviceId });
    expect(set.errors).toBeUndefined();
    await waitForOutput(agent, /applying desired state/, 10_000);
    const shadow = async () => (await gql(url, key, 'query($id: ID!) { deviceShadow(deviceId: $id, shadowName: "system") }', { id: deviceId })).data?.deviceShadow;
    const deadline1 = Date.now() + 10_000;
    while ((await shadow())?.state?.reported?.logLevel !== 'debug' && Date.now() < deadline1) await new Promise((res) => setTimeout(res, 100));
    const doc = await shadow();
    expect(doc.state.reported.logLevel).toBe('debug');
    expect(doc.state.delta).toBeUndefined();

    // A second run of the same bundle is refused with a clear message.
    const reuse = startApp('edge-agent', {}, ['--bundle', zip, '--data-dir', path.join(dir, 'agent-reuse')]);
    stack.running.push(reuse);
    expect(await reuse.exited).toBe(1);
    expect(reuse.output()).toMatch(/already used, or the device was deleted/);

    const deleted = Date.now();
    const r = await gql(url, key, 'mutation($id: ID!) { deleteDevice(deviceId: $id) { provisioningStatus } }', { id: deviceId });
    expect(r.data!.deleteDevice.provisioningStatus).toBe('DELETING');
    await waitForOutput(agent, /offline; reconnecting/, 5_000);
    expect(Date.now() - deleted).toBeLessThan(5_000);
    // Purged: gone from the registry; the agent keeps being refused.
    const gone = async () => (await gql(url, key, 'query($id: ID!) { device(deviceId: $id) { name } }', { id: deviceId })).errors?.[0]?.extensions?.code;
    const deadline = Date.now() + 10_000;
    while ((await gone()) !== 'NOT_FOUND' && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    expect(await gone()).toBe('NOT_FOUND');
    await new Promise((res) => setTimeout(res, 1500));
    expect(agent.output().match(/"msg":"connected"/g)).toHaveLength(1);
  });

  it('explains a damaged bundle', async () => {
    const broken = path.join(dir, 'certificates-omni_broken.zip');
    writeFileSync(broken, 'this is not a zip');
    const agent = startApp('edge-agent', {}, ['--bundle', broken, '--data-dir', path.join(dir, 'agent-broken')]);
    stack.running.push(agent);
    expect(await agent.exited).toBe(1);
    expect(agent.output().trim()).toBe(`edge-agent: The bundle ${broken} is damaged (not a readable ZIP file). Download a new one with provisionDevice.`);
  });

  it('a simulated fleet comes ONLINE with its reports, and goes OFFLINE when its process dies', async () => {
    const prefix = uniqueName('fleet');
    const fleet = startApp('edge-agent', { EDGEFLEET_API_URL: url }, ['--devices', '3', '--key', key, '--prefix', prefix, '--churn', '0', '--data-dir', path.join(dir, 'fleet')], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 3 devices provisioned/, 30_000);
    const list = async () =>
      (await gql(url, key, 'query($n: String!) { devices(first: 10, filter: {nameContains: $n}) { edges { node { deviceConnectionStatus currentSoftware } } } }', { n: prefix })).data!.devices.edges.map((e: any) => e.node);
    const settle = async (ok: (nodes: any[]) => boolean) => {
      const deadline = Date.now() + 10_000;
      let nodes = await list();
      while (!ok(nodes) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        nodes = await list();
      }
      return nodes;
    };
    const online = await settle((n) => n.length === 3 && n.every((d: any) => d.deviceConnectionStatus === 'ONLINE' && d.currentSoftware));
    expect(online.map((d: any) => d.deviceConnectionStatus)).toEqual(['ONLINE', 'ONLINE', 'ONLINE']);
    const watcher = subscriptionClient(url, key);
    const offlineEvents = collect(watcher, 'subscription { deviceUpdated { name deviceConnectionStatus } }', {}, 3, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    fleet.child.kill('SIGKILL');
    const offline = await settle((n) => n.every((d: any) => d.deviceConnectionStatus === 'OFFLINE'));
    expect(offline.map((d: any) => d.deviceConnectionStatus)).toEqual(['OFFLINE', 'OFFLINE', 'OFFLINE']);
    // Integrators watching by subscription heard each of them go.
    const heard = (await offlineEvents).events.map((e) => e.data.deviceUpdated).filter((d: any) => d.name.startsWith(prefix));
    expect(heard.map((d: any) => d.deviceConnectionStatus)).toEqual(['OFFLINE', 'OFFLINE', 'OFFLINE']);
    await watcher.dispose();
  });
});
