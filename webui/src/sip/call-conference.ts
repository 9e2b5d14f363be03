// A three-way conference from the consult state, mixed in the agent's
// browser: each call is sent the agent's microphone plus the other call's
// far end (Web Audio), so the caller and the colleague hear each other, and
// the agent hears both (each call already plays through its own audio
// element). Asterisk keeps its two plain bridges: no conference room to set
// up, and Complete transfer still works from here (REFER with Replaces).

interface Leg {
  readonly sender: RTCRtpSender;
  readonly microphone: MediaStreamTrack;
  readonly remote: MediaStreamTrack;
}

function legOf(pc: RTCPeerConnection): Leg | undefined {
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
  const remote = pc.getReceivers().find((r) => r.track.kind === 'audio')?.track;
  if (!sender?.track || !remote) return undefined;
  return { sender, microphone: sender.track, remote };
}

export class LocalConference {
  readonly #context: AudioContext;
  readonly #legs: readonly Leg[];

  private constructor(context: AudioContext, legs: readonly Leg[]) {
    this.#context = context;
    this.#legs = legs;
  }

  /** Mixes the two calls; undefined when either has no audio both ways. */
  static async start(
    a: RTCPeerConnection,
    b: RTCPeerConnection,
  ): Promise<LocalConference | undefined> {
    const legA = legOf(a);
    const legB = legOf(b);
    if (!legA || !legB) return undefined;
    const context = new AudioContext();
    // started from a click, but a context made after an await may still start suspended
    await context.resume();
    const source = (track: MediaStreamTrack) =>
      context.createMediaStreamSource(new MediaStream([track]));
    for (const [leg, other] of [
      [legA, legB],
      [legB, legA],
    ] as const) {
      const mix = context.createMediaStreamDestination();
      source(leg.microphone).connect(mix);
      source(other.remote).connect(mix);
      const [track] = mix.stream.getAudioTracks();
      if (track) await leg.sender.replaceTrack(track);
    }
    return new LocalConference(context, [legA, legB]);
  }

  /** Mute in a conference silences the agent only: the others still hear each other. */
  setMicrophoneEnabled(enabled: boolean): void {
    for (const leg of this.#legs) leg.microphone.enabled = enabled;
  }

  /** Each call gets its own microphone back (the other call left or is leaving). */
  async stop(): Promise<void> {
    for (const leg of this.#legs)
      await leg.sender.replaceTrack(leg.microphone).catch(() => undefined);
    await this.#context.close().catch(() => undefined);
  }
}
