import {
  type ApplicationManifest,
  BASIC_TYPES,
  type BasicType,
  type DocumentProblem,
  type InterfaceCategory,
  type ManifestNode,
  type ManifestOverrides,
  type PortType,
  type RoutingRule,
  applicationManifestSchema,
  jsonPath,
  manifestOverridesSchema,
  parseDocument,
} from './panorama-documents';

/** What a manifest may reference: one package version's interfaces, as registered. */
export interface CatalogueInterface {
  name: string;
  category: InterfaceCategory;
  inputs: { name: string; type: PortType }[];
  outputs: { name: string; type: PortType }[];
  inboundPorts: number[];
}
export interface CataloguePackage {
  /** `<accountId>::<name>` or `panorama::<name>`. */
  name: string;
  version: string;
  /** Null for the built-in packages. */
  patchVersion: string | null;
  /** A camera stream's package (made by CreateNodeFromTemplateJob). */
  camera: boolean;
  interfaces: CatalogueInterface[];
}
/** Package versions by `name@version`. */
export type Catalogue = ReadonlyMap<string, CataloguePackage>;

export const CAMERA_PLACEHOLDER = 'panorama::abstract_rtsp_media_source.rtsp_v1_interface';
export const HOST_PORT_RANGE = { min: 8000, max: 9000 } as const;

/** The abstract nodes every organization has: a camera placeholder and the HDMI output. */
export const BUILT_IN_PACKAGES: readonly CataloguePackage[] = [
  {
    name: 'panorama::abstract_rtsp_media_source',
    version: '1.0',
    patchVersion: null,
    camera: false,
    interfaces: [{ name: 'rtsp_v1_interface', category: 'media_source', inputs: [], outputs: [{ name: 'video_out', type: 'media' }], inboundPorts: [] }],
  },
  {
    name: 'panorama::hdmi_data_sink',
    version: '1.0',
    patchVersion: null,
    camera: false,
    interfaces: [{ name: 'hdmi0', category: 'media_sink', inputs: [{ name: 'video_in', type: 'media' }], outputs: [], inboundPorts: [] }],
  },
];

export const catalogueKey = (name: string, version: string) => `${name}@${version}`;

export type ManifestDocument = 'manifestPayload' | 'manifestOverridesPayload';
export interface ManifestProblem extends DocumentProblem {
  document: ManifestDocument;
}

export interface ResolvedNode {
  name: string;
  interface: string;
  category: InterfaceCategory | 'parameter';
  packageName: string | null;
  packageVersion: string | null;
  patchVersion: string | null;
  launch: 'onAppStart' | 'onSignal';
  value: string | number | boolean | null;
  /** The manifest node this one replaced, when it came from the overrides. */
  replaces: string | null;
}
export interface ResolvedGraph {
  packages: { name: string; version: string; patchVersion: string | null }[];
  nodes: ResolvedNode[];
  edges: { producer: string; consumer: string }[];
  networkRoutingRules: RoutingRule[];
  cameraStreams: number;
}

export interface ManifestLimits {
  maxCameraStreams: number;
  /** Host ports already open on the device by its other applications. */
  usedHostPorts?: ReadonlySet<number>;
}

/** The package versions two documents reference (to load them before validating). */
export function referencedPackages(manifest: unknown, overrides: unknown): { name: string; version: string }[] {
  const refs = (doc: unknown, key: string) => {
    const list = (doc as Record<string, { packages?: unknown } | undefined> | null)?.[key]?.packages;
    return Array.isArray(list) ? list.filter((p): p is { name: string; version: string } => typeof p?.name === 'string' && typeof p?.version === 'string') : [];
  };
  return [...refs(manifest, 'nodeGraph'), ...refs(overrides, 'nodeGraphOverrides')];
}

interface Endpoint {
  node: string;
  port: string | null;
}

/**
 * Checks an application manifest and its overrides against the organization's catalogue and
 * returns every problem found (not only the first); when there is none, the graph the device
 * will run: overrides applied, edges of a replaced node moved to its replacements.
 */
