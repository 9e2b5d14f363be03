// A test double for Asterisk 22's manager interface (AMI), built from the
// recorded transcripts in ../shared/asterisk/: same banner, framing, field
// names and order, responses, errors and events. It serves GetConfig from a
// directory, "loads" PJSIP objects from it on reload as Asterisk does, and
// injects faults. Where the transcripts are silent, see GAPS.md.
import { createServer, type Server, type Socket } from 'node:net';

import { insideDir, readConfig } from './config-files.ts';
import {
  type Fields,
  formatMessage,
  formatWithBareLine,
  header,
  parseRequests,
} from './framing.ts';
import { endpoints, type LoadResult, loadPjsip } from './pjsip-objects.ts';

export const BANNER = 'Asterisk Call Manager/11.0.0\r\n';
const RELOADABLE = new Set(['res_pjsip.so', 'pbx_config.so', 'app_queue.so']);

export interface AmiServerOptions {
  readonly username: string;
  readonly secret: string;
  /** Stands for /etc/asterisk: GetConfig reads here, reloads load pjsip.conf from here. */
  readonly configDir: string;
  /** How long a reload takes (a reload is synchronous in Asterisk). */
  readonly reloadMs?: number;
}

export interface Registration {
  readonly endpoint: string;
  readonly uri: string;
  readonly userAgent: string;
}

interface Session {
  readonly socket: Socket;
  authenticated: boolean;
  events: boolean;
  buffer: string;
  queue: Promise<void>;
}

export interface AmiServer {
  readonly port: number;
  close(): Promise<void>;
  /** Closes every connection at once (a network drop). */
  dropConnections(): void;
  /** While on, every login fails with "Authentication failed". */
  refuseLogins(on: boolean): void;
  /** Delays every response by this much. */
  setResponseDelay(ms: number): void;
  /** The next n reloads answer "A reload is in progress". */
  rejectReloads(n: number): void;
  /** An Asterisk restart: connections dropped, registrations gone, objects loaded afresh. */
  restart(): void;
  register(endpoint: string, uri?: string): void;
  unregister(endpoint: string): void;
  /** Modules reloaded successfully, in order. */
  readonly reloads: readonly string[];
  /** PJSIP endpoints currently loaded. */
  endpointIds(): string[];
}

