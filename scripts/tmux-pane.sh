# Sourced by the scripts that drive the explorer in a real terminal: a private tmux server with
# one pane (tmux-256color, no status line) that is killed, with its work directory, on exit.
#   pane_start WIDTH HEIGHT COMMAND   start COMMAND in a WIDTHxHEIGHT pane
#   t ARGS...                         a tmux command on that server
#   wait_for TEXT                     wait (up to 60 s) until the pane shows TEXT
#   press KEYS...                     type keys 30 ms apart
bin=.build/release/asrlens
[ -x "$bin" ] || swift build -c release
work=$(mktemp -d)
socket="asrlens-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'set -g default-terminal tmux-256color\nset -g status off\n' > "$work/tmux.conf"
t() { tmux -u -L "$socket" -f "$work/tmux.conf" "$@"; }
pane_start() { t new-session -d -s p -x "$1" -y "$2" "$3; sleep 60"; }
wait_for() {
  for _ in $(seq 1 600); do t capture-pane -t p -p | grep -qF "$1" && return; sleep 0.1; done
  echo "$(basename "$0"): timed out waiting for '$1' in the explorer" >&2
  exit 1
}
press() { for k in "$@"; do t send-keys -t p "$k"; sleep 0.03; done; }
