// What the call view shows during an attended transfer: both lines (the
// held caller and the consult call) and which of "Consult", "Complete
// transfer" and "Back to caller" can be pressed, with the words a screen
// reader says for each. Pure: the softphone renders it.
import type { CallView } from './call-view.ts';

export interface ConsultLineView {
  readonly role: 'caller' | 'colleague';
  readonly name: string;
  /** What the line is doing, in words ("On hold", "Ringing…", "Talking"). */
  readonly status: string;
  /** The line as one sentence, for aria-label. */
  readonly label: string;
}

export interface ConsultView {
  /** Empty when there is no consultation: the ordinary call view applies. */
  readonly lines: readonly ConsultLineView[];
  readonly canConsult: boolean;
  readonly canComplete: boolean;
  /** The three can be joined (the colleague answered, not joined yet). */
  readonly canConference: boolean;
  readonly canGoBack: boolean;
  /** "Back to caller", or "Hang up" once the caller is gone. */
  readonly backLabel: string;
  /** Says what pressing "Complete transfer" does (aria-describedby). */
  readonly completeHint: string;
}

function consultStatus(consult: CallView, conference: boolean): string {
  if (consult.transferPending) return 'Transferring…';
  if (conference) return 'In conference';
  if (consult.phase === 'active') return 'Talking';
  return 'Ringing…';
}

export function consultView(
  caller: CallView | undefined,
  consult: CallView | undefined,
  conference = false,
): ConsultView {
  const pending = Boolean(caller?.transferPending || consult?.transferPending);
  const canConsult =
    !consult && caller?.phase === 'active' && !caller.transferPending && !caller.holdPending;
  if (!consult) {
    return {
      lines: [],
      canConsult,
      canComplete: false,
      canConference: false,
      canGoBack: false,
      backLabel: '',
      completeHint: '',
    };
  }
  const lines: ConsultLineView[] = [];
  if (caller) {
    const status = conference
      ? 'In conference'
      : caller.held
        ? 'On hold, hearing music'
        : 'Connected';
    lines.push({
      role: 'caller',
      name: caller.remoteName,
      status,
      label: `Caller ${caller.remoteName}: ${status}`,
    });
  }
  const status = consultStatus(consult, conference);
  lines.push({
    role: 'colleague',
    name: consult.remoteName,
    status,
    label: `Consulting ${consult.remoteName}: ${status}`,
  });
  const canComplete = Boolean(caller) && consult.phase === 'active' && !pending;
  return {
    lines,
    canConsult: false,
    canComplete,
    canConference: canComplete && !conference,
    canGoBack: !pending,
    backLabel: caller ? 'Back to caller' : 'Hang up',
    completeHint: caller
      ? `Connects ${caller.remoteName} with ${consult.remoteName}; both calls end for you.`
      : '',
  };
}
