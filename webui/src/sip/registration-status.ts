// What the softphone shows about its registration, derived from facts the
// controller tracks. SIP.js's Registerer alone keeps saying "Registered"
// after the WebSocket dropped (the server removed the contact at once), so
// "registered" here also needs a live transport and a 200 OK to a REGISTER
// sent on that very connection.

export type RegistrationStatus =
  | 'unregistered'
  | 'connecting'
  | 'registering'
  | 'registered'
  | 'reconnecting'
  | 'failed';

export interface RegistrationFacts {
  /** The person asked to be registered (and has not unregistered since). */
  readonly wanted: boolean;
  readonly transport: 'disconnected' | 'connecting' | 'connected';
  /** A REGISTER on the current connection got 200 OK and no refresh failed since. */
  readonly confirmedOnThisConnection: boolean;
  /** Registered at least once since Register was pressed (so a loss is a reconnect). */
  readonly everRegistered: boolean;
  /** Terminal problem (wrong password, bad config): no automatic retry. */
  readonly failure?: string | undefined;
  /** Why it is retrying (e.g. "WebSocket closed"), shown while not registered. */
  readonly retryReason?: string | undefined;
}

export interface RegistrationView {
  readonly status: RegistrationStatus;
  readonly reason?: string | undefined;
}

export function registrationView(f: RegistrationFacts): RegistrationView {
  if (f.failure) return { status: 'failed', reason: f.failure };
  if (!f.wanted) return { status: 'unregistered' };
  if (f.transport !== 'connected') {
    return { status: f.everRegistered ? 'reconnecting' : 'connecting', reason: f.retryReason };
  }
  if (f.confirmedOnThisConnection) return { status: 'registered' };
  return { status: 'registering', reason: f.retryReason };
}

export const STATUS_LABEL: Readonly<Record<RegistrationStatus, string>> = {
  unregistered: 'Not registered',
  connecting: 'Connecting…',
  registering: 'Registering…',
  registered: 'Registered',
  reconnecting: 'Connection lost — reconnecting…',
  failed: 'Registration failed',
};

/** A person-readable reason for a rejected REGISTER. */
export function registerRejectionReason(statusCode: number, reasonPhrase: string): string {
  switch (statusCode) {
    case 401:
    case 403:
    case 407:
      return `${statusCode} ${reasonPhrase}: the server refused these credentials — check the SIP username and password.`;
    case 404:
      return `${statusCode} ${reasonPhrase}: the server does not know this SIP user.`;
    default:
      return `${statusCode} ${reasonPhrase}`;
  }
}

/** Rejections that retrying cannot fix. */
export function isTerminalRejection(statusCode: number): boolean {
  return statusCode === 401 || statusCode === 403 || statusCode === 404 || statusCode === 407;
}

/** Why the WebSocket to the SIP server could not be opened. */
export function cannotReachReason(wsUrl: string | undefined, error: unknown): string {
  return `Cannot reach ${wsUrl}: ${(error as Error).message}`;
}
