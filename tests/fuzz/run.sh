#!/usr/bin/env bash
# run.sh: builds the .t7 reader's fuzz harness (tests/fuzz/fuzz_t7.c) with
# Debian's clang, libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs it for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]       default 60
#
# The engine is compiled from source into build-fuzz/ (ignored by git),
# without OpenMP or CBLAS, which the file reader does not use (LAPACKE is
# linked: the engine's linear algebra calls it directly), and with a
# 16-byte disk buffer so refills fall inside tokens and strings. Seeds are
# the fixtures of tests/data, each behind a settings byte (see the
# harness). The corpus grows in build-fuzz/corpus and is kept between runs.
# Exit status 0 means no crash, leak, UB report or oversized allocation;
# a failing input is saved as build-fuzz/crash-* and reported.
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
set -euo pipefail

seconds=${1:-60}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$repo/build-fuzz
cc=${CC_FUZZ:-clang}

command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$out/corpus" "$out/seeds"

# ---- build (only when a source changed) --------------------------------
srcs=("$repo"/engine/src/*.c "$repo"/engine/src/ops/*.c "$repo/tests/fuzz/fuzz_t7.c")
bin=$out/fuzz_t7
stale=0
[[ -x $bin ]] || stale=1
for s in "${srcs[@]}" "$repo"/engine/include/*.h "$repo"/engine/src/*.h; do
  [[ $s -nt $bin ]] && stale=1
done
if ((stale)); then
  echo "fuzz: building $bin" >&2
  "$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -Wno-unknown-pragmas -DTL_FILE_BUFSIZE_BYTES=16 \
    -I"$repo/engine/include" -I"$repo/engine/src" "${srcs[@]}" -llapacke -lm -o "$bin"
fi

# ---- seeds: settings byte + fixture --------------------------------------
for f in "$repo"/tests/data/*.t7; do
  name=$(basename "$f" .t7)
  case $name in
    *ascii*) cfg='\001' ;;        # ascii
    *b32*) cfg='\002' ;;          # binary, 4-byte longs
    *) cfg='\000' ;;              # binary, native
  esac
  { printf "$cfg"; cat "$f"; } > "$out/seeds/$name"
  { printf "$cfg" | tr '\000\001\002' '\100\101\302'; cat "$f"; } > "$out/seeds/disk_$name"
done

# ---- run ------------------------------------------------------------------
echo "fuzz: running for ${seconds}s" >&2
cd "$out"
set +e
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$bin" -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$out/" corpus seeds 2>&1 | tail -n 40
rc=${PIPESTATUS[0]}
set -e
if ((rc != 0)); then
  echo "fuzz: FAILED (exit $rc); failing inputs: $(ls "$out"/crash-* "$out"/leak-* "$out"/oom-* 2>/dev/null | tr '\n' ' ')" >&2
  exit 1
fi
echo "fuzz: ok (no crash, leak, UB or oversized allocation in ${seconds}s)" >&2
