// Login, Challenge, Logoff, Ping, CoreStatus, CoreSettings (transcripts
// main_02..05, badlogin_*, unknownuser_*, eventsoff_*, main_61; Challenge and
// MD5 logins from manager.c, checked in agreement.test.ts).
import { createHash, randomInt } from 'node:crypto';
import { type ActionHandler, type AmiUser, answer, type SessionState } from './action-types.ts';
import { parseEventMask, SYSTEM_EVENTS } from './event-mask.ts';
import { type AmiRequest, header } from './framing.ts';
import { event, failure, listComplete, listStart, reply, success } from './responses.ts';
import type { AsteriskState } from './state.ts';

export const AMI_VERSION = '11.0.0';
export const ASTERISK_VERSION = '22.10.1';

const seconds = (ms: number) => Math.floor(ms / 1000);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** manager.c authenticate(): `AuthType: MD5` wants Key = md5(challenge + secret), else Secret. */
function authenticates(session: SessionState, user: AmiUser, req: AmiRequest): boolean {
  if (header(req, 'AuthType')?.toLowerCase() === 'md5') {
    const key = header(req, 'Key');
    if (key === undefined || session.challenge === undefined) return false;
    return createHash('md5').update(session.challenge).update(user.secret).digest('hex') === key;
  }
  return (header(req, 'Secret') ?? '') === user.secret;
}

export const login: ActionHandler = (ctx, req) => {
  if (ctx.session.authenticated) return answer(success(req, 'Already authenticated'));
  const user = ctx.findUser(header(req, 'Username'));
  if (!user || !authenticates(ctx.session, user, req)) {
    // Asterisk answers (after a second), then closes the connection (badlogin_04, unknownuser_02).
    return { reply: [reply(req, 'Error', [['Message', 'Authentication failed']])], close: true };
  }
  ctx.session.authenticated = true;
  ctx.session.readPerm = user.read;
  ctx.session.writePerm = user.write;
  ctx.session.eventMask = parseEventMask(header(req, 'Events'));
  const s = ctx.asterisk.state;
  const now = s.now();
  const out = [success(req, 'Authentication accepted')];
  if (ctx.session.eventMask & ctx.session.readPerm & SYSTEM_EVENTS) {
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

/** The session's challenge for an MD5 Login: a random long, kept once given. */
export const challenge: ActionHandler = (ctx, req) => {
  if (header(req, 'AuthType')?.toLowerCase() !== 'md5')
    return answer(failure(req, 'Must specify AuthType'));
  ctx.session.challenge ??= String(randomInt(2 ** 31 - 1));
  return answer(reply(req, 'Success', [['Challenge', ctx.session.challenge]]));
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

/** Recorded values of the recording machine (main_05); CDR as cdr.conf said at boot. */
export const coreSettings: ActionHandler = (ctx, req) =>
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
      ['CoreCDRenabled', ctx.asterisk.state.cdrEnabled ? 'Yes' : 'No'],
      ['CoreHTTPenabled', 'No'],
      ['SoundsSearchCustomDir', 'No'],
    ]),
  );

/** CoreShowChannels (manager.c): the double runs no channels, so an empty list. */
export const coreShowChannels: ActionHandler = (_ctx, req) =>
  answer(listStart(req, 'Channels will follow'), listComplete(req, 'CoreShowChannelsComplete', 0));
