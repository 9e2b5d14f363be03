// An audible ring for incoming calls made with WebAudio (no audio asset):
// the 440 + 480 Hz ring, 2 s on, 4 s off. Browsers only let an AudioContext
// play after a user gesture, so unlock() is called from the agent's first
// key or pointer press on the phone (and again from the Register click).

export class Ringer {
  #context: AudioContext | undefined;
  #gain: GainNode | undefined;
  #oscillators: OscillatorNode[] = [];
  #cadence: ReturnType<typeof setInterval> | undefined;

  /** Creates/resumes the AudioContext inside a user gesture. */
  unlock(): void {
    this.#context ??= new AudioContext();
    void this.#context.resume().catch(() => undefined);
  }

  get ringing(): boolean {
    return this.#oscillators.length > 0;
  }

  /** 'running' when the browser lets the ring be heard. */
  get audioState(): AudioContextState | 'none' {
    return this.#context?.state ?? 'none';
  }

  start(): void {
    if (this.ringing) return;
    this.unlock();
    const ctx = this.#context as AudioContext;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    this.#gain = gain;
    this.#oscillators = [440, 480].map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    const burst = () => {
      const t = ctx.currentTime;
      gain.gain.cancelScheduledValues(t);
      gain.gain.setValueAtTime(0.12, t);
      gain.gain.setValueAtTime(0, t + 2);
    };
    burst();
    this.#cadence = setInterval(burst, 6000);
  }

  stop(): void {
    clearInterval(this.#cadence);
    this.#cadence = undefined;
    for (const osc of this.#oscillators) {
      osc.stop();
      osc.disconnect();
    }
    this.#oscillators = [];
    this.#gain?.disconnect();
    this.#gain = undefined;
  }
}
