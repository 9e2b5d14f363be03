// Microphone list and permission for the softphone's microphone picker.
// Browsers hide device labels until microphone permission is granted, so
// "Allow microphone" asks once (getUserMedia) and stops the tracks at once.

export interface Microphone {
  readonly deviceId: string;
  readonly label: string;
}

export type MicrophonePermission = 'granted' | 'denied' | 'prompt' | 'unknown';

export async function listMicrophones(): Promise<Microphone[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput' && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

export async function microphonePermission(): Promise<MicrophonePermission> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
    return status.state;
  } catch {
    return 'unknown';
  }
}

/** Asks for the microphone; resolves with the error when the browser refuses. */
export async function requestMicrophone(): Promise<unknown> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    for (const track of stream.getTracks()) track.stop();
    return undefined;
  } catch (error) {
    return error;
  }
}
