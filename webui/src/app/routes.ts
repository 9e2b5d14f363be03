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
/** admin: everything; supervisor: the wallboard and its own softphone; agent: its softphone. */
export type Role = 'admin' | 'supervisor' | 'agent';

export type Route = { readonly view: View } | { readonly redirect: string };

const PAGES: Record<string, { view: View; roles: readonly Role[] }> = {
  '/dashboard/hr': { view: 'hr', roles: ['admin'] },
  '/dashboard/monitor': { view: 'monitor', roles: ['admin', 'supervisor'] },
  '/dashboard/reports': { view: 'reports', roles: ['admin', 'supervisor'] },
  '/dashboard/settings': { view: 'settings', roles: ['admin'] },
  '/dashboard/call-dialer': { view: 'dialer', roles: ['admin'] },
  '/dashboard/webrtc-setup': { view: 'softphone', roles: ['admin', 'supervisor', 'agent'] },
};

export function homeOf(role: Role): string {
  return {
    admin: '/dashboard/hr',
    supervisor: '/dashboard/monitor',
    agent: '/dashboard/webrtc-setup',
  }[role];
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

/** The words of the "forbidden" page: who the page at `path` is for. */
export function forbiddenText(path: string): string {
  const roles = PAGES[path.replace(/\/+$/, '')]?.roles ?? ['admin'];
  const names = { admin: 'administrators', supervisor: 'supervisors', agent: 'agents' };
  return `This page is for ${roles.map((r) => names[r]).join(' and ')} only.`;
}

export interface NavLink {
  readonly href: string;
  readonly label: string;
}

export function navFor(role: Role): NavLink[] {
  if (role === 'supervisor')
    return [
      { href: '/dashboard/monitor', label: 'Wallboard' },
      { href: '/dashboard/webrtc-setup', label: 'Softphone' },
    ];
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
