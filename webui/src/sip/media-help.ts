// Plain-language help for getUserMedia failures, shown next to the call controls.
export function microphoneHelp(error: unknown): string | undefined {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access is blocked. Click the lock or camera icon left of the address bar, allow the microphone for this site, then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found (or the chosen one is gone). Plug one in or pick another in the microphone list.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone is busy or failed to start. Close other apps using it and try again.';
    default:
      return undefined;
  }
}
