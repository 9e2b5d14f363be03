// What the softphone shows of a second line (call waiting, call-waiting.ts):
// who is calling, what the line is doing, and which of Answer, Decline and
// Swap can be pressed, with the words a screen reader says. Pure.
import type { CallView } from './call-view.ts';

export interface WaitingView {
  /** "Call waiting" while it rings, "Second line" once answered. */
  readonly title: string;
  readonly name: string;
  /** The caller's number when the name is not it. */
  readonly user: string | undefined;
  readonly status: string;
  /** The line as one sentence, for aria-label. */
  readonly label: string;
  readonly ringing: boolean;
  /** Both calls are answered and neither is between hold and resume (or the first is gone and this one held). */
  readonly canSwap: boolean;
  /** "Swap calls", or "Resume" once the first call is gone. */
  readonly swapLabel: string;
}

function status(call: CallView): string {
  if (call.phase === 'ringing') return 'Ringing: answering holds your call';
  if (call.held) return 'On hold, hearing music';
  return 'Talking';
}

/** undefined when no second call is there. */
export function waitingView(
  first: CallView | undefined,
  second: CallView | undefined,
): WaitingView | undefined {
  if (!second) return undefined;
  const ringing = second.phase === 'ringing';
  const s = status(second);
  return {
    title: ringing ? 'Call waiting' : 'Second line',
    name: second.remoteName,
    user: second.remoteUser !== second.remoteName ? second.remoteUser : undefined,
    status: s,
    label: `${ringing ? 'Call waiting from' : 'Second line,'} ${second.remoteName}: ${s}`,
    ringing,
    canSwap:
      second.phase === 'active' &&
      !second.holdPending &&
      (first
        ? first.phase === 'active' && !first.holdPending && first.held !== second.held
        : second.held),
    swapLabel: first ? 'Swap calls' : 'Resume',
  };
}
