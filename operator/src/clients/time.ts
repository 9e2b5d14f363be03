// Kubernetes time formats. MicroTime (Lease renewTime, Event eventTime) must
// carry six fractional digits: the API server rejects JavaScript's three, and
// client-node passes these fields through unformatted.

export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** metav1.Time: RFC 3339 in whole seconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
