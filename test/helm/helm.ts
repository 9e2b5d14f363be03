// Runs the real helm (built by tools/build.sh) against the chart in
// charts/switchboard, and parses what it renders.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../cluster/tools.ts';

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

export const WEBRTC_API = 'switchboard.dev/v1alpha1/WebRTCConfig';

/** Renders the chart (as if the CRDs were known, unless told otherwise) and parses every object. */
export async function render(
  values: Record<string, unknown> = {},
  options: { namespace?: string; release?: string; crdsKnown?: boolean } = {},
): Promise<K8sObject[]> {
  const args = [
    'template',
    options.release ?? 'sb',
    chartPath,
    '--namespace',
    options.namespace ?? 'callcenter',
    ...(options.crdsKnown === false ? [] : ['--api-versions', WEBRTC_API]),
    ...valueFlags(values),
  ];
  const result = await helm(args);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(
      `no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
    );
  return found;
}
