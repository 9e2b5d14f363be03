#!/usr/bin/env bash
# Generates the sounds a source build lacks (nothing can be downloaded): a
# default music-on-hold class and the prompts the dialplan and app_queue play,
# as 8 kHz µ-law (.ulaw) and 16-bit wav, with espeak-ng and sox.
#   sounds.sh <astvarlibdir>   writes <dir>/moh/*.wav and <dir>/sounds/en/*
# A call center installs its own by replacing these files (same names), or by
# pointing musiconhold.conf at a directory of its own (asterisk/README.md).
set -euo pipefail
out=$1
for tool in sox espeak-ng; do
  command -v "$tool" >/dev/null || { echo "sounds.sh: $tool is required (make system-deps)" >&2; exit 1; }
done
moh="$out/moh"
sounds="$out/sounds/en"
mkdir -p "$moh" "$sounds/queue"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Music on hold: three calm chord progressions (sine pads with a slow tremolo),
# 8 kHz mono, each long enough that a waiting caller does not hear a loop at once.
chords=(
  "C4 E4 G4|A3 C4 E4|F3 A3 C4|G3 B3 D4"
  "D4 F4 A4|G3 B3 D4|C4 E4 G4|A3 C4 E4"
  "F3 A3 C4|C4 E4 G4|G3 B3 D4|C4 E4 G4"
)
i=0
for progression in "${chords[@]}"; do
  i=$((i + 1))
  parts=()
  IFS='|' read -ra steps <<<"$progression"
  j=0
  for step in "${steps[@]}"; do
    j=$((j + 1))
    read -ra notes <<<"$step"
    sox -n -r 8000 -c 1 -b 16 "$tmp/c$i-$j.wav" synth 6 \
      sine "${notes[0]}" sine "${notes[1]}" sine "${notes[2]}" \
      remix 1-3 tremolo 0.3 20 fade 0.5 6 0.5 gain -n -9
    parts+=("$tmp/c$i-$j.wav")
  done
  sox "${parts[@]}" "$tmp/p$i.wav"
  sox "$tmp/p$i.wav" "$tmp/p$i.wav" -r 8000 -c 1 -b 16 "$moh/switchboard-$i.wav"
done

# Prompts: name|text. Names are Asterisk's own (app_queue's announcements,
# the standard ones the dialplan plays), so a real sound pack drops in.
prompts=(
  "hello-world|Hello world."
  "demo-echotest|This is the echo test. Speak, and hear yourself."
  "demo-echodone|The echo test is done."
  "beep|"
  "queue-thankyou|Thank you for your patience."
  "queue-youarenext|You are now first in line."
  "queue-thereare|There are"
  "queue-callswaiting|calls waiting."
  "queue-holdtime|The estimated hold time is"
  "queue-minutes|minutes."
  "queue-seconds|seconds."
  "queue-less-than|less than"
  "queue-reporthold|Hold time"
  "queue-periodic-announce|All our agents are busy. Please stay on the line."
  "queue-quantity1|Currently there are"
  "queue-quantity2|callers waiting to speak to an agent."
  "agent-loginok|You are signed in."
  "agent-loggedoff|You are signed out."
  "pbx-invalid|That number is not in service."
  "ss-noservice|The number you have dialed is not in service."
  "vm-goodbye|Goodbye."
  "auth-thankyou|Thank you."
  "pls-hold-while-try|Please hold while I try that extension."
  "transfer|Transferring."
  "privacy-incorrect|Sorry, that is not correct."
  "hotline-closed|The hotline is closed. Please call again during opening hours."
  "hotline-welcome|Welcome to the hotline. Please hold for the next free agent."
)
for entry in "${prompts[@]}"; do
  name=${entry%%|*}
  text=${entry#*|}
  if [ -z "$text" ]; then
    sox -n -r 8000 -c 1 -b 16 "$tmp/$name.wav" synth 0.25 sine 1000 gain -n -6
  else
    espeak-ng -v en-us -s 150 -w "$tmp/$name.raw.wav" "$text"
    sox "$tmp/$name.raw.wav" -r 8000 -c 1 -b 16 "$tmp/$name.wav" gain -n -3
  fi
  cp "$tmp/$name.wav" "$sounds/$name.wav"
  sox "$tmp/$name.wav" -t ul "$sounds/$name.ulaw"
done
# Digits for announcements of position and hold time.
mkdir -p "$sounds/digits"
for n in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 30 40 50 60 70 80 90 hundred; do
  espeak-ng -v en-us -s 150 -w "$tmp/d$n.raw.wav" "$n"
  sox "$tmp/d$n.raw.wav" -r 8000 -c 1 -b 16 "$sounds/digits/$n.wav" gain -n -3
  sox "$sounds/digits/$n.wav" -t ul "$sounds/digits/$n.ulaw"
done
echo "sounds.sh: $(find "$out/moh" "$out/sounds" -type f | wc -l) files in $out"
