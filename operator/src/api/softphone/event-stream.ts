// A server-sent-events response on fastify's raw reply: a few lines, so no
// plugin. Comment lines every heartbeatMs keep proxies and load balancers
// from cutting an idle stream; `retry` makes EventSource come back within a
// second after a replica restarts.
import type { FastifyReply } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Ends the response (the client's EventSource reconnects unless it closes itself). */
  close(): void;
  readonly closed: boolean;
}

export interface EventStreamOptions {
  readonly heartbeatMs: number;
  readonly retryMs: number;
  /** Runs at every heartbeat (e.g. to check the session is still valid). */
  readonly onHeartbeat?: () => void;
  /** Runs once when the stream ends, whoever ended it. */
  readonly onClose: () => void;
}

export function openEventStream(reply: FastifyReply, options: EventStreamOptions): EventStream {
  reply.hijack();
  const res = reply.raw;
  // the headers the hooks set (security headers) are not sent for us after hijack
  for (const [header, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) res.setHeader(header, value);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    // nginx buffers responses by default; events must pass at once
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${options.retryMs}\n\n`);
  let closed = false;
  const timer = setInterval(() => {
    if (closed) return;
    res.write(': keep-alive\n\n');
    options.onHeartbeat?.();
  }, options.heartbeatMs);
  timer.unref();
  const ended = () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    options.onClose();
  };
  // (the request's own 'close' fires once its empty body is read: only the response's counts)
  res.once('close', ended);
  return {
    send(event, data) {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (closed) return;
      ended();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}
