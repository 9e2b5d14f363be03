// Per-request options for client-node's generated API clients. Their promise
// API takes no AbortSignal, and a request to an unresponsive API server would
// otherwise hang for as long as the TCP connection does.
import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';

/** Options that abort the request (and the reading of its response) when `signal` fires. */
export function withSignal(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    // Keep the client's own middleware (its User-Agent header).
    middlewareMergeStrategy: 'append',
  };
}
