// PJSIPShowEndpoints, PJSIPShowEndpoint, PJSIPShowContacts (transcripts
// main_14..17, main_21, main_22, main_41, main_43, main_46, main_58). Their
// "not found" errors end with a stray bare LF, as recorded.
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

export const showEndpoints: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const endpoints = objectsOfType(s.objects, 'endpoint');
  if (endpoints.length === 0) return answer(failure(req, 'No endpoints found\n'));
  return answer(
    listStart(req, 'A listing of Endpoints follows, presented as EndpointList events'),
    ...endpoints.map((ep) => listItem(req, 'EndpointList', endpointListFields(s, ep))),
    listComplete(req, 'EndpointListComplete', endpoints.length),
  );
};

export const showEndpoint: ActionHandler = (ctx, req) => {
  const s = ctx.asterisk.state;
  const name = header(req, 'Endpoint');
  if (name === undefined)
    return answer(failure(req, 'PJSIPShowEndpoint requires an endpoint name\n'));
  const ep = endpointOf(s, name);
  if (!ep) return answer(failure(req, `Unable to retrieve endpoint ${name}\n`));
  const rel = endpointRelations(s, ep);
  const items = [
    listItem(req, 'EndpointDetail', endpointDetailFields(s, ep)),
    ...rel.auths.map((a) => listItem(req, 'AuthDetail', authDetailFields(a, ep.id))),
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
  const contacts = [...ctx.asterisk.state.contacts.values()];
  if (contacts.length === 0) return answer(failure(req, 'No Contacts found\n'));
  return answer(
    listStart(req, 'A listing of Contacts follows, presented as ContactList events'),
    ...contacts.map((c) => listItem(req, 'ContactList', contactListFields(c))),
    listComplete(req, 'ContactListComplete', contacts.length),
  );
};
