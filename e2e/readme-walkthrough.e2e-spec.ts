import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type Stack, dataOf, gql, startApp, startStack, until, waitForOutput } from './support';

jest.setTimeout(300_000);

const FIXTURES = path.join(__dirname, 'fixtures/panorama');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The README's CLI walkthrough: the ```sh block under "The edgefleet CLI", a command a line. */
function walkthrough(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The edgefleet CLI'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block.split('\n').filter((l) => l.startsWith('edgefleet '));
}

/**
 * The README's CLI walkthrough as written, a line at a time, at Panorama's default rates (5
 * requests and 1 mutation a second per key): only its placeholders are filled in, with what
 * the commands before printed. Every line must succeed.
 */
describe("the README's CLI walkthrough, at the default rate limits", () => {
  let stack: Stack;
  const installationKey = `efi_${randomBytes(24).toString('base64url')}`;
  beforeAll(async () => {
    // The default rates, not the raised ones of the other suites.
    stack = await startStack('walkthrough', { RATE_LIMIT_REQUESTS_PER_SECOND: '5', RATE_LIMIT_MUTATIONS_PER_SECOND: '1', EDGEFLEET_INSTALLATION_ADMIN_KEY: installationKey, JOB_SWEEP_MS: '250' });
  });
  afterAll(() => stack.stop());

  it('runs every line, each exiting 0', async () => {
    const q = async (query: string, variables: Record<string, unknown> = {}) => dataOf(await gql(stack.url, stack.key, query, variables));
    // Two simulated appliances, with a key of their own: one runs the application, one (tagged site=hq, on 5.0.7) takes the OTA.
    const fleetKey = (await q('mutation { createApiKey(input: {name: "fleet", role: OPERATOR}) { secret } }')).createApiKey.secret;
    const fleet = startApp('edge-agent', { EDGEFLEET_API_KEY: fleetKey, API_PORT: stack.env.API_PORT, DATA_DIR: stack.env.DATA_DIR }, ['--devices', '2', '--prefix', 'walk', '--churn', '0', '--job-step-ms', '50', '--reboot-ms', '200'], 'fleet.main.ts');
    stack.running.push(fleet);
    await waitForOutput(fleet, /fleet ready: 2 devices/, 120_000);
    const devices = await until(() => q('{ devices(first: 10, filter: {nameContains: "walk-"}) { edges { node { deviceId name arn deviceConnectionStatus } } } }'), (d) => d.devices.edges.length === 2 && d.devices.edges.every((e: any) => e.node.deviceConnectionStatus === 'ONLINE'));
    const byName = Object.fromEntries(devices.devices.edges.map((e: any) => [e.node.name, e.node]));
    await q('mutation($arn: String!) { tagResource(resourceArn: $arn, tags: [{key: "site", value: "hq"}]) { key } }', { arn: byName['walk-2'].arn });

    // The files the walkthrough names, in the folder it runs in.
    const dir = path.join(stack.dir, 'walkthrough');
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-czf', path.join(dir, 'code.tar.gz'), '-C', path.join(FIXTURES, 'sample-app'), 'application.py']);
    const code = readFileSync(path.join(dir, 'code.tar.gz'));
    const descriptor = readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.descriptor.json'));
    writeFileSync(path.join(dir, 'descriptor.json'), descriptor);
    writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(FIXTURES, 'SAMPLE_CODE.package.json'), 'utf8').replace('<code_asset>', sha256(code)).replace('<code_descriptor>', sha256(descriptor)));
    writeFileSync(path.join(dir, 'image.tar.gz'), randomBytes(200_000));

    const env = { ...process.env, NODE_OPTIONS: '', EDGEFLEET_CONFIG_FILE: path.join(dir, 'cli.json'), EDGEFLEET_ENDPOINT: '', EDGEFLEET_API_KEY: '' };
    const filled: Record<string, string> = { '<deviceId>': byName['walk-1'].deviceId };
    const outputs: string[] = [];
    /** One line of the walkthrough in bash, `edgefleet` being the bin; in a terminal (script) when it asks for a password. */
    const run = (line: string, extraEnv: Record<string, string> = {}) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const command = `edgefleet() { ${process.execPath} ${path.join(ROOT, 'apps/cli/bin/edgefleet.js')} "$@"; }; ${line}`;
        const child = line.includes('cameras add') ? spawn('script', ['-qec', `bash -c '${command.replaceAll("'", "'\\''")}'`, '/dev/null'], { cwd: dir, env: { ...env, ...extraEnv } }) : spawn('bash', ['-c', command], { cwd: dir, env: { ...env, ...extraEnv } });
        let out = '';
        let typed = false;
        const onData = (d: Buffer) => {
          out += d;
          // Typed once the prompt is there (the terminal then echoes nothing: the CLI hides what is typed).
          if (!typed && out.includes('Password for admin@exterior-south:')) {
            typed = true;
            setTimeout(() => child.stdin!.write('cam-secret-walk\r'), 100);
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        // A line that hangs fails, with what it printed.
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('exit', (code) => (clearTimeout(timer), resolve({ code: code ?? 1, out })));
      });

    for (const written of walkthrough()) {
      let line = written.replace('--endpoint http://127.0.0.1:3000', `--endpoint ${stack.url}`).replace('efk_…', stack.key);
      if (line.includes('deploy ./my-app')) {
        // The application folder as panorama-cli lays it out: the guide's sample (its model aside: nothing runs it here), its camera chosen.
        const account = /Account id:\s+(\d{12})/.exec(outputs[0])![1];
        const graph = JSON.parse(readFileSync(path.join(FIXTURES, 'graph.json'), 'utf8').replaceAll('123456789012', account));
        graph.nodeGraph.packages = graph.nodeGraph.packages.filter((p: { name: string }) => !p.name.includes('SQUEEZENET'));
        graph.nodeGraph.nodes = graph.nodeGraph.nodes.filter((n: { name: string }) => n.name !== 'model_node');
        mkdirSync(path.join(dir, 'my-app/graphs/my-app'), { recursive: true });
        writeFileSync(path.join(dir, 'my-app/graphs/my-app/graph.json'), JSON.stringify(graph));
        writeFileSync(path.join(dir, 'my-app/graphs/my-app/override.json'), readFileSync(path.join(FIXTURES, 'overrides.json'), 'utf8').replaceAll('123456789012', account));
      }
      for (const [placeholder, value] of Object.entries(filled)) line = line.replaceAll(placeholder, value);
      expect(line).not.toMatch(/<\w+>/);
      const r = await run(line, line.includes('orgs ') ? { EDGEFLEET_API_KEY: installationKey } : {});
      outputs.push(r.out);
      expect([line, r.code, r.code === 0 ? '' : r.out]).toEqual([line, 0, '']);
      filled['<packageId>'] ??= /package-[a-z2-7]{26}/.exec(r.out)?.[0] as string;
      if (line.includes('deploy ./my-app')) filled['<applicationInstanceId>'] = /applicationInstance-[a-z2-7]{26}/.exec(r.out)![0];
      for (const k of Object.keys(filled)) if (filled[k] === undefined) delete filled[k];
    }
    const all = outputs.join('\n');
    // No refusal of our own rates reached the user, and the camera's password was never shown.
    expect(all).not.toMatch(/RATE_LIMITED/);
    expect(all).not.toContain('cam-secret-walk');
    expect(all).toMatch(/INTERFACE \(IN MANIFESTS\)[\s\S]*\d{12}::exterior-south\.exterior-south/);
    expect(all).toMatch(/STATUS:\s+DEPLOYMENT_SUCCEEDED/);
    expect(all).toMatch(/started code_node of applicationInstance-/);
  });
});