export function validateApplicationManifest(
  manifestDoc: unknown,
  overridesDoc: unknown,
  catalogue: Catalogue,
  limits: ManifestLimits,
): { problems: ManifestProblem[]; graph: ResolvedGraph | null } {
  const problems: ManifestProblem[] = [];
  const report = (document: ManifestDocument) => (path: readonly PropertyKey[], message: string) => problems.push({ document, path: jsonPath(path), message });
  const inManifest = report('manifestPayload');
  const inOverrides = report('manifestOverridesPayload');

  const manifest = parseDocument(applicationManifestSchema, manifestDoc);
  for (const p of manifest.problems) problems.push({ document: 'manifestPayload', ...p });
  const overrides: ManifestOverrides | undefined =
    overridesDoc === null || overridesDoc === undefined
      ? {}
      : (() => {
          const parsed = parseDocument(manifestOverridesSchema, overridesDoc);
          for (const p of parsed.problems) problems.push({ document: 'manifestOverridesPayload', ...p });
          return parsed.value?.nodeGraphOverrides;
        })();
  if (!manifest.value || !overrides) return { problems, graph: null };
  const graph = manifest.value.nodeGraph;

  // Packages: each once, each registered (or built in).
  const packagesOf = (list: ApplicationManifest['packages'], at: readonly PropertyKey[], say: typeof inManifest) => {
    const listed = new Map<string, CataloguePackage | null>();
    list.forEach((ref, i) => {
      if (listed.has(ref.name)) return say([...at, i, 'name'], `package ${ref.name} is listed twice`);
      const found = catalogue.get(catalogueKey(ref.name, ref.version)) ?? null;
      if (!found) say([...at, i], `package ${ref.name} version ${ref.version} is not registered in your organization`);
      listed.set(ref.name, found);
    });
    return listed;
  };
  const manifestPackages = packagesOf(graph.packages, ['nodeGraph', 'packages'], inManifest);
  const overridePackages = packagesOf(overrides.packages ?? [], ['nodeGraphOverrides', 'packages'], inOverrides);

  // Nodes: unique names; a parameter's value of its type; an interface that exists in a listed package.
  const resolveNode = (n: ManifestNode, listed: Map<string, CataloguePackage | null>, at: readonly PropertyKey[], say: typeof inManifest) => {
    if ((BASIC_TYPES as readonly string[]).includes(n.interface)) {
      if (n.value === undefined) {
        if (!n.overrideMandatory) say([...at, 'value'], `parameter ${n.name} of type ${n.interface} needs a value (or overrideMandatory: true)`);
      } else if (!valueHasType(n.value, n.interface as BasicType)) {
        say([...at, 'value'], `${JSON.stringify(n.value)} is not a ${n.interface}${n.interface === 'int32' ? ' (an integer from -2147483648 to 2147483647)' : ''}`);
      }
      return { type: n.interface as BasicType, pkg: null, iface: null };
    }
    if (n.value !== undefined) say([...at, 'value'], `only parameters (interface ${BASIC_TYPES.join(', ')}) have a value`);
    const dot = n.interface.lastIndexOf('.');
    if (dot <= 0) {
      say([...at, 'interface'], `"${n.interface}" is neither a basic type (${BASIC_TYPES.join(', ')}) nor <package>.<interface>`);
      return undefined;
    }
    const pkgName = n.interface.slice(0, dot);
    const ifaceName = n.interface.slice(dot + 1);
    if (!listed.has(pkgName)) {
      say([...at, 'interface'], `package ${pkgName} is not listed in ${say === inManifest ? 'nodeGraph' : 'nodeGraphOverrides'}.packages`);
      return undefined;
    }
    const pkg = listed.get(pkgName);
    if (!pkg) return undefined; // already reported as not registered
    const iface = pkg.interfaces.find((i) => i.name === ifaceName);
    if (!iface) {
      say([...at, 'interface'], `package ${pkgName} ${pkg.version} has no interface ${ifaceName} (it has ${pkg.interfaces.map((i) => i.name).join(', ') || 'none'})`);
      return undefined;
    }
    return { type: null, pkg, iface };
  };
  type Resolved = NonNullable<ReturnType<typeof resolveNode>>;
  const nodes = new Map<string, { node: ManifestNode; resolved: Resolved | undefined; index: number }>();
  graph.nodes.forEach((n, i) => {
    if (nodes.has(n.name)) return inManifest(['nodeGraph', 'nodes', i, 'name'], `node ${n.name} is defined twice`);
    nodes.set(n.name, { node: n, resolved: resolveNode(n, manifestPackages, ['nodeGraph', 'nodes', i], inManifest), index: i });
  });
  const overrideNodes = new Map<string, { node: ManifestNode; resolved: Resolved | undefined }>();
  (overrides.nodes ?? []).forEach((n, i) => {
    if (overrideNodes.has(n.name)) return inOverrides(['nodeGraphOverrides', 'nodes', i, 'name'], `node ${n.name} is defined twice`);
    if (nodes.has(n.name)) return inOverrides(['nodeGraphOverrides', 'nodes', i, 'name'], `node ${n.name} is already a node of the manifest; give the replacement another name`);
    overrideNodes.set(n.name, { node: n, resolved: resolveNode(n, overridePackages, ['nodeGraphOverrides', 'nodes', i], inOverrides) });
  });

  // Edges: existing ports, compatible types, no cycle.
  const parseEndpoint = (s: string): Endpoint => {
    const dot = s.indexOf('.');
    return dot < 0 ? { node: s, port: null } : { node: s.slice(0, dot), port: s.slice(dot + 1) };
  };
  const typeAt = (e: Endpoint, side: 'producer' | 'consumer', at: readonly PropertyKey[]): PortType | null | undefined => {
    const n = nodes.get(e.node);
    if (!n) return void inManifest(at, `there is no node ${e.node}`);
    if (!n.resolved) return null; // its interface is already reported
    if (n.resolved.type) {
      if (side === 'consumer') return void inManifest(at, `parameter ${e.node} has no inputs`);
      if (e.port !== null) return void inManifest(at, `parameter ${e.node} has no ports; use "${e.node}"`);
      return n.resolved.type;
    }
    const ports = side === 'producer' ? n.resolved.iface!.outputs : n.resolved.iface!.inputs;
    if (e.port === null) return void inManifest(at, `name the ${side === 'producer' ? 'output' : 'input'}: ${e.node}.<port> (${ports.map((p) => p.name).join(', ') || 'it has none'})`);
    const found = ports.find((p) => p.name === e.port);
    if (!found) {
      return void inManifest(at, `${n.node.interface} has no ${side === 'producer' ? 'output' : 'input'} ${e.port} (it has ${ports.map((p) => p.name).join(', ') || 'none'})`);
    }
    return found.type;
  };
  const edges = graph.edges.map((edge, i) => {
    const producer = parseEndpoint(edge.producer);
    const consumer = parseEndpoint(edge.consumer);
    const from = typeAt(producer, 'producer', ['nodeGraph', 'edges', i, 'producer']);
    const to = typeAt(consumer, 'consumer', ['nodeGraph', 'edges', i, 'consumer']);
    if (from && to && from !== to) inManifest(['nodeGraph', 'edges', i], `${edge.producer} (${from}) cannot feed ${edge.consumer} (${to})`);
    // Undefined: a bad endpoint, reported; such an edge takes no part in the cycle check.
    return { producer, consumer, joins: from !== undefined && to !== undefined };
  });
  const cycle = findCycle([...nodes.keys()], edges.filter((e) => e.joins).map((e) => [e.producer.node, e.consumer.node]));
  if (cycle) inManifest(['nodeGraph', 'edges'], `the graph has a cycle: ${cycle.join(' → ')}`);

  // Overrides: only overridable nodes, replaced by nodes that fit; mandatory ones replaced.
  const replacements = new Map<string, string[]>();
  (overrides.nodeOverrides ?? []).forEach((o, i) => {
    const at = ['nodeGraphOverrides', 'nodeOverrides', i];
    const target = nodes.get(o.replace);
    if (!target) return inOverrides([...at, 'replace'], `the manifest has no node ${o.replace}`);
    if (replacements.has(o.replace)) return inOverrides([...at, 'replace'], `node ${o.replace} is replaced twice`);
    if (!target.node.overridable) return inOverrides([...at, 'replace'], `node ${o.replace} is not overridable`);
    replacements.set(o.replace, o.with.map((w) => w.name));
    const isCamera = target.node.interface === CAMERA_PLACEHOLDER;
    const isParameter = !!target.resolved?.type;
    if (isParameter && o.with.length > 1) inOverrides([...at, 'with'], `parameter ${o.replace} is replaced by one node, not ${o.with.length}`);
    o.with.forEach((w, j) => {
      const r = overrideNodes.get(w.name);
      if (!r) return inOverrides([...at, 'with', j, 'name'], `there is no node ${w.name} in nodeGraphOverrides.nodes`);
      if (!r.resolved || !target.resolved) return;
      if (isCamera) {
        if (!r.resolved.pkg?.camera) inOverrides([...at, 'with', j, 'name'], `${w.name} (${r.node.interface}) is not a camera stream of your organization`);
      } else if (isParameter) {
        if (r.resolved.type !== target.resolved.type) inOverrides([...at, 'with', j, 'name'], `${w.name} is ${r.resolved.type ?? r.node.interface}, but ${o.replace} is a ${target.resolved.type}`);
      } else if (r.resolved.type || !sameShape(r.resolved.iface!, target.resolved.iface!)) {
        inOverrides([...at, 'with', j, 'name'], `${w.name} (${r.node.interface}) does not have the inputs and outputs of ${o.replace} (${target.node.interface})`);
      }
    });
  });
  for (const [name, n] of nodes) {
    if (n.node.overrideMandatory && !replacements.has(name)) {
      inOverrides(['nodeGraphOverrides', 'nodeOverrides'], `node ${name} must be replaced at deploy time (overrideMandatory)${n.node.interface === CAMERA_PLACEHOLDER ? ': choose a camera stream' : ''}`);
    }
  }

  // The graph the device runs.
  const effective: ResolvedNode[] = [];
  const toResolved = (n: ManifestNode, r: Resolved | undefined, replaces: string | null): ResolvedNode => ({
    name: n.name,
    interface: n.interface,
    category: r?.type ? 'parameter' : (r?.iface?.category ?? 'business_logic'),
    packageName: r?.pkg?.name ?? null,
    packageVersion: r?.pkg?.version ?? null,
    patchVersion: r?.pkg?.patchVersion ?? null,
    launch: n.launch ?? 'onAppStart',
    value: n.value ?? null,
    replaces,
  });
  for (const [name, n] of nodes) {
    const by = replacements.get(name);
    if (!by) effective.push(toResolved(n.node, n.resolved, null));
    else for (const w of by) if (overrideNodes.has(w)) effective.push(toResolved(overrideNodes.get(w)!.node, overrideNodes.get(w)!.resolved, name));
  }
  const cameraStreams = effective.filter((n) => n.interface === CAMERA_PLACEHOLDER || (n.packageName && catalogue.get(catalogueKey(n.packageName, n.packageVersion!))?.camera)).length;
  if (cameraStreams > limits.maxCameraStreams) {
    inOverrides(['nodeGraphOverrides', 'nodeOverrides'], `the application has ${cameraStreams} camera streams; at most ${limits.maxCameraStreams} are allowed`);
  }

  // Inbound ports: declared by the node's package, host ports in range, unique, confirmed at deploy time.
  const rules = new Map<string, { rule: RoutingRule; confirmed: boolean }>();
  const ruleKey = (r: RoutingRule) => `${r.node}:${r.containerPort}`;
  (graph.networkRoutingRules ?? []).forEach((rule, i) => {
    const at = ['nodeGraph', 'networkRoutingRules', i];
    const n = nodes.get(rule.node);
    if (!n) return inManifest([...at, 'node'], `there is no node ${rule.node}`);
    const declared = n.resolved?.iface?.inboundPorts;
    if (declared && !declared.includes(rule.containerPort)) {
      inManifest([...at, 'containerPort'], `${n.node.interface} declares no inbound port ${rule.containerPort} (it declares ${declared.join(', ') || 'none'})`);
    }
    rules.set(ruleKey(rule), { rule, confirmed: false });
  });
  (overrides.networkRoutingRules ?? []).forEach((rule, i) => {
    const found = rules.get(ruleKey(rule));
    if (!found) return inOverrides(['nodeGraphOverrides', 'networkRoutingRules', i], `the manifest has no routing rule for ${rule.node} port ${rule.containerPort}`);
    rules.set(ruleKey(rule), { rule, confirmed: true });
  });
  const hostPorts = new Map<number, string>();
  for (const { rule, confirmed } of rules.values()) {
    const at = ['nodeGraphOverrides', 'networkRoutingRules'];
    if (!confirmed) inOverrides(at, `confirm the routing rule of ${rule.node} port ${rule.containerPort} (host port ${rule.hostPort}) in nodeGraphOverrides.networkRoutingRules to open it on the device`);
    if (rule.hostPort < HOST_PORT_RANGE.min || rule.hostPort > HOST_PORT_RANGE.max) {
      inOverrides(at, `host port ${rule.hostPort} of ${rule.node} is outside ${HOST_PORT_RANGE.min}–${HOST_PORT_RANGE.max}`);
    } else if (hostPorts.has(rule.hostPort)) {
      inOverrides(at, `host port ${rule.hostPort} is used by both ${hostPorts.get(rule.hostPort)} and ${rule.node}`);
    } else if (limits.usedHostPorts?.has(rule.hostPort)) {
      inOverrides(at, `host port ${rule.hostPort} is in use by another application on the device; choose another`);
    }
    hostPorts.set(rule.hostPort, rule.node);
  }

  if (problems.length > 0) return { problems, graph: null };
  const endpoint = (e: Endpoint, name: string) => (e.port === null ? name : `${name}.${e.port}`);
  const fan = (e: Endpoint) => (replacements.get(e.node) ?? [e.node]).map((n) => endpoint(e, n));
  const used = new Map<string, ResolvedGraph['packages'][number]>();
  for (const n of effective) if (n.packageName) used.set(n.packageName, { name: n.packageName, version: n.packageVersion!, patchVersion: n.patchVersion });
  return {
    problems,
    graph: {
      packages: [...used.values()],
      nodes: effective,
      edges: edges.flatMap((e) => fan(e.producer).flatMap((producer) => fan(e.consumer).map((consumer) => ({ producer, consumer })))),
      networkRoutingRules: [...rules.values()].map((r) => r.rule),
      cameraStreams,
    },
  };
}

