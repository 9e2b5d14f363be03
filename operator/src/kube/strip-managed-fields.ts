// What the caches keep of an object: everything but metadata.managedFields.
// Server-side-apply bookkeeping is often the largest part of an object (on a
// SipAgent written by kubectl, the web UI and the operator's status patches,
// over half its JSON) and nothing here reads it; dropping it on the way into the
// cache keeps 10,000 agents' worth of it out of memory (controller-runtime's
// TransformStripManagedFields does the same for Go operators).

/** Removes metadata.managedFields in place and returns the object. */
export function stripManagedFields<T>(obj: T): T {
  const metadata = (obj as { metadata?: { managedFields?: unknown } } | null)?.metadata;
  if (metadata && 'managedFields' in metadata) delete metadata.managedFields;
  return obj;
}
