// `main.mjs chart-test <check> ...`: the checks `helm test` runs in Pods from
// the operator image (charts/switchboard/templates/tests/). Prints one line
// and exits 0 (passed) or 1 (failed) — what `helm test --logs` shows.
import {
  type CheckResult,
  checkAmi,
  checkAmiClosed,
  checkOperator,
  checkWebSocket,
} from './checks.ts';

const USAGE =
  'usage: chart-test operator <base-url> | ami <host> <port> (AMI_USERNAME, AMI_SECRET) | ami-closed <host> <port> | websocket <ws-url>';

function hostPort(args: readonly string[]): [string, number] {
  const port = Number(args[1]);
  if (!args[0] || !Number.isInteger(port)) throw new Error(USAGE);
  return [args[0], port];
}

export async function chartTest(args: readonly string[]): Promise<CheckResult> {
  const [check, ...rest] = args;
  switch (check) {
    case 'operator':
      if (!rest[0]) break;
      return await checkOperator(rest[0]);
    case 'ami': {
      const username = process.env.AMI_USERNAME;
      const secret = process.env.AMI_SECRET;
      if (!username || !secret)
        return { ok: false, message: 'AMI_USERNAME and AMI_SECRET are not set' };
      return await checkAmi(...hostPort(rest), username, secret);
    }
    case 'ami-closed':
      return await checkAmiClosed(...hostPort(rest));
    case 'websocket':
      if (!rest[0]) break;
      return await checkWebSocket(rest[0]);
  }
  return { ok: false, message: USAGE };
}

export async function runChartTest(args: readonly string[]): Promise<never> {
  const result = await chartTest(args).catch((err: Error) => ({ ok: false, message: err.message }));
  console.log(`${result.ok ? 'ok' : 'FAILED'}: ${result.message}`);
  process.exit(result.ok ? 0 : 1);
}
