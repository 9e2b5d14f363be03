// Audio counters of a call's peer connection, from getStats(): the honest
// answer to "does audio flow?" (SIP can say Established with no media at all).

export interface AudioFlow {
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
}

export const NO_AUDIO: AudioFlow = { packetsReceived: 0, bytesReceived: 0, packetsSent: 0 };

interface RtpStats {
  type: string;
  kind?: string;
  packetsReceived?: number;
  bytesReceived?: number;
  packetsSent?: number;
}

/** Sums inbound/outbound audio RTP counters of a stats report. */
export function audioFlowFromStats(stats: Iterable<RtpStats>): AudioFlow {
  let packetsReceived = 0;
  let bytesReceived = 0;
  let packetsSent = 0;
  for (const s of stats) {
    if (s.kind !== 'audio') continue;
    if (s.type === 'inbound-rtp') {
      packetsReceived += s.packetsReceived ?? 0;
      bytesReceived += s.bytesReceived ?? 0;
    } else if (s.type === 'outbound-rtp') {
      packetsSent += s.packetsSent ?? 0;
    }
  }
  return { packetsReceived, bytesReceived, packetsSent };
}

export async function audioFlow(pc: RTCPeerConnection | undefined): Promise<AudioFlow> {
  if (!pc) return NO_AUDIO;
  const report = await pc.getStats();
  return audioFlowFromStats(report.values() as Iterable<RtpStats>);
}
