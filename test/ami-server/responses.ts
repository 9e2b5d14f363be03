// Response and event shapes as Asterisk 22 builds them (transcripts): the
// ActionID goes right after "Response:" and right after "Event:" in
// PJSIP list events, but last in app_queue's list events; it is left out
// when the request carried none.
import {
  type AmiField,
  type AmiLine,
  type AmiMessage,
  type AmiRequest,
  header,
} from './framing.ts';

export type ResponseStatus = 'Success' | 'Error' | 'Goodbye';

function actionIdLine(req: AmiRequest): AmiField[] {
  const id = header(req, 'ActionID');
  return id === undefined ? [] : [['ActionID', id]];
}

export function reply(req: AmiRequest, status: ResponseStatus, lines: AmiLine[] = []): AmiMessage {
  return { lines: [['Response', status], ...actionIdLine(req), ...lines] };
}

export function success(req: AmiRequest, text?: string): AmiMessage {
  return reply(req, 'Success', text === undefined ? [] : [['Message', text]]);
}

/** An error; a text ending in "\n" reproduces Asterisk's stray bare LF. */
export function failure(req: AmiRequest, text: string): AmiMessage {
  return reply(req, 'Error', [['Message', text]]);
}

/** The "Response: Success / EventList: start" that opens a list. */
export function listStart(req: AmiRequest, text: string): AmiMessage {
  return reply(req, 'Success', [
    ['EventList', 'start'],
    ['Message', text],
  ]);
}

/** A list item; `idLast` for app_queue's events, which put the ActionID at the end. */
export function listItem(
  req: AmiRequest,
  event: string,
  fields: readonly AmiField[],
  idLast = false,
): AmiMessage {
  const id = actionIdLine(req);
  return {
    lines: idLast ? [['Event', event], ...fields, ...id] : [['Event', event], ...id, ...fields],
  };
}

export function listComplete(req: AmiRequest, event: string, items: number): AmiMessage {
  return {
    lines: [
      ['Event', event],
      ...actionIdLine(req),
      ['EventList', 'Complete'],
      ['ListItems', String(items)],
    ],
  };
}

/** A broadcast event: "Event:", "Privilege:", then its fields. */
export function event(name: string, privilege: string, fields: readonly AmiField[]): AmiMessage {
  return {
    lines: [['Event', name], ['Privilege', privilege], ...fields],
  };
}
