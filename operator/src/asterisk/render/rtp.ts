// rtp.conf: the media port range from the WebRTCConfig, ICE on, and Asterisk's
// own STUN server (the first plain stun: URL) so its candidates carry the
// public address. This file IS the [general] section (it starts with the
// [general] marker), so the base rtp.conf should consist of the #include only.
import type { WebRTCConfigSpec } from '../../crds/types.ts';

/** `stun:host[:port]` → `host[:port]`; stuns: (TLS) is not something res_rtp_asterisk speaks. */
export function stunAddress(urls: readonly string[] | undefined): string | undefined {
  for (const url of urls ?? []) {
    const m = /^stun:([A-Za-z0-9.-]+(?::[0-9]{1,5})?)$/.exec(url);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** Lines after the marker, still inside its [general] category. */
export function rtpBody(spec: WebRTCConfigSpec): string {
  const lines = [
    `rtpstart = ${spec.rtp.portStart}`,
    `rtpend = ${spec.rtp.portEnd}`,
    'icesupport = yes',
  ];
  const stun = stunAddress(spec.iceServers.stunUrls);
  if (stun) lines.push(`stunaddr = ${stun}`);
  return `${lines.join('\n')}\n`;
}
