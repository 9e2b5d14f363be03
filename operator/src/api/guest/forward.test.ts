import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import { FORWARDED_HEADER } from '../agentstate/forward.ts';
import { LateKeySigner } from '../auth/signer.ts';
import { clientAddress } from './client-address.ts';
import { forwardGuestCall } from './forward.ts';
import { requestedPageLabel } from './routes.ts';

// A real leader on loopback: what reaches it is what a follower relayed.
const signer = new LateKeySigner();
signer.setKey('k'.repeat(32));
const leader = Fastify();
leader.post('/public/guest-calls', async (request) => ({
  pageLabel: requestedPageLabel(request.body) ?? null,
  forwarded: request.headers[FORWARDED_HEADER] ?? null,
  client: clientAddress(request, signer),
}));
const follower = Fastify();
let endpoint = '';
follower.post('/public/guest-calls', (request, reply) =>
  forwardGuestCall(endpoint, request, reply, signer),
);
after(() => Promise.all([leader.close(), follower.close()]));

test('a follower relays the page label and the signed citizen address to the leader', async () => {
  endpoint = await leader.listen({ port: 0, host: '127.0.0.1' });
  const withLabel = await follower.inject({
    method: 'POST',
    url: '/public/guest-calls',
    remoteAddress: '192.0.2.7',
    payload: { pageLabel: 'Passport renewal' },
  });
  assert.equal(withLabel.statusCode, 200);
  assert.deepEqual(withLabel.json(), {
    pageLabel: 'Passport renewal',
    forwarded: '1',
    client: '192.0.2.7',
  });
  // the page without a label sends no body: the leader sees none either
  const plain = await follower.inject({ method: 'POST', url: '/public/guest-calls' });
  assert.equal(plain.json().pageLabel, null);
});
