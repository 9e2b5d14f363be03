// Runs the real helm (built by tools/build.sh) against the chart in
// charts/switchboard, and parses what it renders.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import type { WebRTCConfigSpec } from '../../operator/src/crds/types.ts';
import { parseChartDefaults } from '../../operator/src/webrtcconfig/chart-defaults.ts';
import { repoRoot } from '../cluster/tools.ts';
import { kubectl, type TestCluster } from '../support/cluster.ts';

export const chartPath = join(repoRoot, 'charts', 'switchboard');

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are inspected field by field in tests
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [key: string]: any;
}

function helmPath(): string {
  const bin = process.env.SWITCHBOARD_BIN;
  if (!bin) throw new Error('SWITCHBOARD_BIN is not set: run through the global test setup');
  return join(bin, 'helm');
}

/** helm with its state (cache, config, plugins) kept out of $HOME. */
export function helm(args: readonly string[], kubeconfig?: string): Promise<HelmResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HELM_CACHE_HOME: join(repoRoot, '.run', 'helm', 'cache'),
    HELM_CONFIG_HOME: join(repoRoot, '.run', 'helm', 'config'),
    HELM_DATA_HOME: join(repoRoot, '.run', 'helm', 'data'),
  };
  if (kubeconfig) env.KUBECONFIG = kubeconfig;
  return new Promise((resolve) => {
    execFile(helmPath(), args, { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `helm template` flags for a set of values (--set-json keeps types exact). */
export function valueFlags(values: Record<string, unknown>): string[] {
  return Object.entries(values).flatMap(([path, v]) => [
    '--set-json',
    `${path}=${JSON.stringify(v)}`,
  ]);
}

/** Renders the chart and parses every object. */
export async function render(
  values: Record<string, unknown> = {},
  options: { namespace?: string; release?: string; chart?: string } = {},
): Promise<K8sObject[]> {
  const args = [
    'template',
    options.release ?? 'sb',
    options.chart ?? chartPath,
    '--namespace',
    options.namespace ?? 'callcenter',
    ...valueFlags(values),
  ];
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The operator Deployment's WEBRTC_CONFIG_DEFAULTS (the WebRTCConfig spec JSON), if set. */
export function webrtcConfigDefaultsEnv(deployment: K8sObject): string | undefined {
  const [container] = deployment.spec.template.spec.containers as {
    env: { name: string; value?: string }[];
  }[];
  return container?.env.find((e) => e.name === 'WEBRTC_CONFIG_DEFAULTS')?.value;
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found;
}

/** The WebRTCConfig spec the chart hands the operator, checked as the operator checks it at start. */
export function chartWebrtcSpec(
  objects: readonly K8sObject[],
  release = 'sb',
): Partial<WebRTCConfigSpec> {
  const deployment = find(objects, 'Deployment', `${release}-switchboard-operator`);
  const parsed = parseChartDefaults(webrtcConfigDefaultsEnv(deployment));
  if (!parsed) throw new Error('the operator Deployment has no WEBRTC_CONFIG_DEFAULTS');
  return parsed.spec as Partial<WebRTCConfigSpec>;
}

/** WEBRTC_CONFIG_DEFAULTS of a release's operator Deployment as the API server has it now. */
export async function liveChartDefaults(
  cluster: TestCluster,
  namespace: string,
  deployment: string,
): Promise<string> {
  const live = await kubectl(cluster, [
    'get',
    'deployment',
    '-n',
    namespace,
    deployment,
    '-o',
    'json',
  ]);
  if (live.code !== 0) throw new Error(`kubectl get deployment ${deployment}: ${live.stderr}`);
  const env = webrtcConfigDefaultsEnv(JSON.parse(live.stdout) as K8sObject);
  if (!env) throw new Error(`${deployment} has no WEBRTC_CONFIG_DEFAULTS`);
  return env;
}

/** An admin kubeconfig acting as `user` (the admin may impersonate): the release's ServiceAccount. */
export function impersonatingKubeconfig(admin: string, path: string, user: string): string {
  const config = parse(readFileSync(admin, 'utf8'));
  for (const u of config.users) u.user.as = user;
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
