#!/usr/bin/env bash
# Runs every libFuzzer target for FUZZ_SECONDS each (make fuzz: 60 s, make fuzz-smoke: 4 s).
# Only a stable toolchain exists here, so RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the nightly
# flags it needs (-Zsanitizer, -Cpasses=sancov-module). The sanitizer is off: the crate forbids
# unsafe code, and without ASan every target runs several times faster. New inputs go to
# fuzz/corpus/TARGET (not committed); fuzz/seeds/ holds the small committed seeds. A crash
# leaves its input in fuzz/artifacts/TARGET and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"sniff frame record csv containers ingest"}
export RUSTC_BOOTSTRAP=1

seeds_of() {
  case "$1" in
    sniff | ingest) echo fuzz/seeds/json fuzz/seeds/csv fuzz/seeds/containers ;;
    frame | record) echo fuzz/seeds/json ;;
    csv) echo fuzz/seeds/csv ;;
    containers) echo fuzz/seeds/containers ;;
  esac
}

for t in $targets; do cargo fuzz build --sanitizer none "$t"; done
summary=()
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/corpus/$t-${seconds}s.log"
  echo "==> fuzz $t for ${seconds}s"
  # -max_len keeps inputs near the seeds' size; -timeout turns a hang into a failure.
  if ! cargo fuzz run --sanitizer none "$t" "fuzz/corpus/$t" $(seeds_of "$t") -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t failed; the input is in fuzz/artifacts/$t/"
    exit 1
  fi
  summary+=("$(printf '%-11s %s' "$t" "$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)")")
done
printf '%s\n' "${summary[@]}"
