// Which page a path shows to whom. Pure: the shell renders the result.
export type View =
  | 'login'
  | 'hr'
  | 'settings'
  | 'softphone'
  | 'dialer'
  | 'monitor'
  | 'reports'
  | 'forbidden'
  | 'not-found';
export type Role = 'admin' | 'agent';

export type Route = { readonly view: View } | { readonly redirect: string };

const PAGES: Record<string, { view: View; roles: readonly Role[] }> = {
  '/dashboard/hr': { view: 'hr', roles: ['admin'] },
  '/dashboard/monitor': { view: 'monitor', roles: ['admin'] },
  '/dashboard/reports': { view: 'reports', roles: ['admin'] },
  '/dashboard/settings': { view: 'settings', roles: ['admin'] },
  '/dashboard/call-dialer': { view: 'dialer', roles: ['admin'] },
  '/dashboard/webrtc-setup': { view: 'softphone', roles: ['admin', 'agent'] },
};

export function homeOf(role: Role): string {
  return role === 'admin' ? '/dashboard/hr' : '/dashboard/webrtc-setup';
}

export function resolveRoute(path: string, role: Role | undefined): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (!role) return clean === '/login' ? { view: 'login' } : { redirect: '/login' };
  if (clean === '/' || clean === '/login' || clean === '/dashboard')
    return { redirect: homeOf(role) };
  const page = PAGES[clean];
  if (!page) return { view: 'not-found' };
  return page.roles.includes(role) ? { view: page.view } : { view: 'forbidden' };
}

export interface NavLink {
  readonly href: string;
  readonly label: string;
}

export function navFor(role: Role): NavLink[] {
  return role === 'admin'
    ? [
        { href: '/dashboard/hr', label: 'Agents' },
        { href: '/dashboard/monitor', label: 'Wallboard' },
        { href: '/dashboard/reports', label: 'Reports' },
        { href: '/dashboard/settings', label: 'WebRTC settings' },
        { href: '/dashboard/webrtc-setup', label: 'Softphone' },
        { href: '/dashboard/call-dialer', label: 'Call dialer' },
      ]
    : [{ href: '/dashboard/webrtc-setup', label: 'Softphone' }];
}
