// What the phone's parts report to the controller: milestones for its
// timeline (figures for tests and diagnostics) and "state changed, render".

export interface TimelineEntry {
  readonly event: string;
  /** performance.now() */
  readonly at: number;
}

export interface PhoneHooks {
  readonly mark: (event: string) => void;
  readonly changed: () => void;
}

/** A phone left open for days must not grow its timeline forever. */
export const TIMELINE_LIMIT = 200;

/** Appends in place (the controller exposes this very array), dropping the oldest beyond the limit. */
export function recordEvent(timeline: TimelineEntry[], event: string, at: number): void {
  timeline.push({ event, at });
  if (timeline.length > TIMELINE_LIMIT) timeline.splice(0, timeline.length - TIMELINE_LIMIT);
}
