// Operator settings from the environment (the Helm chart sets them).

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { MOUNT_PATH } from './asterisk/render/layout.ts';
import { type ChartDefaults, parseChartDefaults } from './webrtcconfig/chart-defaults.ts';

export interface OperatorConfig {
  /** Only this namespace, or every namespace when empty. */
  readonly watchNamespace: string;
  /** The operator's own namespace (the Helm release's). */
  readonly podNamespace: string;
  /** Where the leader-election Lease lives. */
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity: string;
  readonly httpPort: number;
  readonly httpHost: string;
  /** How other replicas reach this one's API (API_ENDPOINT, else http://<POD_IP>:<port>, else loopback). */
  readonly apiEndpoint: (port: number) => string;
  readonly concurrency: number;
  /** How long config renders wait to coalesce a burst of agent changes. */
  readonly coalesceMs: number;
  /** How often broken Secret references of a WebRTCConfig are re-checked (user Secrets are not watched). */
  readonly referenceRecheckMs: number;
  /** How long Asterisk may take to see new files (kubelet projection) before Provisioned turns False. */
  readonly asteriskVisibleTimeoutMs: number;
  /** How often GetConfig is asked while waiting for new files. */
  readonly asteriskPollMs: number;
  /** A Warning Event when Asterisk still refuses a new AMI secret after this long. */
  readonly amiRotationWarnMs: number;
  /** The chart's webrtcConfig.* values (WEBRTC_CONFIG_DEFAULTS), applied by the leader. */
  readonly webrtcConfigDefaults: ChartDefaults | undefined;
  /** Where Asterisk has the DTLS Secret mounted (dtls_cert_file/dtls_private_key point there). */
  readonly asteriskDtlsDir: string;
  /** Where Asterisk has the generated objects projected (a tls trunk's CA file is named by this path). */
  readonly asteriskGeneratedDir: string;
  /** Asterisk's https/wss port on spec.ami.host: where the served certificate is read. */
  readonly asteriskHttpsPort: number;
  /** How often the DTLS Secret and the served certificate are compared (the Secret is not watched). */
  readonly certificateCheckMs: number;
  /** How often expired guest permissions are removed from AstDB. */
  readonly guestSweepMs: number;
  /**
   * The read-only AMI user's Secret (chart: <fullname>-ami-readonly): a replica
   * that is not the leader reads the live queues of the watched namespace with
   * it. Empty: followers forward to the leader.
   */
  readonly amiReadOnlySecret: string;
  /** A served certificate with fewer days left is a warning (Event, metric, condition). */
  readonly certificateWarningDays: number;
}

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  let podNamespace = env.POD_NAMESPACE ?? '';
  if (!podNamespace) {
    try {
      podNamespace = readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
    } catch {
      podNamespace = 'default';
    }
  }
  return {
    watchNamespace: env.WATCH_NAMESPACE ?? '',
    podNamespace,
    leaseNamespace: env.LEASE_NAMESPACE ?? podNamespace,
    leaseName: env.LEASE_NAME ?? 'switchboard-operator',
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    httpPort: positiveInt('HTTP_PORT', env.HTTP_PORT, 8080),
    httpHost: env.HTTP_HOST ?? '0.0.0.0',
    apiEndpoint: (port) => {
      if (env.API_ENDPOINT) return env.API_ENDPOINT;
      const ip = env.POD_IP || '127.0.0.1';
      return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
    },
    concurrency: positiveInt('CONCURRENCY', env.CONCURRENCY, 16) || 1,
    coalesceMs: positiveInt('COALESCE_MS', env.COALESCE_MS, 250),
    referenceRecheckMs: positiveInt('REFERENCE_RECHECK_MS', env.REFERENCE_RECHECK_MS, 30_000),
    asteriskVisibleTimeoutMs: positiveInt(
      'ASTERISK_VISIBLE_TIMEOUT_MS',
      env.ASTERISK_VISIBLE_TIMEOUT_MS,
      180_000,
    ),
    asteriskPollMs: positiveInt('ASTERISK_POLL_MS', env.ASTERISK_POLL_MS, 1_000) || 1_000,
    amiRotationWarnMs: positiveInt('AMI_ROTATION_WARN_MS', env.AMI_ROTATION_WARN_MS, 300_000),
    webrtcConfigDefaults: parseChartDefaults(env.WEBRTC_CONFIG_DEFAULTS),
    asteriskDtlsDir: env.ASTERISK_DTLS_DIR || '/etc/asterisk/dtls',
    asteriskGeneratedDir: env.ASTERISK_GENERATED_DIR || MOUNT_PATH,
    asteriskHttpsPort: positiveInt('ASTERISK_HTTPS_PORT', env.ASTERISK_HTTPS_PORT, 8089) || 8089,
    certificateCheckMs:
      positiveInt('CERTIFICATE_CHECK_MS', env.CERTIFICATE_CHECK_MS, 60_000) || 60_000,
    guestSweepMs: positiveInt('GUEST_SWEEP_MS', env.GUEST_SWEEP_MS, 60_000) || 60_000,
    amiReadOnlySecret: env.AMI_READONLY_SECRET ?? '',
    certificateWarningDays: positiveInt(
      'CERTIFICATE_WARNING_DAYS',
      env.CERTIFICATE_WARNING_DAYS,
      14,
    ),
  };
}
