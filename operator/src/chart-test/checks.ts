// What `helm test` checks after an install (templates/tests/): each check
// answers a line a platform engineer can act on. Run in Pods from the
// operator image: `main.mjs chart-test <check> <target>`.
import { amiLogin } from './ami-login.ts';

export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
}

const pass = (message: string): CheckResult => ({ ok: true, message });
const fail = (message: string): CheckResult => ({ ok: false, message });

/** The operator's Service answers: ready, and serving the web UI. */
export async function checkOperator(base: string): Promise<CheckResult> {
  try {
    const ready = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) });
    if (ready.status !== 200) return fail(`${base}/readyz answered ${ready.status}`);
    const page = await fetch(`${base}/`, { signal: AbortSignal.timeout(5000) });
    const type = page.headers.get('content-type') ?? '';
    if (page.status !== 200 || !type.startsWith('text/html'))
      return fail(`${base}/ answered ${page.status} ${type}, not the web UI`);
    return pass(`${base} is ready and serves the web UI`);
  } catch (err) {
    return fail(`${base} does not answer: ${(err as Error).message}`);
  }
}

/**
 * Asterisk accepts the operator's AMI credentials and refuses a wrong
 * secret (so AMI is not open to anyone who reaches the port).
 */
export async function checkAmi(
  host: string,
  port: number,
  username: string,
  secret: string,
): Promise<CheckResult> {
  const login = await amiLogin(host, port, username, secret);
  if (login.outcome === 'unreachable') return fail(`AMI ${host}:${port}: ${login.message}`);
  if (login.outcome === 'refused')
    return fail(`AMI ${host}:${port} refused the operator's credentials: ${login.message}`);
  const wrong = await amiLogin(host, port, username, `${secret}-wrong`);
  if (wrong.outcome !== 'refused')
    return fail(`AMI ${host}:${port} did not refuse a wrong secret (${wrong.outcome})`);
  return pass(
    `AMI ${host}:${port} (${login.banner}) accepts the operator's user and refuses a wrong secret`,
  );
}

/** From a Pod the NetworkPolicy does not admit, AMI must not answer at all. */
export async function checkAmiClosed(host: string, port: number): Promise<CheckResult> {
  const login = await amiLogin(host, port, 'nobody', 'nothing', 3000);
  if (login.outcome === 'unreachable')
    return pass(`AMI ${host}:${port} is closed to Pods other than the operator (${login.message})`);
  return fail(
    `AMI ${host}:${port} answered a Pod that is not the operator: is NetworkPolicy enforced by this cluster's network plugin?`,
  );
}

/** Asterisk's WebSocket answers the upgrade with the SIP subprotocol. */
export async function checkWebSocket(url: string): Promise<CheckResult> {
  return await new Promise((resolve) => {
    const ws = new WebSocket(url, 'sip');
    const timer = setTimeout(() => {
      ws.close();
      resolve(fail(`${url}: no upgrade within 5000 ms`));
    }, 5000);
    ws.addEventListener('open', () => {
      clearTimeout(timer);
      const protocol = ws.protocol;
      ws.close();
      resolve(
        protocol === 'sip'
          ? pass(`${url} upgrades to a SIP WebSocket`)
          : fail(`${url} upgraded without the "sip" subprotocol ("${protocol}")`),
      );
    });
    ws.addEventListener('error', () => {
      clearTimeout(timer);
      resolve(fail(`${url} refused the WebSocket upgrade`));
    });
  });
}
