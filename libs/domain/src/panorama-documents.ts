import { z } from 'zod';

/**
 * The AWS Panorama documents, as the Developer Guide prints them: a package's `package.json`
 * (`nodePackage`), its asset descriptors (`runtimeDescriptor`, `mlModelDescriptor`), an
 * application manifest (`graph.json`'s `nodeGraph`) and its deploy-time overrides
 * (`nodeGraphOverrides`). Objects are strict: a misspelt key is an error that names it.
 */

export const ENVELOPE_VERSION = '2021-01-01';
export const PORT_TYPES = ['media', 'float32', 'int32', 'string', 'boolean'] as const;
export const BASIC_TYPES = ['float32', 'int32', 'string', 'boolean'] as const;
export const INTERFACE_CATEGORIES = ['business_logic', 'ml_model', 'media_source', 'media_sink'] as const;
export type PortType = (typeof PORT_TYPES)[number];
export type BasicType = (typeof BASIC_TYPES)[number];
export type InterfaceCategory = (typeof INTERFACE_CATEGORIES)[number];

/** Node, port, package and asset names: Panorama's resource characters. */
const name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-zA-Z0-9_-]+$/, 'may only contain a-z, A-Z, 0-9, _ and -');
const envelope = z.literal(ENVELOPE_VERSION, { error: `must be "${ENVELOPE_VERSION}"` });
const description = z.string().max(255);
/** Assets are stored by content: `<sha256>.tar.gz` for archives, `<sha256>.json` for descriptors. */
const assetUri = z.string().regex(/^[a-f0-9]{64}\.tar\.gz$/, 'must be <lowercase hex SHA-256>.tar.gz');
const descriptorUri = z.string().regex(/^[a-f0-9]{64}\.json$/, 'must be <lowercase hex SHA-256>.json');
const decorator = z.strictObject({ title: z.string().max(255).optional(), description: z.string().max(255).optional() });
const port = z.number().int().min(1).max(65535);

const portSpec = z.strictObject({ name: name(128), type: z.enum(PORT_TYPES), description: description.optional() });

const requirement = z.strictObject({
  type: z.literal('hardware_access'),
  inferenceAccelerators: z
    .array(z.strictObject({ deviceType: z.literal('nvhost_gpu'), sharedResourcePolicy: z.strictObject({ policy: z.literal('allow_all') }).optional() }))
    .min(1),
});

/** CPU architectures a container asset can be built for: the Panorama appliance's (arm64), amd64, and 32-bit arm (seed 003's cameras). */
export const ARCHITECTURES = ['arm64', 'amd64', 'armv7'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const packageManifestSchema = z.strictObject({
  nodePackage: z.strictObject({
    envelopeVersion: envelope,
    name: name(128),
    version: z.string().regex(/^\d+\.\d+$/, 'must be like 1.0'),
    description: description.optional(),
    assets: z.array(
      z.strictObject({
        name: name(255),
        implementations: z
          .array(
            z.strictObject({
              type: z.enum(['container', 'model']),
              assetUri,
              descriptorUri,
              requirements: z.array(requirement).optional(),
              /** EdgeFleet: the CPU architecture the container's binaries are for; a device of another refuses it before starting. */
              architecture: z.enum(ARCHITECTURES).optional(),
            }),
          )
          .min(1)
          .max(1),
      }),
    ),
    interfaces: z
      .array(
        z.strictObject({
          name: name(128),
          // media_source interfaces come from CreateNodeFromTemplateJob (cameras), media_sink ones are built in.
          category: z.enum(['business_logic', 'ml_model'], { error: 'must be business_logic or ml_model (camera streams are made with createNodeFromTemplateJob)' }),
          asset: name(255).optional(),
          inputs: z.array(portSpec).optional(),
          outputs: z.array(portSpec).optional(),
          network: z.strictObject({ inboundPorts: z.array(z.strictObject({ port, description: description.optional() })).min(1) }).optional(),
        }),
      )
      .min(1),
  }),
});
export type PackageManifest = z.infer<typeof packageManifestSchema>['nodePackage'];
export type PackageInterface = PackageManifest['interfaces'][number];

const absolutePath = z
  .string()
  .max(1024)
  .regex(/^\/[^:]*$/, 'must be an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..');

/**
 * EdgeFleet's container create options, after Azure IoT Edge's `createOptions` (seed 004): the
 * node's environment, host folders and devices, memory and CPUs. Nothing else: no privileged
 * mode, host namespaces or capabilities, so a descriptor never gives root on a device. Binds and
 * devices are allowed only where the device's own configuration lists them.
 */
export const createOptionsSchema = z.strictObject({
  Env: z.array(z.string().max(4096).regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'must be NAME=value')).max(64).optional(),
  HostConfig: z
    .strictObject({
      Binds: z
        .array(z.string().regex(/^\/[^:]+:\/[^:]+(:(ro|rw))?$/, 'must be /host/path:/container/path[:ro|rw]').refine((b) => !b.split(/[/:]/).includes('..'), 'must not contain ..'))
        .max(16)
        .optional(),
      Devices: z
        .array(z.strictObject({ PathOnHost: absolutePath, PathInContainer: absolutePath, CgroupPermissions: z.string().regex(/^[rwm]{1,3}$/).optional() }))
        .max(16)
        .optional(),
      Memory: z.number().int().min(16 * 1024 * 1024).max(64 * 1024 ** 3).optional(),
      NanoCpus: z.number().int().min(10_000_000).max(64_000_000_000).optional(),
    })
    .optional(),
});
export type CreateOptions = z.infer<typeof createOptionsSchema>;

