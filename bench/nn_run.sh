#!/usr/bin/env bash
# nn_run.sh: nn/optim training throughput (bench/nn_train.lua), with the
# PyTorch anchors of the same networks when asked.
#
#   bench/nn_run.sh                   ours: mlp (batch 60 and 1), lenet; 1 and 2 threads
#   bench/nn_run.sh mlp lenet         some networks
#   BENCH_PYTORCH=1 bench/nn_run.sh   also ../shared/bench/anchor_pytorch.py mlp cnn
#   TH=path/to/th                     another build
#
# The machine is shared: figures are the best of several runs (ours) or the
# median with a foreign-load check (the anchor script). Compare ratios from
# one run only.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
th=${TH:-$repo/build/th}
"$th" "$repo/bench/nn_train.lua" "$@"
if [[ "${BENCH_PYTORCH:-0}" == 1 ]]; then
  anchor="$repo/../shared/bench/anchor_pytorch.py"
  [[ -f "$anchor" ]] || anchor=/work/shared/bench/anchor_pytorch.py
  QUIET_WAIT_S=${QUIET_WAIT_S:-30} /usr/bin/python3 "$anchor" mlp lenet 2>/dev/null
fi
