// PJSIPShowEndpoints, PJSIPShowEndpoint, PJSIPShowContacts (transcripts
// main_14..17, main_21, main_22, main_41, main_43, main_46, main_58). Their
// "not found" errors end with a stray bare LF, as recorded. Lists come sorted
// by object id (sorcery's retrieve-multiple container, ast_sorcery_object_id_sort).
import { type ActionHandler, answer } from './action-types.ts';
import { header } from './framing.ts';
import {
  aorDetailFields,
  authDetailFields,
  contactListFields,
  contactStatusDetailFields,
  endpointDetailFields,
  endpointListFields,
  endpointRelations,
  transportDetailFields,
} from './pjsip-ami.ts';
import { objectsOfType } from './pjsip-loader.ts';
import { failure, listComplete, listItem, listStart } from './responses.ts';
import { endpointOf } from './state.ts';

/** strcmp order of ids. */
const byId = <T extends { readonly id: string }>(a: T, b: T) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export const showEndpoints: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const endpoints = objectsOfType(s.objects, 'endpoint').sort(byId);
  if (endpoints.length === 0) return answer(failure(req, 'No endpoints found\n'));
  return answer(
    listStart(req, 'A listing of Endpoints follows, presented as EndpointList events'),
    ...endpoints.map((ep) => listItem(req, 'EndpointList', endpointListFields(s, ep))),
    listComplete(req, 'EndpointListComplete', endpoints.length),
  );
};

export const showEndpoint: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const given = header(req, 'Endpoint');
  if (given === undefined)
    return answer(failure(req, 'PJSIPShowEndpoint requires an endpoint name\n'));
  // "PJSIP/<name>" names the endpoint too (the prefix in any case).
  const name = /^pjsip\//i.test(given) ? given.slice(6) : given;
  const ep = endpointOf(s, name);
  if (!ep) return answer(failure(req, `Unable to retrieve endpoint ${name}\n`));
  const rel = endpointRelations(s, ep);
  const head = [
    listItem(req, 'EndpointDetail', endpointDetailFields(s, ep)),
    ...rel.auths.map((a) => listItem(req, 'AuthDetail', authDetailFields(a, ep.id))),
  ];
  const transport = ep.options.get('transport');
  if (transport && !rel.transport) {
    // The transport formatter fails: the rest (AORs, contacts) is not sent.
    return answer(
      listStart(req, 'Following are Events for each object associated with the Endpoint'),
      ...head,
      failure(req, `Unable to retrieve transport ${transport}\n`),
      failure(req, `Unable to format endpoint ${name}\n`),
      listComplete(req, 'EndpointDetailComplete', head.length),
    );
  }
  const items = [
    ...head,
    ...(rel.transport
      ? [listItem(req, 'TransportDetail', transportDetailFields(rel.transport, ep.id))]
      : []),
    ...rel.aors.map((a) => listItem(req, 'AorDetail', aorDetailFields(s, a, ep.id))),
    ...rel.contacts.map((c) => listItem(req, 'ContactStatusDetail', contactStatusDetailFields(c))),
  ];
  return answer(
    listStart(req, 'Following are Events for each object associated with the Endpoint'),
    ...items,
    listComplete(req, 'EndpointDetailComplete', items.length),
  );
};

export const showContacts: ActionHandler = (ctx, req) => {
  const contacts = [...ctx.asterisk.state.contacts.values()].sort(byId);
  if (contacts.length === 0) return answer(failure(req, 'No Contacts found\n'));
  return answer(
    listStart(req, 'A listing of Contacts follows, presented as ContactList events'),
    ...contacts.map((c) => listItem(req, 'ContactList', contactListFields(c))),
    listComplete(req, 'ContactListComplete', contacts.length),
  );
};

/**
 * PJSIPShowRegistrationsOutbound (res_pjsip_outbound_registration.c): a list
 * even when empty, its Complete event carrying Registered/NotRegistered
 * counts. The server sends no REGISTER, so every registration is
 * "Unregistered"; an item has only the id fields and the status (Asterisk
 * adds every sorcery field of the registration: GAPS.md).
 */
export const showRegistrationsOutbound: ActionHandler = (ctx, req) => {
  const regs = objectsOfType(ctx.asterisk.state.objects, 'registration').sort(byId);
  const complete = listComplete(req, 'OutboundRegistrationDetailComplete', regs.length);
  return answer(
    listStart(req, 'Following are Events for each Outbound registration'),
    ...regs.map((r) =>
      listItem(req, 'OutboundRegistrationDetail', [
        ['ObjectType', 'registration'],
        ['ObjectName', r.id],
        ['Status', 'Unregistered'],
        ['NextReg', '0'],
      ]),
    ),
    { lines: [...complete.lines, ['Registered', '0'], ['NotRegistered', String(regs.length)]] },
  );
};
