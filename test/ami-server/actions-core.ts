// Login, Logoff, Ping, CoreStatus, CoreSettings (transcripts main_02..05,
// badlogin_*, unknownuser_*, eventsoff_*, main_61).
import { type ActionHandler, answer } from './action-types.ts';
import { parseEventMask, SYSTEM_EVENTS } from './event-mask.ts';
import { header } from './framing.ts';
import { event, reply, success } from './responses.ts';
import type { AsteriskState } from './state.ts';

export const AMI_VERSION = '11.0.0';
export const ASTERISK_VERSION = '22.10.1';

const seconds = (ms: number) => Math.floor(ms / 1000);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

export const login: ActionHandler = (ctx, req) => {
  if (ctx.session.authenticated) return answer(success(req, 'Already authenticated'));
  if (!ctx.checkLogin(header(req, 'Username'), header(req, 'Secret'))) {
    // Asterisk answers, then closes the connection (badlogin_04, unknownuser_02).
    return { reply: [reply(req, 'Error', [['Message', 'Authentication failed']])], close: true };
  }
  ctx.session.authenticated = true;
  ctx.session.eventMask = parseEventMask(header(req, 'Events'));
  const s = ctx.asterisk.state;
  const now = s.now();
  const out = [success(req, 'Authentication accepted')];
  if (ctx.session.eventMask & SYSTEM_EVENTS) {
    out.push(
      event('FullyBooted', 'system,all', [
        ['Uptime', String(seconds(now - s.bootedAt))],
        ['LastReload', String(seconds(now - s.lastReloadAt))],
        ['Status', 'Fully Booted'],
      ]),
    );
  }
  return { reply: out };
};

export const logoff: ActionHandler = (_ctx, req) => ({
  reply: [reply(req, 'Goodbye', [['Message', 'Thanks for all the fish.']])],
  close: true,
});

export const ping: ActionHandler = (ctx, req) => {
  const ms = ctx.asterisk.state.now();
  const micro = String(Math.floor((ms % 1000) * 1000)).padStart(6, '0');
  return answer(
    reply(req, 'Success', [
      ['Ping', 'Pong'],
      ['Timestamp', `${seconds(ms)}.${micro}`],
    ]),
  );
};

function coreStatusFields(s: AsteriskState): [string, string][] {
  return [
    ['CoreStartupDate', isoDate(s.bootedAt)],
    ['CoreStartupTime', isoTime(s.bootedAt)],
    ['CoreReloadDate', isoDate(s.lastReloadAt)],
    ['CoreReloadTime', isoTime(s.lastReloadAt)],
    ['CoreCurrentCalls', '0'],
    ['CoreProcessedCalls', '0'],
  ];
}

export const coreStatus: ActionHandler = (ctx, req) =>
  answer(reply(req, 'Success', coreStatusFields(ctx.asterisk.state)));

/** Recorded values of the recording machine (main_05). */
export const coreSettings: ActionHandler = (_ctx, req) =>
  answer(
    reply(req, 'Success', [
      ['AMIversion', AMI_VERSION],
      ['AsteriskVersion', ASTERISK_VERSION],
      ['SystemName', ''],
      ['CoreMaxCalls', '0'],
      ['CoreMaxLoadAvg', '0.000000'],
      ['CoreRunUser', ''],
      ['CoreRunGroup', ''],
      ['CoreMaxFilehandles', '0'],
      ['CoreRealTimeEnabled', 'No'],
      ['CoreCDRenabled', 'Yes'],
      ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]),
  );
