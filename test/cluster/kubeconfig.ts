import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigUser {
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Writes a self-contained kubeconfig (certificates inlined) and returns its path. */
export function writeKubeconfig(
  path: string,
  server: string,
  caFile: string,
  user: KubeconfigUser,
): string {
  const b64 = (file: string) => readFileSync(file).toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'switchboard-local', cluster: { server, 'certificate-authority-data': b64(caFile) } },
    ],
    users: [
      {
        name: user.name,
        user: {
          'client-certificate-data': b64(user.certFile),
          'client-key-data': b64(user.keyFile),
        },
      },
    ],
    contexts: [
      { name: 'switchboard-local', context: { cluster: 'switchboard-local', user: user.name } },
    ],
    'current-context': 'switchboard-local',
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}
