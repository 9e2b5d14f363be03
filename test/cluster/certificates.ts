// Certificates for the local control plane: one CA, the API server's serving
// certificate, client certificates for the admin, the controller manager and
// the API server's calls to kubelets, and the service-account signing key pair. Made with the openssl CLI (EC
// P-256 keys: fast to generate, accepted by every Kubernetes component).
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KUBERNETES_SERVICE_IP, NODE_IP } from './node-network.ts';

const run = promisify(execFile);

export interface ClusterCertificates {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly controllerManagerCert: string;
  readonly controllerManagerKey: string;
  /** kube-apiserver's client certificate towards kubelets (logs, exec, port-forward). */
  readonly kubeletClientCert: string;
  readonly kubeletClientKey: string;
  readonly serviceAccountPublicKey: string;
  readonly serviceAccountPrivateKey: string;
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(err)}`);
  }
}

export const CLIENT_EXTENSIONS =
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

export async function signedCertificate(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
  ca: { cert: string; key: string },
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
  await openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    // A random serial of its own: -CAcreateserial shares ca.srl between the
    // certificates signed in parallel below, and one read it half-written.
    '-set_serial',
    `0x${randomBytes(16).toString('hex')}`,
    '-days',
    '365',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { cert, key };
}

export async function createCertificates(dir: string): Promise<ClusterCertificates> {
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    caKey,
    '-subj',
    '/CN=switchboard-test-ca',
    '-days',
    '365',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    caCert,
  ]);
  const ca = { cert: caCert, key: caKey };
  await Promise.all([
    signedCertificate(
      dir,
      'apiserver',
      '/CN=kube-apiserver',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
        // Pods reach it as the `kubernetes` Service, which leads to the node's address.
        `subjectAltName=IP:127.0.0.1,IP:${KUBERNETES_SERVICE_IP},IP:${NODE_IP},DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n`,
      ca,
    ),
    signedCertificate(
      dir,
      'admin',
      '/O=system:masters/CN=switchboard-admin',
      CLIENT_EXTENSIONS,
      ca,
    ),
    signedCertificate(
      dir,
      'controller-manager',
      '/CN=system:kube-controller-manager',
      CLIENT_EXTENSIONS,
      ca,
    ),
    signedCertificate(
      dir,
      'apiserver-kubelet-client',
      '/CN=kube-apiserver-kubelet-client',
      CLIENT_EXTENSIONS,
      ca,
    ),
  ]);

  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccountPublicKey = join(dir, 'sa.pub');
  const serviceAccountPrivateKey = join(dir, 'sa.key');
  writeFileSync(serviceAccountPublicKey, sa.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(serviceAccountPrivateKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });

  return certificatePaths(dir);
}

/** Where createCertificates(dir) put each file (a test process attaching to the run's control plane). */
export function certificatePaths(dir: string): ClusterCertificates {
  const pair = (name: string) => [join(dir, `${name}.crt`), join(dir, `${name}.key`)] as const;
  const [serverCert, serverKey] = pair('apiserver');
  const [adminCert, adminKey] = pair('admin');
  const [controllerManagerCert, controllerManagerKey] = pair('controller-manager');
  const [kubeletClientCert, kubeletClientKey] = pair('apiserver-kubelet-client');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert,
    serverKey,
    adminCert,
    adminKey,
    controllerManagerCert,
    controllerManagerKey,
    kubeletClientCert,
    kubeletClientKey,
    serviceAccountPublicKey: join(dir, 'sa.pub'),
    serviceAccountPrivateKey: join(dir, 'sa.key'),
  };
}
