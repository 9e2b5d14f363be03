// What a softphone's peer connection receives, from getStats(): packets and
// bytes, the decoded audio's energy (is it more than silence?), which codec
// the last packets carried, and through which ICE candidates media flows.
import { waitUntil } from '../../support/wait.ts';
import type { Line, PhoneDriver } from './phone-driver.ts';

export interface InboundAudio {
  readonly packets: number;
  readonly bytes: number;
  /** inbound-rtp totalAudioEnergy: sum of audioLevel² × seconds of decoded audio. */
  readonly energy: number;
  /** inbound-rtp totalSamplesDuration: seconds of decoded audio. */
  readonly seconds: number;
  /** mimeType of the codec the inbound stream last carried ("audio/opus", "audio/PCMU"). */
  readonly codec: string | undefined;
}

/** The call's inbound audio now (zeros without a call). */
export function inboundAudio(d: PhoneDriver, line: Line = 'call'): Promise<InboundAudio> {
  return d.page.evaluate(
    async ({ tag, line }) => {
      const el = document.querySelector(tag) as unknown as {
        phone: {
          peerConnection?: RTCPeerConnection;
          consultPeerConnection?: RTCPeerConnection;
          waitingPeerConnection?: RTCPeerConnection;
        };
      } | null;
      const pc =
        line === 'consult'
          ? el?.phone.consultPeerConnection
          : line === 'waiting'
            ? el?.phone.waitingPeerConnection
            : el?.phone.peerConnection;
      const none = { packets: 0, bytes: 0, energy: 0, seconds: 0, codec: undefined };
      if (!pc) return none;
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const rtp = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      if (!rtp) return none;
      const codec = stats.find((s) => s.id === rtp.codecId);
      return {
        packets: Number(rtp.packetsReceived ?? 0),
        bytes: Number(rtp.bytesReceived ?? 0),
        energy: Number(rtp.totalAudioEnergy ?? 0),
        seconds: Number(rtp.totalSamplesDuration ?? 0),
        codec: codec?.mimeType as string | undefined,
      };
    },
    { tag: d.tag, line },
  );
}

/** Mean audioLevel² between two readings: 0 is digital silence, 1 a full-scale square wave. */
export function meanEnergy(from: InboundAudio, to: InboundAudio): number {
  const seconds = to.seconds - from.seconds;
  return seconds > 0 ? (to.energy - from.energy) / seconds : 0;
}

/** Mean energy `d` decodes over the next `seconds` of audio (what its person hears). */
export async function energyOver(
  d: PhoneDriver,
  seconds: number,
  what: string,
  line: Line = 'call',
): Promise<number> {
  const start = await inboundAudio(d, line);
  let end: InboundAudio = start;
  await waitUntil(
    `${what}: ${seconds} s of audio`,
    async () => {
      end = await inboundAudio(d, line);
      return end.seconds - start.seconds >= seconds;
    },
    10_000,
    20,
  );
  return meanEnergy(start, end);
}

/** dBov of a mean energy (audioLevel is linear, 1 = 0 dBov). */
export const dbov = (energy: number) => (energy > 0 ? 10 * Math.log10(energy) : -Infinity);

/**
 * The ICE candidate pair the call's media uses: candidate types ('host',
 * 'srflx', 'relay', 'prflx') and addresses on both ends.
 */
export function selectedPair(d: PhoneDriver) {
  return d.page.evaluate(async (tag) => {
    const el = document.querySelector(tag) as unknown as {
      phone: { peerConnection?: RTCPeerConnection };
    } | null;
    const stats = [...((await el?.phone.peerConnection?.getStats())?.values() ?? [])] as Record<
      string,
      unknown
    >[];
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const byId = (id: unknown) => stats.find((s) => s.id === id);
    const local = byId(pair?.localCandidateId);
    const remote = byId(pair?.remoteCandidateId);
    return {
      local: local?.candidateType as string | undefined,
      localAddress: local?.address as string | undefined,
      remote: remote?.candidateType as string | undefined,
      remoteAddress: remote?.address as string | undefined,
    };
  }, d.tag);
}

/** What `d` heard once sound began: when, how loud, over how many packets, in which codec. */
export interface Heard {
  /** Date.now() when the first reading above `silence` came. */
  readonly at: number;
  readonly energy: number;
  readonly packets: number;
  readonly codec: string | undefined;
}

/**
 * Waits until `d` decodes sound (mean energy above `silence` over 0.2 s, then
 * measured over 1 s); silence before it (a bridge being set up) starts over.
 */
export async function heardSound(d: PhoneDriver, silence: number, what: string): Promise<Heard> {
  let first = await inboundAudio(d);
  let last = first;
  let at = 0;
  await waitUntil(
    what,
    async () => {
      last = await inboundAudio(d);
      if (last.seconds - first.seconds < 0.2) return false;
      if (meanEnergy(first, last) <= silence) {
        first = last;
        return false;
      }
      at ||= Date.now();
      return last.seconds - first.seconds >= 1;
    },
    15_000,
    20,
  );
  return {
    at,
    energy: meanEnergy(first, last),
    packets: last.packets - first.packets,
    codec: last.codec,
  };
}
