// How a report's UTC range [from, to) divides between the rollup and the raw
// queue log: the whole 15-minute buckets inside it come from the rollup (less
// the stale ones, which the SQL reads raw), the partial buckets at either edge
// from raw rows. A local day in a zone whose offset is a multiple of 15
// minutes has no partial bucket; any other edge (an offset of seconds, e.g.
// Africa/Monrovia before 1972) is still exact, just read raw. Pure.

/** The rollup's bucket (migration 0006: date_bin('15 minutes', time, '1970-01-01')). */
export const BUCKET_MS = 15 * 60 * 1000;

export interface RollupSplit {
  /** [fullFrom, fullTo): whole buckets, from the rollup; [from, fullFrom) and [fullTo, to) raw. */
  readonly fullFrom: Date;
  readonly fullTo: Date;
}

export function splitRange(range: { readonly from: Date; readonly to: Date }): RollupSplit {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const first = Math.ceil(from / BUCKET_MS) * BUCKET_MS;
  const last = Math.floor(to / BUCKET_MS) * BUCKET_MS;
  if (first < last) return { fullFrom: new Date(first), fullTo: new Date(last) };
  // No whole bucket inside: everything raw, the two edges meeting in one point.
  const at = new Date(Math.max(from, Math.min(first, to)));
  return { fullFrom: at, fullTo: at };
}
