// A follower relays the leader's event stream as it comes, with the caller's
// own credentials, and relays a refusal as it came.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { FORWARDED_HEADER } from '../agentstate/forward.ts';
import { openEventStream } from '../softphone/event-stream.ts';
import { proxyEventStream } from './stream-proxy.ts';

let leader: FastifyInstance;
let follower: FastifyInstance;
let followerUrl: string;
const ends = new Set<() => void>();

before(async () => {
  leader = Fastify();
  leader.get('/monitor/events', (request, reply) => {
    if (request.headers.cookie !== 'session=ok')
      return reply.code(401).send({ message: 'sign in first' });
    const stream = openEventStream(reply, {
      heartbeatMs: 60_000,
      retryMs: 1000,
      onClose: () => {},
    });
    stream.send('snapshot', { forwarded: request.headers[FORWARDED_HEADER] ?? null });
    setTimeout(() => {
      stream.send('change', { n: 1 });
      stream.close();
    }, 20);
  });
  const leaderUrl = await leader.listen({ port: 0, host: '127.0.0.1' });
  follower = Fastify();
  follower.get('/monitor/events', (request, reply) =>
    proxyEventStream(leaderUrl, request, reply, (end) => {
      ends.add(end);
      return () => ends.delete(end);
    }),
  );
  followerUrl = await follower.listen({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await follower.close();
  await leader.close();
});

describe("relaying the leader's event stream", () => {
  it('passes the events through with the caller’s cookie, marked as forwarded', async () => {
    const res = await fetch(`${followerUrl}/monitor/events`, { headers: { cookie: 'session=ok' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await res.text();
    assert.match(text, /event: snapshot\ndata: \{"forwarded":"1"\}/);
    assert.match(text, /event: change\ndata: \{"n":1\}/);
    assert.equal(ends.size, 0, 'the relay forgot the ended stream');
  });

  it('relays a refusal as it came', async () => {
    const res = await fetch(`${followerUrl}/monitor/events`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { message: 'sign in first' });
  });
});
