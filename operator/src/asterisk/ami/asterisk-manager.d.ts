// Types for the untyped `asterisk-manager` package (what this project uses of it).
declare module 'asterisk-manager' {
  import type { EventEmitter } from 'node:events';

  /** A parsed AMI message: lower-cased keys; repeated keys become arrays. */
  export type RawMessage = Record<string, string | string[] | undefined>;

  interface Manager
    extends Pick<
      EventEmitter,
      'on' | 'once' | 'removeListener' | 'removeAllListeners' | 'emit' | 'listeners'
    > {
    connect(port: number, host: string, callback?: (err?: Error | null) => void): void;
    login(callback?: (err?: RawMessage) => void): void;
    action(
      action: Record<string, string>,
      callback?: (err: RawMessage | undefined, res: RawMessage) => void,
    ): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    options: { port: number; host: string; username: string; password: string; events: boolean };
  }

  function Manager(
    port?: number,
    host?: string,
    username?: string,
    password?: string,
    events?: boolean,
  ): Manager;
  export default Manager;
}