function valueHasType(value: string | number | boolean, type: BasicType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int32':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
    case 'float32':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 3.4028234663852886e38;
  }
}

/** A replacement has every port of the node it replaces, with the same types. */
function sameShape(by: CatalogueInterface, of: CatalogueInterface): boolean {
  const has = (mine: CatalogueInterface['inputs'], theirs: CatalogueInterface['inputs']) => theirs.every((p) => mine.some((m) => m.name === p.name && m.type === p.type));
  return has(by.inputs, of.inputs) && has(by.outputs, of.outputs);
}

/** A cycle among the edges, as the list of nodes around it, or undefined (Kahn's algorithm, then a walk). */
function findCycle(names: string[], edges: [string, string][]): string[] | undefined {
  const next = new Map(names.map((n) => [n, [] as string[]]));
  const prev = new Map(names.map((n) => [n, [] as string[]]));
  const incoming = new Map(names.map((n) => [n, 0]));
  for (const [a, b] of edges) {
    if (!next.has(a) || !next.has(b)) continue;
    next.get(a)!.push(b);
    prev.get(b)!.push(a);
    incoming.set(b, incoming.get(b)! + 1);
  }
  const queue = names.filter((n) => incoming.get(n) === 0);
  for (let i = 0; i < queue.length; i++) {
    for (const m of next.get(queue[i])!) {
      incoming.set(m, incoming.get(m)! - 1);
      if (incoming.get(m) === 0) queue.push(m);
    }
  }
  if (queue.length === names.length) return undefined;
  // Every node left has a predecessor that is left too: walk back along them until one repeats.
  const left = new Set(names.filter((n) => incoming.get(n)! > 0));
  let at = [...left][0];
  const path: string[] = [];
  while (!path.includes(at)) {
    path.push(at);
    at = prev.get(at)!.find((m) => left.has(m))!;
  }
  return [...path.slice(path.indexOf(at)), at].reverse();
}
