#!/usr/bin/env bash
# run.sh: Torchlight's engine-core benchmark, measured side by side with its
# references in one run, printed as one table on stdout.
#
#   bench/run.sh                     every figure, 3 interleaved rounds
#   BENCH_ROUNDS=1 bench/run.sh      a quick pass
#   bench/run.sh mm add              some families: overhead mm add unary startup
#   TH=path/to/th bench/run.sh       another build
#   BENCH_PYTHON=...                 the Python with torch (default Debian's /usr/bin/python3)
#
# Ours: build/th running bench/bench.lua. References: bench/ref.c (cblas_sgemm
# from the OpenBLAS OpenMP build the engine links, and a plain OpenMP C loop,
# compiled here into a temporary directory), PyTorch through Debian's
# /usr/bin/python3 (bench/pytorch_ref.py; the anchors.md figures when torch is
# not installed), `luajit -e ''` for start-up.
#
# The machine is shared and its speed drifts, so every figure is the best of
# several repeats, ours and the reference alternate in each of BENCH_ROUNDS
# rounds, and the table reports ratios from the same run. Ratios are written
# so that > 1 means ours is better (throughput ours/ref, time ref/ours).
# Nothing is written inside the repository.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
th=${TH:-$repo/build/th}
rounds=${BENCH_ROUNDS:-3}
py=${BENCH_PYTHON:-/usr/bin/python3}
blasdir=/usr/lib/x86_64-linux-gnu/openblas-openmp
blasinc=/usr/include/x86_64-linux-gnu/openblas-openmp
families=("$@")
((${#families[@]})) || families=(overhead mm add unary startup)

log() { echo "bench: $*" >&2; }
want() { local f; for f in "${families[@]}"; do [[ $f == "$1" ]] && return 0; done; return 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
raw=$tmp/raw          # lines: side name value unit

[[ -x $th ]] || { log "no th at $th (build it: scripts/setup.sh)"; exit 1; }

# Link ref.c to OpenBLAS the way the engine is linked (CMake's TL_STATIC_BLAS,
# default ON: the archive of the OpenMP build; else its shared library).
blas_static=ON
cache=$(dirname "$th")/CMakeCache.txt
if [[ -f $cache ]] && grep -q '^TL_STATIC_BLAS:BOOL=OFF' "$cache"; then blas_static=OFF; fi
if [[ $blas_static == ON ]]; then
  blaslink=("$blasdir/libopenblas.a" -lgfortran -lm)
else
  blaslink=(-L"$blasdir" -Wl,-rpath,"$blasdir" -Wl,--disable-new-dtags -lopenblas)
fi
if ! gcc -O3 -march=native -fopenmp -Wall -Wextra -I"$blasinc" "$repo/bench/ref.c" \
       -o "$tmp/ref" "${blaslink[@]}"; then
  log "cannot build bench/ref.c"; exit 1
fi

have_torch=0
if [[ -x $py ]] && $py -c 'import torch' 2>/dev/null; then have_torch=1; fi

# run SIDE SUFFIX CMD...: appends the `name value unit` lines of CMD to raw,
# with SUFFIX (a thread tag) appended to each name; errors go to stderr.
run() {
  local side=$1 suffix=$2; shift 2
  local out
  out=$("$@" 2>"$tmp/err")
  local rc=$?
  if ((rc)); then log "failed ($rc): $*"; sed 's/^/  /' "$tmp/err" | tail -n 5 >&2; fi
  while read -r name value unit rest; do
    [[ -n ${name:-} ]] || continue
    if [[ $value == n/a ]]; then
      log "$side $name: n/a $unit ${rest:-}"
    elif [[ $name != config_* && $name != \#* ]]; then
      echo "$side $name$suffix $value $unit" >>"$raw"
    fi
  done <<<"$out"
}

# Other tenants' CPU use during the run, in cores: busy ticks of the whole
# machine (/proc/stat) minus the CPU time of this script's children.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
own_cpu() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
busy0=$(cpu_busy) own0=$(own_cpu) wall0=$(date +%s.%N)

for ((r = 1; r <= rounds; r++)); do
  log "round $r of $rounds"
  if want overhead; then
    run ours "" "$th" "$repo/bench/bench.lua" overhead 3
  fi
  for t in 1 2; do
    if want mm; then
      run ref "_${t}t" "$tmp/ref" sgemm "$t" 3
      run ours "_${t}t" "$th" "$repo/bench/bench.lua" mm "$t" 3
    fi
    if want add; then
      run ref "_${t}t" "$tmp/ref" add "$t" 20
      run ours "_${t}t" "$th" "$repo/bench/bench.lua" add "$t" 20
    fi
    if want unary; then
      run ours "_${t}t" "$th" "$repo/bench/bench.lua" unary "$t" 15
    fi
  done
  if ((have_torch)) && { want unary || want overhead; }; then
    run torch "" $py "$repo/bench/pytorch_ref.py" 15 1 2
  fi
done

if want startup; then
  log "start-up: hyperfine"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs 50 --style none --export-csv "$tmp/hf.csv" \
      "$th -e ''" "luajit -e ''" >/dev/null 2>"$tmp/err" || sed 's/^/  /' "$tmp/err" >&2
    # CSV: command,mean,stddev,median,user,system,min,max (seconds)
    # CPU time (user + system) is reported too: on a loaded machine it
    # moves much less than the wall time.
    awk -F, 'NR == 2 { print "ours startup " $4 * 1000 " ms"; print "ours startup_cpu " ($5 + $6) * 1000 " ms" }
             NR == 3 { print "floor startup " $4 * 1000 " ms"; print "floor startup_cpu " ($5 + $6) * 1000 " ms" }' \
      "$tmp/hf.csv" >>"$raw"
  else
    for cmd in ours floor; do
      if [[ $cmd == ours ]]; then c=("$th" -e ''); else c=(luajit -e ''); fi
      t0=$(date +%s%N)
      for _ in $(seq 50); do "${c[@]}"; done
      t1=$(date +%s%N)
      echo "$cmd startup $(((t1 - t0) / 50000)) ms" >>"$raw"   # mean, µs / 1000
    done
  fi
fi

foreign=$(awk -v b="$(( $(cpu_busy) - busy0 ))" -v o="$(( $(own_cpu) - own0 ))" \
  -v w0="$wall0" -v w1="$(date +%s.%N)" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { f = (b - o) / hz / (w1 - w0); printf "%.2f", f < 0 ? 0 : f }')

# Configuration: which BLAS and OpenMP runtime th really loads, and how many
# threads one process has after 2-thread GEMM and 2-thread loops.
cfg=$("$th" "$repo/bench/bench.lua" config 2>&1)

touch "$raw"
awk -v have_torch="$have_torch" -v cfg="$cfg" -v foreign="$foreign" -v rounds="$rounds" -v cores="$(nproc)" -v blas_static="$blas_static" '
  # Keep the best value per (side, name): highest throughput, lowest time.
  {
    k = $1 " " $2; unit[$2] = $4
    lower = ($4 == "ns/call" || $4 == "ms")
    if (!(k in v) || (lower ? $3 < v[k] : $3 > v[k])) v[k] = $3
  }
  function get(side, name) { return ((side " " name) in v) ? v[side " " name] : "" }
  function fmt(x) {
    if (x == "") return "n/a"
    return (x >= 100) ? sprintf("%.0f", x) : (x >= 10) ? sprintf("%.1f", x) : sprintf("%.2f", x)
  }
  # row(label, ours, ref, refname, higher_is_better, goal_text, kind, goal)
  # kind "ratio": pass when ratio >= goal; "max": pass when ours <= goal;
  # "info": no goal.
  function row(label, o, r, refname, higher, goaltxt, kind, goal,   ratio, ok) {
    ratio = ""
    if (o != "" && r != "" && o > 0 && r > 0) ratio = higher ? o / r : r / o
    if (kind == "info") ok = "-"
    else if (kind == "max") ok = (o == "") ? "FAIL" : (o <= goal ? "pass" : "FAIL")
    else if (r == "" && o != "") ok = "no ref"
    else ok = (ratio == "") ? "FAIL" : (ratio >= goal ? "pass" : "FAIL")
    printf "%-40s %10s %10s  %-26s %7s  %-10s %s\n", label, fmt(o), fmt(r), refname,
           ratio == "" ? "n/a" : sprintf("%.2fx", ratio), goaltxt, ok
    if (ok == "FAIL") fails++
  }
  END {
    printf "%-40s %10s %10s  %-26s %7s  %-10s %s\n", "figure", "ours", "reference",
           "(reference is)", "ratio", "goal", "pass/fail"
    printf "%s\n", "-------------------------------------------------------------------------------------------------------------"
    tsrc = have_torch ? "PyTorch, same run" : "PyTorch, anchors (median)"
    if (!have_torch) {   # anchors.md, PyTorch 1.13 on this machine (medians, not bests)
      v["torch add_method"] = 799; v["torch add_out"] = 1001
      v["torch sigmoid_1t"] = 10.2; v["torch sigmoid_2t"] = 19.7
    }
    if (get("ours", "add_method") != "" || get("torch", "add_method") != "") {
      row("a:add(b), 10 floats, ns/call", get("ours", "add_method"), get("torch", "add_method"),
          "PyTorch a.add_(b)", 0, "<= 40 ns", "max", 40)
      row("torch.add(c,a,b), 10 floats, ns/call", get("ours", "add_out"), get("torch", "add_out"),
          "PyTorch add(out=)", 0, "-", "info")
      row("a:add(b) vs Torch7 (anchors: 423 ns)", get("ours", "add_method"), 423,
          "Torch7, anchors.md", 0, ">= 10x", "ratio", 10)
    }
    for (t = 1; t <= 2; t++)
      if (get("ours", "mm_" t "t") != "" || get("ref", "mm_" t "t") != "")
        row("torch.mm 1000x5000x3000, " t "t, GFLOP/s", get("ours", "mm_" t "t"),
            get("ref", "mm_" t "t"), "cblas_sgemm, same data", 1, ">= 0.97", "ratio", 0.97)
    if (get("ours", "mm_2t") != "")
      row("torch.mm 2 threads vs 1", get("ours", "mm_2t"), get("ours", "mm_1t"),
          "ours, 1 thread", 1, ">= 1.0", "ratio", 1.0)
    for (t = 1; t <= 2; t++)
      if (get("ours", "add_" t "t") != "" || get("ref", "add_" t "t") != "")
        row("torch.add(c,a,b) 10M, " t "t, GB/s", get("ours", "add_" t "t"),
            get("ref", "add_" t "t"), "C loop -O3 -march=native", 1, ">= 0.95", "ratio", 0.95)
    if (get("ours", "add_2t") != "")
      row("torch.add 10M 2 threads vs 1", get("ours", "add_2t"), get("ours", "add_1t"),
          "ours, 1 thread", 1, ">= 1.0", "ratio", 1.0)
    split("sigmoid tanh exp", ops, " ")
    for (i = 1; i <= 3; i++) {
      for (t = 1; t <= 2; t++) {
        n = ops[i] "_" t "t"
        if (get("ours", n) == "" && get("torch", n) == "") continue
        row(ops[i] (ops[i] == "exp" ? " (out=)" : " in place") " 10M, " t "t, GB/s",
            get("ours", n), get("torch", n), tsrc, 1, ">= 1.5x", "ratio", 1.5)
      }
    }
    if (get("ours", "sigmoid_2t") != "")
      row("sigmoid 10M 2 threads vs 1", get("ours", "sigmoid_2t"), get("ours", "sigmoid_1t"),
          "ours, 1 thread", 1, ">= 1.0", "ratio", 1.0)
    if (get("ours", "startup") != "")
      row("th -e \"\" start-up, ms (median of 50)", get("ours", "startup"), get("floor", "startup"),
          "luajit -e \"\" (the floor)", 0, "<= 10 ms", "max", 10)
    if (get("ours", "startup_cpu") != "")
      row("th -e \"\" start-up, CPU ms (user+sys)", get("ours", "startup_cpu"),
          get("floor", "startup_cpu"), "luajit -e \"\" (the floor)", 0, "-", "info")
    printf "\nconfiguration (from th):\n"
    n = split(cfg, lines, "\n")
    for (i = 1; i <= n; i++) if (lines[i] != "") printf "  %s\n", lines[i]
    if (!have_torch)
      printf "  no torch in the Debian python3: PyTorch figures from anchors.md (none for tanh, exp)\n"
    printf "  ref.c linked to OpenBLAS (OpenMP build) %s, as the engine\n", blas_static == "ON" ? "statically" : "as a shared library"
    printf "  %s rounds; other processes used %s cores (of %d) on average during the run\n",
           rounds, foreign, cores
    if (foreign + 0 > 0.2)
      printf "  WARNING: other processes took cores during the run; 2-thread figures and their ratios are unreliable\n"
    printf "%d figure(s) miss their goal\n", fails
  }' "$raw"
