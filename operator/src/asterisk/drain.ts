// A graceful Asterisk stop (an upgrade, a restart, a node drain): the Pod's
// preStop hook runs DRAIN_CONTEXT, which marks Asterisk as draining (a global
// variable the dialplan checks before any new call) and tells the operator
// (a UserEvent, class "user"), then asks for "core stop when convenient":
// calls in progress (and callers already waiting in a queue, whose agents'
// channels Asterisk may still create) end naturally, new calls are refused
// with cause 42 (503) so a carrier can route them elsewhere, and Asterisk
// exits once no channel is left. "core stop gracefully" would refuse every
// new channel, also the agents' channels a waiting caller needs.
import type { AmiEvent } from './ami/messages.ts';

export const DRAIN_CONTEXT = 'switchboard-drain';
export const DRAINING_CONTEXT = 'switchboard-draining';
export const DRAINING_VARIABLE = 'SWITCHBOARD_DRAINING';
export const DRAIN_EVENT = 'SwitchboardDraining';
/** Q.850 switching equipment congestion: chan_pjsip answers 503. */
export const DRAIN_CAUSE = 42;

const global = `$${'{'}GLOBAL(${DRAINING_VARIABLE})}`;

/** The dialplan step every new call passes first: refused while draining. */
export const drainGate = (): string => `GotoIf($["${global}" = "1"]?${DRAINING_CONTEXT},s,1)`;

/** The contexts the preStop hook and the gate use (render/dialplan.ts). */
export function drainContexts(): string[] {
  return [
    `[${DRAIN_CONTEXT}]`,
    `exten => start,1,Set(GLOBAL(${DRAINING_VARIABLE})=1)`,
    ` same => n,UserEvent(${DRAIN_EVENT})`,
    ' same => n,Hangup()',
    '',
    `[${DRAINING_CONTEXT}]`,
    // the fast busy tone as early media, then the cause the softphone puts in words
    'exten => s,1,Progress()',
    ' same => n,Playtones(congestion)',
    ' same => n,Wait(2)',
    ` same => n,Hangup(${DRAIN_CAUSE})`,
    '',
  ];
}

/** Whether an AMI event is the preStop hook's "Asterisk is draining". */
export function isDrainEvent(e: AmiEvent): boolean {
  if (e.event !== 'UserEvent' || !('fields' in e)) return false;
  const v = e.fields.userevent;
  return (Array.isArray(v) ? v[0] : v)?.trim() === DRAIN_EVENT;
}

/** The shell command of the Asterisk Pod's preStop hook (charts/switchboard). */
// The container ends when Asterisk (PID 1) exits; until then the hook holds
// the kubelet's SIGTERM back (terminationGracePeriodSeconds bounds it).
// test/helm/template.test.ts checks that the chart runs exactly this.
export const PRESTOP_COMMAND = [
  `asterisk -rx 'channel originate Local/start@${DRAIN_CONTEXT} application NoOp' >/dev/null`,
  "asterisk -rx 'core stop when convenient' >/dev/null &",
  'while kill -0 1 2>/dev/null; do sleep 1; done',
].join('\n');
