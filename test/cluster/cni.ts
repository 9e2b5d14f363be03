// The node's Pod network: Debian's reference CNI plugins (bridge, host-local,
// portmap) on one bridge whose address is the node's. Pods get a route to the
// Pod and Service ranges only (no default route) and no masquerading, so
// nothing a Pod sends can leave the machine.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BRIDGE, NODE_IP, POD_CIDR, POD_PREFIX_LENGTH, SERVICE_CIDR } from './node-network.ts';

const run = promisify(execFile);

export function cniConflist(ipamDataDir: string): object {
  return {
    cniVersion: '1.0.0',
    name: 'switchboard',
    plugins: [
      {
        type: 'bridge',
        bridge: BRIDGE,
        isGateway: true,
        isDefaultGateway: false,
        ipMasq: false,
        // A Pod behind a Service may reach itself through the Service's IP.
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          // Its leases in the run's directory, not the machine-wide /var/lib/cni.
          dataDir: ipamDataDir,
          ranges: [[{ subnet: POD_CIDR, gateway: NODE_IP }]],
          // The Pod range is on-link; the Service range goes through the node,
          // where kube-proxy rewrites it. Nothing else is routed.
          routes: [{ dst: SERVICE_CIDR, gw: NODE_IP }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

export function writeCniConfig(confDir: string, ipamDataDir: string): void {
  mkdirSync(confDir, { recursive: true });
  writeFileSync(
    join(confDir, '10-switchboard.conflist'),
    `${JSON.stringify(cniConflist(ipamDataDir), null, 2)}\n`,
  );
}

async function ip(args: readonly string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || String(err)}`);
  }
}

/**
 * Creates the bridge with the node's address before anything else: the
 * kubelet's --node-ip and CoreDNS bind to it before the first Pod exists.
 */
export async function createBridge(): Promise<void> {
  await deleteBridge(); // a crashed run's bridge would keep its stale address
  await ip(['link', 'add', BRIDGE, 'type', 'bridge']);
  await ip(['addr', 'add', `${NODE_IP}/${POD_PREFIX_LENGTH}`, 'dev', BRIDGE]);
  await ip(['link', 'set', BRIDGE, 'up']);
}

export async function deleteBridge(): Promise<void> {
  await run('ip', ['link', 'delete', BRIDGE, 'type', 'bridge']).catch(() => undefined);
}
