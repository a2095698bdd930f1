import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILT_IN_PACKAGES, type CataloguePackage, type ManifestLimits, catalogueKey, validateApplicationManifest } from './application-manifest.rules';
import { packageManifestSchema, parseDocument } from './panorama-documents';

const ACCOUNT = '210987654321';
const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(__dirname, '../../../e2e/fixtures/panorama', name), 'utf8').replaceAll('123456789012', ACCOUNT));

const camera = (name: string): CataloguePackage => ({
  name: `${ACCOUNT}::${name}`,
  version: '1.0',
  patchVersion: 'c'.repeat(64),
  camera: true,
  interfaces: [{ name, category: 'media_source', inputs: [], outputs: [{ name: 'video_out', type: 'media' }], inboundPorts: [] }],
});
const fromManifest = (file: string, patch: string): CataloguePackage => {
  const m = fixture(file).nodePackage;
  return {
    name: `${ACCOUNT}::${m.name}`,
    version: m.version,
    patchVersion: patch.repeat(64),
    camera: false,
    interfaces: m.interfaces.map((i: any) => ({ name: i.name, category: i.category, inputs: i.inputs ?? [], outputs: i.outputs ?? [], inboundPorts: (i.network?.inboundPorts ?? []).map((p: any) => p.port) })),
  };
};
const catalogue = new Map(
  [...BUILT_IN_PACKAGES, fromManifest('SAMPLE_CODE.package.json', 'a'), fromManifest('SQUEEZENET_PYTORCH_V1.package.json', 'b'), ...['exterior-south', 'warehouse-floor', 'entrance-north'].map(camera)].map((p) => [
    catalogueKey(p.name, p.version),
    p,
  ]),
);
const limits = { maxCameraStreams: 8 };
const validate = (manifest: unknown, overrides: unknown, l: ManifestLimits = limits) => validateApplicationManifest(manifest, overrides, catalogue, l);
const messages = (r: ReturnType<typeof validate>) => r.problems.map((p) => `${p.document} ${p.path}: ${p.message}`);

describe("the guide's sample application", () => {
  it('is valid with a camera chosen, and resolves to the graph the device runs', () => {
    const r = validate(fixture('graph.json'), fixture('overrides.json'));
    expect(r.problems).toEqual([]);
    expect(r.graph!.nodes.map((n) => [n.name, n.category, n.replaces])).toEqual([
      ['code_node', 'business_logic', null],
      ['model_node', 'ml_model', null],
      ['my_camera', 'media_source', 'camera_node'],
      ['output_node', 'media_sink', null],
      ['my_log_level', 'parameter', 'log_level'],
      ['detection_threshold', 'parameter', null],
    ]);
    expect(r.graph!.edges).toEqual([
      { producer: 'my_camera.video_out', consumer: 'code_node.video_in' },
      { producer: 'code_node.video_out', consumer: 'output_node.video_in' },
      { producer: 'my_log_level', consumer: 'code_node.log_level' },
      { producer: 'detection_threshold', consumer: 'code_node.threshold' },
    ]);
    expect(r.graph!.packages).toContainEqual({ name: `${ACCOUNT}::SAMPLE_CODE`, version: '1.0', patchVersion: 'a'.repeat(64) });
    expect(r.graph!.cameraStreams).toBe(1);
  });

  it('needs its mandatory camera chosen', () => {
    expect(messages(validate(fixture('graph.json'), null))).toEqual([
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides: node camera_node must be replaced at deploy time (overrideMandatory): choose a camera stream',
    ]);
  });

  it("names the misspelt key of the guide's multi-camera override, and passes once it is corrected", () => {
    expect(messages(validate(fixture('graph.json'), fixture('override-multicam.json')))).toEqual([
      'manifestOverridesPayload $.nodeGraphOverrides: Invalid input: expected object, received undefined',
      'manifestOverridesPayload $.nodeGraph0overrides: unknown key "nodeGraph0overrides" (did you mean "nodeGraphOverrides"?)',
    ]);
    const fixed = validate(fixture('graph.json'), fixture('override-multicam.fixed.json'));
    expect(fixed.problems).toEqual([]);
    expect(fixed.graph!.nodes.filter((n) => n.replaces === 'camera_node').map((n) => [n.name, n.launch])).toEqual([
      ['warehouse-floor', 'onAppStart'],
      ['entrance-north', 'onSignal'],
    ]);
    expect(fixed.graph!.edges.filter((e) => e.consumer === 'code_node.video_in').map((e) => e.producer)).toEqual(['warehouse-floor.video_out', 'entrance-north.video_out']);
  });
});

