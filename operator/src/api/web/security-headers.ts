// The Content-Security-Policy: everything from this origin only, no inline
// script, no inline style attribute sources beyond Lit's constructable
// stylesheets (which CSP does not restrict), and WebSockets only to the
// Asterisk URL the WebRTCConfig names. No upgrade-insecure-requests: every
// other source is this origin, and it would silently turn a ws:// Asterisk URL
// into wss:// (it upgrades WebSockets too), so a softphone behind a plain
// port-forward (secure cookies on: browsers treat http://localhost as secure)
// could never connect.
type Directive = string | ((req: unknown, res: unknown) => string);

export function wsOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

export function contentSecurityPolicy(
  asteriskWsUrl: () => string | undefined,
): Record<string, Directive[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'media-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", () => wsOrigin(asteriskWsUrl()) ?? "'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}