export const runtimeDescriptorSchema = z.strictObject({
  runtimeDescriptor: z.strictObject({
    envelopeVersion: envelope,
    entry: z.strictObject({ path: z.string().min(1).max(255), name: z.string().min(1).max(1024) }),
    /** EdgeFleet: how the node's container is created (see createOptionsSchema). */
    createOptions: createOptionsSchema.optional(),
  }),
});

export const mlModelDescriptorSchema = z.strictObject({
  mlModelDescriptor: z.strictObject({
    envelopeVersion: envelope,
    framework: z.enum(['PYTORCH', 'MXNET', 'TENSORFLOW', 'ONNX']),
    frameworkVersion: z.string().min(1).max(32).optional(),
    precisionMode: z.enum(['FP16', 'FP32']).optional(),
    inputs: z.array(z.strictObject({ name: z.string().min(1).max(128), shape: z.array(z.number().int().positive()).min(1).max(8) })).min(1),
  }),
});

/** A package reference: `<accountId>::<name>` for an organization's package, `panorama::<name>` for a built-in one. */
const packageRef = z.strictObject({
  name: z.string().regex(/^(\d{12}|panorama)::[a-zA-Z0-9_-]{1,128}$/, 'must be <account id>::<package name> or panorama::<name>'),
  version: z.string().regex(/^\d+\.\d+$/, 'must be like 1.0'),
});

const node = z.strictObject({
  name: name(128),
  /** `<package>.<interface>`, or a basic type for a parameter. */
  interface: z.string().min(1).max(300),
  overridable: z.boolean().optional(),
  overrideMandatory: z.boolean().optional(),
  launch: z.enum(['onAppStart', 'onSignal']).optional(),
  decorator: decorator.optional(),
  value: z.union([z.string().max(1024), z.number(), z.boolean()]).optional(),
});
export type ManifestNode = z.infer<typeof node>;

const routingRule = z.strictObject({ node: name(128), containerPort: port, hostPort: port, decorator: decorator.optional() });
export type RoutingRule = z.infer<typeof routingRule>;

const endpoint = z.string().regex(/^[a-zA-Z0-9_-]{1,128}(\.[a-zA-Z0-9_-]{1,128})?$/, 'must be <node> or <node>.<port>');

export const applicationManifestSchema = z.strictObject({
  nodeGraph: z.strictObject({
    envelopeVersion: envelope,
    packages: z.array(packageRef).max(100),
    nodes: z.array(node).min(1).max(200),
    edges: z.array(z.strictObject({ producer: endpoint, consumer: endpoint })).max(1000),
    networkRoutingRules: z.array(routingRule).max(100).optional(),
  }),
});
export type ApplicationManifest = z.infer<typeof applicationManifestSchema>['nodeGraph'];

export const manifestOverridesSchema = z.strictObject({
  nodeGraphOverrides: z.strictObject({
    envelopeVersion: envelope.optional(),
    packages: z.array(packageRef).max(100).optional(),
    nodes: z.array(node).max(200).optional(),
    nodeOverrides: z.array(z.strictObject({ replace: name(128), with: z.array(z.strictObject({ name: name(128) })).min(1).max(50) })).max(200).optional(),
    networkRoutingRules: z.array(routingRule).max(100).optional(),
  }),
});
export type ManifestOverrides = z.infer<typeof manifestOverridesSchema>['nodeGraphOverrides'];

/** One problem in a document: where (a JSON path such as `$.nodeGraph.nodes[2].interface`) and what. */
export interface DocumentProblem {
  path: string;
  message: string;
}

export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((p, s) => (typeof s === 'number' ? `${p}[${s}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(s)) ? `${p}.${String(s)}` : `${p}[${JSON.stringify(String(s))}]`), '$');
}

/**
 * Parses a document against its schema: the value, or every problem with its JSON path.
 * An unknown key is named, with the known key it most resembles (the guide's
 * `nodeGraph0overrides` reads "did you mean nodeGraphOverrides?").
 */
export function parseDocument<T>(schema: z.ZodType<T>, doc: unknown, base: readonly PropertyKey[] = []): { value: T; problems: [] } | { value: undefined; problems: DocumentProblem[] } {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return { value: parsed.data, problems: [] };
  const problems = parsed.error.issues.flatMap((issue): DocumentProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const near = known.find((k) => resembles(k, key));
        return { path: jsonPath([...base, ...issue.path, key]), message: `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}` };
      });
    }
    return [{ path: jsonPath([...base, ...issue.path]), message: issue.message }];
  });
  return { value: undefined, problems };
}

/** The keys an object schema declares at a path (for the "did you mean" of an unknown key). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  for (const segment of path) {
    while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    if (s instanceof z.ZodArray && typeof segment === 'number') s = s.element as z.ZodType;
    else if (s instanceof z.ZodObject) s = (s.shape as Record<string, z.ZodType>)[String(segment)];
    else return [];
  }
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Two keys alike but for case or an edit or two (Levenshtein distance ≤ 2). */
function resembles(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > 2) return false;
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length] <= 2;
}
