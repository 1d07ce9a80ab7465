#!/usr/bin/env bash
# Captures a real screen of each explorer view with tmux (120x40, NO_COLOR so heat shows as
# glyphs in plain text) and writes them into README.md between the screens markers.
# Usage: scripts/screenshots.sh [MODEL] [CLIP]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-tiny.en}
clip=${2:-assets/sense-and-sensibility-0870.wav}
. scripts/tmux-pane.sh
pane_start 120 40 "env NO_COLOR=1 LANG=C.UTF-8 $bin explore --model $model $clip"
keys() { press "$@"; sleep 0.3; }
shot() {  # title, then the text of the pane without trailing blank lines
  printf '**%s**\n\n```text\n' "$1"
  t capture-pane -t p -p | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
  printf '```\n\n'
}
wait_for 'no-speech p'
wait_for ' asrlens   '   # the spinner gone: the encoder lens behind the first screen is done
{
  shot "1 Transcript"
  keys 2 l l l l l l l l j j j; shot "2 Logit lens (cursor on layer 2, token 8)"
  keys 3; wait_for 'enc 3'; shot "3 Encoder lens"
  keys 4; wait_for 'row max'; shot "4 Attention (mean of the alignment heads)"
  keys 5 H w c c c c Space; wait_for 'WER '; shot "5 Patch (the word 'leisure' replaced by silence at the encoder output)"
} > "$work/screens.md"
t send-keys -t p q
python3 - "$work/screens.md" <<'PY'
import re, sys
screens = open(sys.argv[1]).read()
readme = open("README.md").read()
begin, end = "<!-- screens:begin -->", "<!-- screens:end -->"
if begin not in readme:
    sys.exit("screenshots: README.md has no screens markers")
head, rest = readme.split(begin, 1)
_, tail = rest.split(end, 1)
open("README.md", "w").write(head + begin + "\n" + screens + end + tail)
PY
echo "README.md: screens updated"
