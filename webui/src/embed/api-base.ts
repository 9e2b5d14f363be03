// Where <switchboard-call-button> finds the operator's API: the origin its own
// script came from (document.currentScript.src), unless the element names
// one in its `api` attribute. Pure.
export function apiBaseFrom(scriptSrc: string | undefined, apiAttribute?: string | null): string {
  for (const candidate of [apiAttribute, scriptSrc]) {
    if (!candidate) continue;
    try {
      const u = new URL(candidate);
      if (u.protocol === 'https:' || u.protocol === 'http:') return u.origin;
    } catch {
      // not an absolute URL: try the next
    }
  }
  return '';
}