describe('manifest rules, each problem with its document and JSON path', () => {
  const graph = () => fixture('graph.json');
  const overrides = () => fixture('overrides.json');

  it('reports every problem, not only the first', () => {
    const m = graph();
    m.nodeGraph.packages[0].version = '9.9';
    m.nodeGraph.nodes[4].value = 7;
    m.nodeGraph.edges[1].consumer = 'ghost.video_in';
    const r = validate(m, overrides());
    expect(messages(r)).toEqual([
      `manifestPayload $.nodeGraph.packages[0]: package ${ACCOUNT}::SAMPLE_CODE version 9.9 is not registered in your organization`,
      'manifestPayload $.nodeGraph.nodes[4].value: 7 is not a string',
      'manifestPayload $.nodeGraph.edges[1].consumer: there is no node ghost',
    ]);
    expect(r.graph).toBeNull();
  });

  it('checks the document shape, with the path of each bad field', () => {
    const m = graph();
    m.nodeGraph.envelopeVersion = '2020-01-01';
    m.nodeGraph.nodes[2].launch = 'always';
    m.nodeGraph.nodes[0].color = 'red';
    expect(messages(validate(m, null))).toEqual([
      'manifestPayload $.nodeGraph.envelopeVersion: must be "2021-01-01"',
      'manifestPayload $.nodeGraph.nodes[0].color: unknown key "color"',
      'manifestPayload $.nodeGraph.nodes[2].launch: Invalid option: expected one of "onAppStart"|"onSignal"',
    ]);
  });

  it('needs packages listed, registered and holding the interface', () => {
    const m = graph();
    m.nodeGraph.packages.splice(1, 1); // SQUEEZENET no longer listed
    m.nodeGraph.nodes[0].interface = `${ACCOUNT}::SAMPLE_CODE.other`;
    m.nodeGraph.packages.push({ name: `${ACCOUNT}::GHOST`, version: '1.0' });
    expect(messages(validate(m, overrides()))).toEqual([
      `manifestPayload $.nodeGraph.packages[3]: package ${ACCOUNT}::GHOST version 1.0 is not registered in your organization`,
      `manifestPayload $.nodeGraph.nodes[0].interface: package ${ACCOUNT}::SAMPLE_CODE 1.0 has no interface other (it has interface)`,
      `manifestPayload $.nodeGraph.nodes[1].interface: package ${ACCOUNT}::SQUEEZENET_PYTORCH_V1 is not listed in nodeGraph.packages`,
    ]);
  });

  it('joins only existing ports of the same type, and refuses cycles', () => {
    const m = graph();
    m.nodeGraph.edges.push({ producer: 'log_level', consumer: 'code_node.threshold' }); // string into float32
    m.nodeGraph.edges.push({ producer: 'output_node.video_out', consumer: 'code_node.video_in' }); // a sink has no outputs
    expect(messages(validate(m, overrides()))).toEqual([
      'manifestPayload $.nodeGraph.edges[4]: log_level (string) cannot feed code_node.threshold (float32)',
      'manifestPayload $.nodeGraph.edges[5].producer: panorama::hdmi_data_sink.hdmi0 has no output video_out (it has none)',
    ]);
    const loop = graph();
    loop.nodeGraph.nodes.push({ name: 'second', interface: `${ACCOUNT}::SAMPLE_CODE.interface` });
    loop.nodeGraph.edges.push({ producer: 'code_node.video_out', consumer: 'second.video_in' }, { producer: 'second.video_out', consumer: 'code_node.video_in' });
    expect(messages(validate(loop, overrides()))).toEqual(['manifestPayload $.nodeGraph.edges: the graph has a cycle: code_node → second → code_node']);
  });

  it('checks parameter values against their basic type', () => {
    const m = graph();
    m.nodeGraph.nodes.push({ name: 'count', interface: 'int32', value: 2.5 }, { name: 'flag', interface: 'boolean', value: 'yes' }, { name: 'huge', interface: 'int32', value: 2 ** 31 });
    expect(messages(validate(m, overrides()))).toEqual([
      'manifestPayload $.nodeGraph.nodes[6].value: 2.5 is not a int32 (an integer from -2147483648 to 2147483647)',
      'manifestPayload $.nodeGraph.nodes[7].value: "yes" is not a boolean',
      'manifestPayload $.nodeGraph.nodes[8].value: 2147483648 is not a int32 (an integer from -2147483648 to 2147483647)',
    ]);
  });

  it('replaces only overridable nodes, cameras only by camera streams, parameters by their type', () => {
    const o = overrides();
    o.nodeGraphOverrides.nodes.push({ name: 'not_a_camera', interface: `${ACCOUNT}::SAMPLE_CODE.interface` }, { name: 'a_number', interface: 'float32', value: 1 });
    o.nodeGraphOverrides.packages.push({ name: `${ACCOUNT}::SAMPLE_CODE`, version: '1.0' });
    o.nodeGraphOverrides.nodeOverrides = [
      { replace: 'camera_node', with: [{ name: 'my_camera' }, { name: 'not_a_camera' }] },
      { replace: 'log_level', with: [{ name: 'a_number' }] },
      { replace: 'code_node', with: [{ name: 'my_camera' }] },
      { replace: 'nobody', with: [{ name: 'my_camera' }] },
      { replace: 'detection_threshold', with: [{ name: 'missing' }] },
    ];
    expect(messages(validate(graph(), o))).toEqual([
      `manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides[0].with[1].name: not_a_camera (${ACCOUNT}::SAMPLE_CODE.interface) is not a camera stream of your organization`,
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides[1].with[0].name: a_number is float32, but log_level is a string',
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides[2].replace: node code_node is not overridable',
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides[3].replace: the manifest has no node nobody',
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides[4].with[0].name: there is no node missing in nodeGraphOverrides.nodes',
    ]);
  });

  it('allows at most the quota of camera streams per application', () => {
    const o = fixture('override-multicam.fixed.json');
    expect(messages(validate(graph(), o, { maxCameraStreams: 1 }))).toEqual([
      'manifestOverridesPayload $.nodeGraphOverrides.nodeOverrides: the application has 2 camera streams; at most 1 are allowed',
    ]);
  });

  it('opens host ports only in 8000–9000, once, for declared container ports, when the overrides confirm them', () => {
    const m = graph();
    m.nodeGraph.networkRoutingRules = [{ node: 'code_node', containerPort: 80, hostPort: 8080, decorator: { title: 'Listener port 8080', description: 'Container monitoring and debug.' } }];
    expect(messages(validate(m, overrides()))).toEqual([
      'manifestOverridesPayload $.nodeGraphOverrides.networkRoutingRules: confirm the routing rule of code_node port 80 (host port 8080) in nodeGraphOverrides.networkRoutingRules to open it on the device',
    ]);
    const confirm = (hostPort: number) => {
      const o = overrides();
      o.nodeGraphOverrides.networkRoutingRules = [{ node: 'code_node', containerPort: 80, hostPort }];
      return o;
    };
    const ok = validate(m, confirm(8081));
    expect(ok.problems).toEqual([]);
    expect(ok.graph!.networkRoutingRules).toEqual([{ node: 'code_node', containerPort: 80, hostPort: 8081 }]);
    expect(messages(validate(m, confirm(7999)))).toEqual(['manifestOverridesPayload $.nodeGraphOverrides.networkRoutingRules: host port 7999 of code_node is outside 8000–9000']);
    expect(messages(validate(m, confirm(8081), { maxCameraStreams: 8, usedHostPorts: new Set([8081]) }))).toEqual([
      'manifestOverridesPayload $.nodeGraphOverrides.networkRoutingRules: host port 8081 is in use by another application on the device; choose another',
    ]);
    m.nodeGraph.networkRoutingRules.push({ node: 'code_node', containerPort: 443, hostPort: 8443 });
    expect(messages(validate(m, confirm(8081)))[0]).toBe(
      'manifestPayload $.nodeGraph.networkRoutingRules[1].containerPort: 123456789012::SAMPLE_CODE.interface declares no inbound port 443 (it declares 80)'.replace('123456789012', ACCOUNT),
    );
  });
});