export async function startAmiServer(options: AmiServerOptions): Promise<AmiServer> {
  const sessions = new Set<Session>();
  const reloads: string[] = [];
  const registrations = new Map<string, Registration>();
  let objects: LoadResult = new Map();
  let refuse = false;
  let delayMs = 0;
  let rejectNext = 0;
  let reloading = false;
  let bootedAt = Date.now();
  let lastReloadAt = 0;

  const boot = () => {
    const read = readConfig(options.configDir, 'pjsip.conf');
    objects = read.ok ? loadPjsip(read.categories, new Map()) : new Map();
    bootedAt = Date.now();
  };
  boot();

  const send = (s: Session, text: string) => {
    if (!s.socket.destroyed) s.socket.write(text);
  };
  const broadcast = (fields: Fields) => {
    for (const s of sessions) if (s.authenticated && s.events) send(s, formatMessage(fields));
  };
  const withId = (req: Fields, response: string, rest: Fields = []): Fields => {
    const id = header(req, 'ActionID');
    return [
      ['Response', response],
      ...(id === undefined ? [] : ([['ActionID', id]] as const)),
      ...rest,
    ];
  };

  const reloadModule = async (module: string): Promise<'ok' | 'busy' | 'unknown'> => {
    if (!RELOADABLE.has(module)) return 'unknown';
    if (reloading || rejectNext > 0) {
      if (rejectNext > 0) rejectNext--;
      return 'busy';
    }
    reloading = true;
    try {
      if (options.reloadMs) await new Promise((r) => setTimeout(r, options.reloadMs));
      if (module === 'res_pjsip.so') {
        const read = readConfig(options.configDir, 'pjsip.conf');
        // A broken #include invalidates pjsip.conf: everything stays as it was, yet Reload says Success.
        if (read.ok) objects = loadPjsip(read.categories, objects);
      }
      reloads.push(module);
      lastReloadAt = Date.now();
      return 'ok';
    } finally {
      reloading = false;
    }
  };

  const reloadEvent = (module: string, status: number): Fields => [
    ['Event', 'Reload'],
    ['Privilege', 'system,all'],
    ['Module', module],
    ['Status', String(status)],
  ];

  async function handle(s: Session, req: Fields): Promise<void> {
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const action = header(req, 'Action');
    if (action === undefined)
      return send(
        s,
        formatMessage(withId(req, 'Error', [['Message', 'Missing action in request']])),
      );
    const name = action.toLowerCase();
    if (name === 'login') {
      const ok =
        !refuse &&
        header(req, 'Username') === options.username &&
        header(req, 'Secret') === options.secret;
      if (!ok) {
        send(s, formatMessage(withId(req, 'Error', [['Message', 'Authentication failed']])));
        s.socket.end();
        return;
      }
      s.authenticated = true;
      s.events = (header(req, 'Events') ?? 'on').toLowerCase() !== 'off';
      send(s, formatMessage(withId(req, 'Success', [['Message', 'Authentication accepted']])));
      if (s.events) {
        send(
          s,
          formatMessage([
            ['Event', 'FullyBooted'],
            ['Privilege', 'system,all'],
            ['Uptime', String(Math.floor((Date.now() - bootedAt) / 1000))],
            [
              'LastReload',
              String(lastReloadAt ? Math.floor((Date.now() - lastReloadAt) / 1000) : 0),
            ],
            ['Status', 'Fully Booted'],
          ]),
        );
      }
      return;
    }
    if (!s.authenticated)
      return send(s, formatMessage(withId(req, 'Error', [['Message', 'Permission denied']])));

    switch (name) {
      case 'logoff':
        send(s, formatMessage(withId(req, 'Goodbye', [['Message', 'Thanks for all the fish.']])));
        s.socket.end();
        return;
      case 'ping': {
        const now = Date.now() / 1000;
        return send(
          s,
          formatMessage(
            withId(req, 'Success', [
              ['Ping', 'Pong'],
              ['Timestamp', now.toFixed(6)],
            ]),
          ),
        );
      }
      case 'getconfig':
        return send(s, getConfig(req));
      case 'reload': {
        const module = header(req, 'Module') ?? '';
        const result = await reloadModule(module);
        if (result === 'busy')
          return send(
            s,
            formatMessage(withId(req, 'Error', [['Message', 'A reload is in progress']])),
          );
        if (result === 'unknown') {
          send(s, formatMessage(withId(req, 'Error', [['Message', 'No such module']])));
          return broadcast(reloadEvent(module, 2));
        }
        send(s, formatMessage(withId(req, 'Success', [['Message', 'Module Reloaded']])));
        return broadcast(reloadEvent(module, 0));
      }
      case 'command':
        return command(s, req);
      case 'pjsipshowendpoints':
        return showEndpoints(s, req);
      case 'pjsipshowendpoint':
        return showEndpoint(s, req);
      case 'pjsipshowcontacts':
        return showContacts(s, req);
      default:
        return send(
          s,
          formatMessage(
            withId(req, 'Error', [
              [
                'Message',
                `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`,
              ],
            ]),
          ),
        );
    }
  }

  function getConfig(req: Fields): string {
    const file = header(req, 'Filename');
    if (!file) return formatMessage(withId(req, 'Error', [['Message', 'Filename not specified']]));
    if (!insideDir(options.configDir, file))
      return formatMessage(
        withId(req, 'Error', [['Message', 'File requires escalated privileges']]),
      );
    const read = readConfig(options.configDir, file);
    if (!read.ok) {
      return formatMessage(
        withId(req, 'Error', [
          [
            'Message',
            read.error === 'not-found' ? 'Config file not found' : 'Config file has invalid format',
          ],
        ]),
      );
    }
    const wanted = header(req, 'Category');
    const categories = read.categories.filter((c) => wanted === undefined || c.name === wanted);
    if (categories.length === 0)
      return formatWithBareLine(withId(req, 'Success'), 'No categories found');
    const fields: [string, string][] = [];
    categories.forEach((c, i) => {
      const n = String(i).padStart(6, '0');
      fields.push([`Category-${n}`, c.name]);
      c.lines.forEach(([k, v], j) => {
        fields.push([`Line-${n}-${String(j).padStart(6, '0')}`, `${k}=${v}`]);
      });
    });
    return formatMessage(withId(req, 'Success', fields));
  }

  async function command(s: Session, req: Fields): Promise<void> {
    const cmd = header(req, 'Command');
    if (!cmd)
      return send(s, formatMessage(withId(req, 'Error', [['Message', 'No command provided']])));
    const moduleReload = /^module reload (\S+)$/.exec(cmd);
    if (moduleReload) {
      const module = moduleReload[1] ?? '';
      const result = await reloadModule(module);
      // Only the successful case is recorded; the others are listed in GAPS.md.
      const output =
        result === 'ok'
          ? `Module '${module}' reloaded successfully.`
          : result === 'busy'
            ? 'A module reload request is already in progress; please be patient'
            : `The module '${module}' does not exist.`;
      send(
        s,
        formatMessage(
          withId(req, result === 'ok' ? 'Success' : 'Error', [
            ['Message', 'Command output follows'],
            ['Output', output],
          ]),
        ),
      );
      if (result === 'ok') broadcast(reloadEvent(module, 0));
      return;
    }
    if (cmd === 'dialplan reload') {
      reloads.push('pbx_config.so');
      return send(
        s,
        formatMessage(
          withId(req, 'Success', [
            ['Message', 'Command output follows'],
            ['Output', 'Dialplan reloaded.'],
          ]),
        ),
      );
    }
    send(
      s,
      formatMessage(
        withId(req, 'Error', [
          ['Message', 'Command output follows'],
          [
            'Output',
            `No such command '${cmd}' (type 'core show help ${cmd}' for other possible commands)`,
          ],
        ]),
      ),
    );
  }

  function endpointFields(ep: {
    id: string;
    options: ReadonlyMap<string, string>;
  }): [string, string][] {
    const reg = registrations.get(ep.id);
    const aor = ep.options.get('aors') ?? '';
    return [
      ['ObjectType', 'endpoint'],
      ['ObjectName', ep.id],
      ['Transport', ep.options.get('transport') ?? ''],
      ['Aor', aor],
      ['Auths', ep.options.get('auth') ?? ''],
      ['OutboundAuths', ''],
      ['Contacts', reg ? `${aor}/${reg.uri},` : ''],
      ['DeviceState', reg ? 'Not in use' : 'Unavailable'],
      ['ActiveChannels', '0'],
    ];
  }

  function showEndpoints(s: Session, req: Fields) {
    const id = header(req, 'ActionID');
    const idField: [string, string][] = id === undefined ? [] : [['ActionID', id]];
    const list = endpoints(objects);
    let out = formatMessage(
      withId(req, 'Success', [
        ['EventList', 'start'],
        ['Message', 'A listing of Endpoints follows, presented as EndpointList events'],
      ]),
    );
    for (const ep of list)
      out += formatMessage([['Event', 'EndpointList'], ...idField, ...endpointFields(ep)]);
    out += formatMessage([
      ['Event', 'EndpointListComplete'],
      ...idField,
      ['EventList', 'Complete'],
      ['ListItems', String(list.length)],
    ]);
    send(s, out);
  }

  function showEndpoint(s: Session, req: Fields) {
    const name = header(req, 'Endpoint');
    if (!name)
      return send(
        s,
        formatMessage(
          withId(req, 'Error', [['Message', 'PJSIPShowEndpoint requires an endpoint name']]),
          { strayLfAfterLast: true },
        ),
      );
    const ep = objects.get(`endpoint/${name}`);
    if (!ep)
      return send(
        s,
        formatMessage(withId(req, 'Error', [['Message', `Unable to retrieve endpoint ${name}`]]), {
          strayLfAfterLast: true,
        }),
      );
    const id = header(req, 'ActionID');
    const idField: [string, string][] = id === undefined ? [] : [['ActionID', id]];
    // Envelope and event names as recorded; the detail events carry only the fields listed in GAPS.md.
    let out = formatMessage(
      withId(req, 'Success', [
        ['EventList', 'start'],
        ['Message', 'Following are Events for each object associated with the Endpoint'],
      ]),
    );
    out += formatMessage([
      ['Event', 'EndpointDetail'],
      ...idField,
      ['ObjectType', 'endpoint'],
      ['ObjectName', ep.id],
      ...[...ep.options].map(([k, v]) => [toCamel(k), v] as [string, string]),
    ]);
    let items = 1;
    const reg = registrations.get(ep.id);
    if (reg) {
      out += formatMessage([
        ['Event', 'ContactStatusDetail'],
        ...idField,
        ['AOR', ep.options.get('aors') ?? ''],
        ['URI', reg.uri],
        ['UserAgent', reg.userAgent],
        ['Status', 'NonQualified'],
        ['EndpointName', ep.id],
      ]);
      items++;
    }
    out += formatMessage([
      ['Event', 'EndpointDetailComplete'],
      ...idField,
      ['EventList', 'Complete'],
      ['ListItems', String(items)],
    ]);
    send(s, out);
  }

  function showContacts(s: Session, req: Fields) {
    if (registrations.size === 0)
      return send(
        s,
        formatMessage(withId(req, 'Error', [['Message', 'No Contacts found']]), {
          strayLfAfterLast: true,
        }),
      );
    const id = header(req, 'ActionID');
    const idField: [string, string][] = id === undefined ? [] : [['ActionID', id]];
    let out = formatMessage(
      withId(req, 'Success', [
        ['EventList', 'start'],
        ['Message', 'A listing of Contacts follows, presented as ContactList events'],
      ]),
    );
    const regs = [...registrations.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : 1));
    for (const r of regs) {
      out += formatMessage([
        ['Event', 'ContactList'],
        ...idField,
        ['ObjectType', 'contact'],
        ['ObjectName', `${r.endpoint};@${hashOf(r.uri)}`],
        ['ViaAddr', ''],
        ['QualifyTimeout', '3.000000'],
        ['Qualify2xxOnly', 'false'],
        ['CallId', hashOf(r.endpoint)],
        ['RegServer', ''],
        ['PruneOnBoot', 'yes'],
        ['Path', ''],
        ['Endpoint', r.endpoint],
        ['ViaPort', '0'],
        ['AuthenticateQualify', 'no'],
        ['Uri', r.uri],
        ['QualifyFrequency', '0'],
        ['UserAgent', r.userAgent],
        ['ExpirationTime', String(Math.floor(Date.now() / 1000) + 600)],
        ['OutboundProxy', ''],
        ['Status', 'NonQualified'],
        ['RoundtripUsec', 'N/A'],
      ]);
    }
    out += formatMessage([
      ['Event', 'ContactListComplete'],
      ...idField,
      ['EventList', 'Complete'],
      ['ListItems', String(regs.length)],
    ]);
    send(s, out);
  }

  const server: Server = createServer((socket) => {
    const session: Session = {
      socket,
      authenticated: false,
      events: true,
      buffer: '',
      queue: Promise.resolve(),
    };
    sessions.add(session);
    socket.setEncoding('utf8');
    socket.write(BANNER);
    socket.on('data', (chunk: string) => {
      session.buffer += chunk;
      const { requests, rest } = parseRequests(session.buffer);
      session.buffer = rest;
      // Requests on one connection are answered in order.
      for (const req of requests)
        session.queue = session.queue.then(() => handle(session, req)).catch(() => undefined);
    });
    socket.on('close', () => sessions.delete(session));
    socket.on('error', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    reloads,
    async close() {
      for (const s of sessions) s.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    dropConnections() {
      for (const s of sessions) s.socket.destroy();
    },
    refuseLogins(on) {
      refuse = on;
    },
    setResponseDelay(ms) {
      delayMs = ms;
    },
    rejectReloads(n) {
      rejectNext = n;
    },
    restart() {
      for (const s of sessions) s.socket.destroy();
      registrations.clear();
      lastReloadAt = 0;
      boot();
    },
    register(endpoint, uri = `sip:${endpoint}@127.0.0.1:40000;transport=ws`) {
      const ep = objects.get(`endpoint/${endpoint}`);
      if (!ep) throw new Error(`no endpoint ${endpoint} is loaded`);
      registrations.set(endpoint, { endpoint, uri, userAgent: 'SIP.js/0.21.2' });
      broadcast([
        ['Event', 'PeerStatus'],
        ['Privilege', 'system,all'],
        ['ChannelType', 'PJSIP'],
        ['Peer', `PJSIP/${endpoint}`],
        ['PeerStatus', 'Reachable'],
      ]);
      broadcast([
        ['Event', 'ContactStatus'],
        ['Privilege', 'system,all'],
        ['URI', uri],
        ['ContactStatus', 'NonQualified'],
        ['AOR', ep.options.get('aors') ?? endpoint],
        ['EndpointName', endpoint],
        ['RoundtripUsec', '0'],
      ]);
      broadcast([
        ['Event', 'DeviceStateChange'],
        ['Privilege', 'call,all'],
        ['Device', `PJSIP/${endpoint}`],
        ['State', 'NOT_INUSE'],
      ]);
    },
    unregister(endpoint) {
      const reg = registrations.get(endpoint);
      if (!reg) return;
      registrations.delete(endpoint);
      const aor = objects.get(`endpoint/${endpoint}`)?.options.get('aors') ?? endpoint;
      broadcast([
        ['Event', 'PeerStatus'],
        ['Privilege', 'system,all'],
        ['ChannelType', 'PJSIP'],
        ['Peer', `PJSIP/${endpoint}`],
        ['PeerStatus', 'Unreachable'],
      ]);
      broadcast([
        ['Event', 'ContactStatus'],
        ['Privilege', 'system,all'],
        ['URI', reg.uri],
        ['ContactStatus', 'Removed'],
        ['AOR', aor],
        ['EndpointName', endpoint],
        ['RoundtripUsec', '0'],
      ]);
      broadcast([
        ['Event', 'DeviceStateChange'],
        ['Privilege', 'call,all'],
        ['Device', `PJSIP/${endpoint}`],
        ['State', 'UNAVAILABLE'],
      ]);
    },
    endpointIds: () => endpoints(objects).map((e) => e.id),
  };
}

function toCamel(option: string): string {
  return option
    .split('_')
    .map((p) => (p ? p[0]?.toUpperCase() + p.slice(1) : p))
    .join('');
}

function hashOf(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
}
