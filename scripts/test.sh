#!/usr/bin/env bash
# test.sh: the one test command. Installs and builds (scripts/setup.sh),
# runs the whole suite with build/th, then builds build-asan/ with
# TL_SANITIZE=ON (AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# the suite again there.
#
#   scripts/test.sh [pattern ...]      patterns go to tests/run.lua
#   TL_NO_SANITIZE=1 scripts/test.sh   skip the sanitizer run
#   TL_NO_FUZZ=1 scripts/test.sh       skip the bounded fuzz runs
#
# The last line is the sum of both runs: "N passed, N failed, N skipped"
# (each test counts once per run). A run that dies before printing its
# closing line counts as one failure. Exits 1 when anything failed.
#
# Sanitizers and LuaJIT: LuaJIT (a static library from the cache) is not
# instrumented; the engine and th are. th closes the Lua state on exit, so
# every __gc has freed its engine objects and LeakSanitizer stays on: a
# leak it reports is an engine leak.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

total_passed=0 total_failed=0 total_skipped=0

# run_suite LABEL TH [pattern...]: runs the suite and adds its counts.
run_suite() {
  local label=$1 th=$2 log last
  shift 2
  log=$(mktemp /tmp/torchlight-test-log.XXXXXX)
  echo "== $label: $th tests/run.lua $*"
  "$th" tests/run.lua "$@" 2>&1 | tee "$log"
  last=$(tail -n 1 "$log")
  rm -f "$log"
  if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    total_passed=$((total_passed + BASH_REMATCH[1]))
    total_failed=$((total_failed + BASH_REMATCH[2]))
    total_skipped=$((total_skipped + BASH_REMATCH[3]))
  else
    echo "== $label: the suite died before its closing line"
    total_failed=$((total_failed + 1))
  fi
}

if ! "$repo/scripts/setup.sh"; then
  echo "setup failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
run_suite release build/th "$@"

if [[ -z "${TL_NO_SANITIZE:-}" ]]; then
  if BUILD_DIR="$repo/build-asan" CMAKE_ARGS="-DTL_SANITIZE=ON" "$repo/scripts/setup.sh"; then
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    asan="detect_leaks=1:halt_on_error=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    if (($#)); then
      ASAN_OPTIONS=$asan run_suite sanitize build-asan/th "$@"
    else
      # The dashboard runs SDL in-process; SDL's dlopened X11 drivers leave
      # allocations LeakSanitizer can only report as "<unknown module>"
      # once they are unloaded, so that one file runs without leak checks.
      # Every other file keeps them (a leaked engine object fails the run).
      mapfile -t files < <(cd tests && ls test_*.lua | grep -v '^test_dashboard')
      ASAN_OPTIONS=$asan run_suite sanitize build-asan/th "${files[@]}"
      ASAN_OPTIONS="$asan:detect_leaks=0" run_suite sanitize-sdl build-asan/th test_dashboard
    fi
  else
    echo "== sanitize: build failed"
    total_failed=$((total_failed + 1))
  fi
fi

# Fuzzers: bounded runs of the hostile-input harnesses (the .t7 reader and
# the image decoders), one test each. TL_NO_FUZZ=1 skips them.
run_fuzz() {
  local name=$1 log
  shift
  log=$(mktemp /tmp/torchlight-fuzz-log.XXXXXX)
  echo "== fuzz $name: $*"
  if "$@" >"$log" 2>&1; then
    total_passed=$((total_passed + 1))
    grep -E "Done [0-9]+ runs|stat::number_of_executed_units" "$log" | tail -n 1
  else
    echo "== fuzz $name: FAILED"
    tail -n 40 "$log"
    total_failed=$((total_failed + 1))
  fi
  rm -f "$log"
}
if [[ -z "${TL_NO_FUZZ:-}" && -z "$*" ]]; then
  run_fuzz t7 tests/fuzz/run.sh "${TL_FUZZ_SECONDS:-45}"
  run_fuzz image image/fuzz/run_fuzz.sh "${TL_FUZZ_SECONDS:-30}"
fi

echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
[[ $total_failed -eq 0 ]]
