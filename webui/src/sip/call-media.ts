// Small operations on a call's RTCPeerConnection: muting and holding disable
// tracks (no renegotiation), switching microphones replaces the sent track.

export function setSendingEnabled(pc: RTCPeerConnection | undefined, enabled: boolean): void {
  for (const sender of pc?.getSenders() ?? []) {
    if (sender.track) sender.track.enabled = enabled;
  }
}

export function setReceivingEnabled(pc: RTCPeerConnection | undefined, enabled: boolean): void {
  for (const receiver of pc?.getReceivers() ?? []) {
    receiver.track.enabled = enabled;
  }
}

export function microphoneConstraints(deviceId: string | undefined): MediaStreamConstraints {
  return { audio: deviceId ? { deviceId: { exact: deviceId } } : true, video: false };
}

/** Swaps the microphone of a call in progress; the old track is stopped. */
export async function replaceMicrophone(
  pc: RTCPeerConnection,
  deviceId: string | undefined,
  enabled: boolean,
): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('the microphone gave no audio track');
  track.enabled = enabled;
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind === 'audio' || (sender.track === null && sender.dtmf)) {
      const old = sender.track;
      await sender.replaceTrack(track);
      old?.stop();
    }
  }
}
