#!/usr/bin/env bash
# nn_run.sh: issue 6's training benchmarks (bench/nn_train.lua) side by
# side with PyTorch 1.13 on the same networks (../shared/bench/anchor_pytorch.py,
# its "tuned" setup: OpenMP OpenBLAS, glibc malloc thresholds 1e9),
# interleaved: each round runs ours, then PyTorch, group by group, and the
# summary gives the median over rounds and the ratio for each figure.
#
#   bench/nn_run.sh                   all groups: mlp (batch 60 and 1, and
#                                     batch 60 without the first layer's
#                                     input gradient, as PyTorch's step), cnn
#                                     (LeNet 32x32, Collobert 96x96 and 256x256,
#                                     batch 60), vgg (VGG-A fwd+bwd, batch 8)
#   bench/nn_run.sh mlp cnn           some groups
#   ROUNDS=3 THREADS="2 1"            rounds (default 2) and thread counts
#   BENCH_PYTORCH=0                   ours only
#   TH=path/to/th                     another build (default build/th)
#
# Under load from other processes, 2-thread runs collapse with libgomp's
# default spin-waiting (each parallel region waits for a descheduled
# thread); OMP_WAIT_POLICY=PASSIVE in the environment avoids most of it
# (it applies to both sides). The load average is printed around each group.
#
# OPENBLAS_CORETYPE in the environment applies to both sides: it picks
# OpenBLAS's kernels (ours, and PyTorch's matrix products; PyTorch's
# convolutions use oneDNN, which ignores it). Unset, OpenBLAS and our
# engine pick AVX-512 kernels on CPUs that have them; set to Haswell, both
# use AVX2 ones. The value is printed with the load; NO_CORETYPE=1 unsets
# it for the run.
#
# Output: the raw `name value unit` lines as they come (ours, then
# `pytorch ...`), '#' lines with the load average around each group, then
# the table. The machine is shared: compare the ratios, which come from one
# time window, not absolute figures across runs.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
th=${TH:-$repo/build/th}
rounds=${ROUNDS:-2}
threads=${THREADS:-2 1}
groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=(mlp cnn vgg)
anchor="$repo/../shared/bench/anchor_pytorch.py"
[[ -f "$anchor" ]] || anchor=/work/shared/bench/anchor_pytorch.py
ompblas=/usr/lib/x86_64-linux-gnu/openblas-openmp
out=$(mktemp)
trap 'rm -f "$out"' EXIT

ours_nets() {
  case $1 in
    mlp) echo mlp mlp1 mlpni ;;
    cnn) echo lenet cnn96 cnn256 ;;
    vgg) echo vgg ;;
    *) echo "nn_run.sh: unknown group $1 (mlp, cnn, vgg)" >&2; exit 2 ;;
  esac
}

[[ "${NO_CORETYPE:-0}" == 1 ]] && unset OPENBLAS_CORETYPE
echo "# OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}"
for ((r = 1; r <= rounds; r++)); do
  for g in "${groups[@]}"; do
    nets=$(ours_nets "$g") || exit 2
    echo "# round $r, $g: load $(cut -d' ' -f1-3 /proc/loadavg)"
    for t in $threads; do
      # shellcheck disable=SC2086
      "$th" "$repo/bench/nn_train.lua" $nets threads="$t" 2>/dev/null | sed 's/^/ours /' | tee -a "$out"
    done
    if [[ "${BENCH_PYTORCH:-1}" == 1 ]]; then
      LD_LIBRARY_PATH=$ompblas MALLOC_MMAP_THRESHOLD_=1000000000 MALLOC_TRIM_THRESHOLD_=1000000000 \
        ANCHOR_TAG=_tuned ANCHOR_THREADS=$(echo "$threads" | tr ' ' ',') \
        QUIET_WAIT_S=${QUIET_WAIT_S:-5} RETRIES=${RETRIES:-0} \
        /usr/bin/python3 "$anchor" "$g" 2>/dev/null | sed 's/_tuned//; s/^/pytorch /' | tee -a "$out"
    fi
    echo "# round $r, $g done: load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
done

# Median over rounds per figure; ratio = ours / PyTorch for rates, PyTorch /
# ours for times (ms), so above 1 is always better for us.
echo
awk '
  { key = $2; unit[key] = $4; v[$1, key, ++n[$1, key]] = $3; seen[key] = 1 }
  function med(who, key,   k, i, j, t, a) {
    k = n[who, key]; if (!k) return 0
    for (i = 1; i <= k; i++) a[i] = v[who, key, i]
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    printf "%-30s %12s %12s %-11s %8s\n", "figure", "ours", "pytorch", "unit", "ratio"
    for (key in seen) {
      # a _noinputgrad figure is compared with the plain PyTorch figure
      pk = key; sub(/_noinputgrad/, "", pk)
      o = med("ours", key); p = med("pytorch", pk)
      r = (o > 0 && p > 0) ? (unit[key] == "ms" ? p / o : o / p) : 0
      rs = (r > 0) ? sprintf("%.2fx", r) : "-"
      printf "%-30s %12.1f %12.1f %-11s %8s\n", key, o, p, unit[key], rs
    }
  }' "$out" | { read -r head; echo "$head"; sort; }