describe('package manifests', () => {
  it("accept the guide's package.json with a GPU requirement, and name each bad field", () => {
    const m = fixture('SAMPLE_CODE.package.json');
    m.nodePackage.assets[0].implementations[0].assetUri = `${'a'.repeat(64)}.tar.gz`;
    m.nodePackage.assets[0].implementations[0].descriptorUri = `${'b'.repeat(64)}.json`;
    m.nodePackage.assets[0].implementations[0].requirements = [{ type: 'hardware_access', inferenceAccelerators: [{ deviceType: 'nvhost_gpu', sharedResourcePolicy: { policy: 'allow_all' } }] }];
    expect(parseDocument(packageManifestSchema, m).problems).toEqual([]);
    m.nodePackage.assets[0].implementations[0].type = 'binary';
    m.nodePackage.assets[0].implementations[0].assetUri = 'code.tar.gz';
    m.nodePackage.interfaces[0].category = 'media_source';
    m.nodePackage.interfaces[0].inputs[1].type = 'float64';
    expect(parseDocument(packageManifestSchema, m).problems.map((p) => p.path)).toEqual([
      '$.nodePackage.assets[0].implementations[0].type',
      '$.nodePackage.assets[0].implementations[0].assetUri',
      '$.nodePackage.interfaces[0].category',
      '$.nodePackage.interfaces[0].inputs[1].type',
    ]);
  });
});

describe('any input', () => {
  it('gets problems or a graph, never an exception (property-based)', () => {
    const base = fixture('graph.json');
    const anything = fc.jsonValue({ maxDepth: 5 });
    // Random documents, and the sample with one random value put somewhere in it.
    const mutated = fc.tuple(fc.array(fc.oneof(fc.constantFrom('nodeGraph', 'nodes', 'edges', 'packages', 'networkRoutingRules', 'value', 'interface', 'producer'), fc.nat(6)), { maxLength: 4 }), anything).map(([path, value]) => {
      const doc = structuredClone(base);
      let at: any = doc;
      for (const key of path.slice(0, -1)) at = at?.[key];
      if (at && typeof at === 'object' && path.length > 0) at[path.at(-1)!] = value;
      return doc;
    });
    fc.assert(
      fc.property(fc.oneof(anything, mutated), fc.oneof(anything, fc.constant(fixture('overrides.json')), fc.constant(null)), (m, o) => {
        const r = validate(m, o);
        expect(r.problems.length === 0).toBe(r.graph !== null);
      }),
      { numRuns: 500 },
    );
  });
});
