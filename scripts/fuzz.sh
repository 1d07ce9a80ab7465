#!/bin/bash
# Builds the libFuzzer targets (Fuzz/*) with AddressSanitizer and runs each for RUNS executions
# (default 1,000,000) from the committed seed corpus. A crash, leak or sanitizer report stops
# with a non-zero status and leaves the input in .build-fuzz/artifacts/.
#   scripts/fuzz.sh [TARGET...]      targets: ModelFile Audio Tokenizer Command PartFile TSV SafeTensors (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ModelFile Audio Tokenizer Command PartFile TSV SafeTensors)
for t in "${targets[@]}"; do
  # Swift's -sanitize=fuzzer instruments with trace-pc-guard, which current libFuzzer ignores
  # ("no interesting inputs ... Is the code instrumented?"): ask for the counters it reads.
  ASRLENS_FUZZ=1 swift build -c debug --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp --build-path .build-fuzz --product "Fuzz$t" >/dev/null
done
mkdir -p .build-fuzz/artifacts
for t in "${targets[@]}"; do
  work=.build-fuzz/corpus/$t
  mkdir -p "$work"
  cp -n Fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  echo "== Fuzz$t: $RUNS runs"
  start=$(date +%s)
  set +e
  .build-fuzz/debug/Fuzz$t -runs="$RUNS" -max_len=4096 -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=2048 \
    -artifact_prefix=.build-fuzz/artifacts/$t- "$work" > .build-fuzz/$t.log 2>&1
  status=$?
  set -e
  grep -E "^#[0-9]+ +DONE|ERROR|SUMMARY|^Done|Test unit written|WARNING: no interesting" .build-fuzz/$t.log || true
  echo "   status $status, $(( $(date +%s) - start )) s"
  [ "$status" -eq 0 ] || exit "$status"
done
