#!/bin/bash
# A one-node Slurm cluster on this machine, for real: munged with a fresh key, slurmctld and
# slurmd in the foreground of this script's process group (proctrack/linuxproc, no cgroups, no
# accounting), all state in a temporary folder, private ports. It submits the README's array
# job for a probe and a sweep over 4 shards with `sbatch --wait`, merges the parts, checks the
# merged output equals the unsharded run's byte for byte (wall times aside), and stops the daemons.
#   scripts/slurm-demo.sh [CLIP] [DATA]   (default: the bundled sample; a data set of the LibriVox clips)
# Needs: slurm-wlm munge (Debian), root or a user slurmd may run as. Exit 0 when every check holds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/.build/release/asrlens
[ -x "$bin" ] || swift build -c release
for need in munged mungekey slurmctld slurmd sbatch; do
    command -v "$need" >/dev/null || { echo "slurm-demo: $need is missing (apt-get install slurm-wlm munge)" >&2; exit 3; }
done
clip=${1:-$root/assets/sense-and-sensibility-0930.wav}
work=$(mktemp -d /tmp/asrlens-slurm.XXXXXX)
chmod 755 "$work"
pids=()
# Stops the daemons, newest first (slurmd, slurmctld, then munged, which they call while they
# stop); any still alive after 10 s is killed outright, so the script never waits on one.
cleanup() {
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || continue
        for _ in $(seq 1 100); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
        kill -9 "${pids[i]}" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
data=${2:-}
if [ -z "$data" ]; then
    data=$work/set.tsv
    printf 'path\tlabel\n' > "$data"
    i=0
    for f in /usr/share/pocketsphinx/test/data/librivox/*.wav /usr/share/pocketsphinx/test/data/cards/00*.wav; do
        printf '%s\t%s\n' "$f" "$([ $((i % 2)) -eq 0 ] && echo a || echo b)" >> "$data"; i=$((i + 1))
    done
fi

# munge: a key and a daemon on a private socket.
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/parts"
mungekey --create --keyfile="$work/munge/munge.key" --force 2>/dev/null || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$work/munge/munge.key"
munged --foreground --force --socket="$work/munge/munge.sock" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" \
    < /dev/null > /dev/null 2> "$work/munge/munged.err" &
pids+=($!)
node=$(hostname -s)
port=$((20000 + RANDOM % 20000))
cat > "$work/slurm.conf" <<CONF
ClusterName=asrlens-demo
SlurmctldHost=$node
SlurmUser=$(id -un)
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
$(slurmd -C | head -1) State=UNKNOWN
PartitionName=demo Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
sleep 1
slurmctld -D -f "$SLURM_CONF" < /dev/null > "$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" < /dev/null > "$work/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
    sleep 1
done
if ! sinfo -h -o %T 2>/dev/null | grep -qE '^idle'; then
    echo "slurm-demo: the node never became idle; slurmctld and slurmd said:" >&2
    tail -5 "$work/slurmctld.log" "$work/slurmd.log" "$work/slurmctld.out" "$work/slurmd.out" >&2 2>/dev/null || true
    exit 4
fi
echo "slurm-demo: one-node cluster up ($node, port $port)"

# The README's array job, for a probe and a sweep, 4 shards each.
cat > "$work/probe.sbatch" <<JOB
#!/bin/bash
#SBATCH --array=0-3 --cpus-per-task=1 --output=$work/probe-%a.log
$bin probe "$data" --label label --model tiny.en --threads 1 --shard "\$SLURM_ARRAY_TASK_ID/4" --out "$work/parts/probe-\$SLURM_ARRAY_TASK_ID.jsonl"
JOB
cat > "$work/sweep.sbatch" <<JOB
#!/bin/bash
#SBATCH --array=0-3 --cpus-per-task=1 --output=$work/sweep-%a.log
$bin sweep "$clip" --component resid_post --window 100 --source zero --model tiny.en --threads 1 --shard "\$SLURM_ARRAY_TASK_ID/4" --out "$work/parts/sweep-\$SLURM_ARRAY_TASK_ID.jsonl"
JOB
status=0
for job in probe sweep; do
    start=$(date +%s)
    if ! sbatch --wait --chdir="$work" "$work/$job.sbatch" > "$work/$job.submit" 2>&1; then
        echo "slurm-demo: the $job array job failed:" >&2; cat "$work/$job.submit" "$work"/$job-*.log >&2 2>/dev/null || true; exit 5
    fi
    echo "slurm-demo: $job array job done in $(( $(date +%s) - start )) s ($(ls "$work"/parts/$job-*.jsonl | wc -l) parts)"
done
# Merged parts against one unsharded run; wall times (`seconds`, `feature_seconds`) differ, and
# so do the feature cache's counts (`cached`, `extracted`: the whole run finds what the shards,
# or earlier tests, stored), so they are dropped before comparing.
strip() { sed -E 's/"((feature_)?seconds|cached|extracted)":[-0-9.eE+]+,?//g'; }
"$bin" merge "$work"/parts/probe-*.jsonl --json | strip > "$work/probe-merged.json"
"$bin" probe "$data" --label label --model tiny.en --json | strip > "$work/probe-whole.json"
"$bin" merge "$work"/parts/sweep-*.jsonl --json | strip > "$work/sweep-merged.json"
"$bin" sweep "$clip" --component resid_post --window 100 --source zero --model tiny.en --json | strip > "$work/sweep-whole.json"
for job in probe sweep; do
    if cmp -s "$work/$job-merged.json" "$work/$job-whole.json"; then
        echo "slurm-demo: $job: the merged parts equal the unsharded run"
    else
        echo "slurm-demo: $job: the merged parts differ from the unsharded run:" >&2; status=1
        diff <(tr ',' '\n' < "$work/$job-merged.json") <(tr ',' '\n' < "$work/$job-whole.json") | head -10 >&2
    fi
done
exit $status
