// Removes one codec from an SDP offer: every payload type whose rtpmap names
// it leaves the m= line, with its rtpmap, fmtp and rtcp-fb lines. The
// softphone calls again without Opus when Asterisk answers 488 (a call out
// to a carrier that takes no Opus: Asterisk has no Opus transcoder). Pure.

export function withoutCodec(sdp: string, codec: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const name = codec.toLowerCase();
  const dropped = new Set<string>();
  for (const line of lines) {
    const m = /^a=rtpmap:(\d+) ([^/\s]+)\//.exec(line);
    if (m?.[1] && m[2]?.toLowerCase() === name) dropped.add(m[1]);
  }
  if (dropped.size === 0) return sdp;
  return lines
    .filter((line) => {
      const attr = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[\s]/.exec(line);
      return !(attr?.[1] && dropped.has(attr[1]));
    })
    .map((line) => {
      if (!line.startsWith('m=')) return line;
      const [media, port, proto, ...formats] = line.split(' ');
      return [media, port, proto, ...formats.filter((f) => !dropped.has(f))].join(' ');
    })
    .join(eol);
}

/** Whether an SDP offers `codec`. */
export function offersCodec(sdp: string, codec: string): boolean {
  return new RegExp(`^a=rtpmap:\\d+ ${codec}/`, 'im').test(sdp);
}
