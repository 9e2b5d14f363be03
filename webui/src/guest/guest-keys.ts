// Which key presses on the public call page are DTMF tones: the twelve phone
// keys only (letters A-D exist in DTMF but no IVR asks a citizen for them). Pure.
export function keypadTone(key: string): string | undefined {
  return /^[0-9*#]$/.test(key) ? key : undefined;
}
