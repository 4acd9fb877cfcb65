#!/usr/bin/python3
"""pytorch_ref.py: the PyTorch side of bench/run.sh (Debian's python3-torch).

    /usr/bin/python3 bench/pytorch_ref.py REPS THREADS...

Prints `name_<n>t value unit` lines for sigmoid_ and tanh_ in place and exp
(out=) on 10M floats at each thread count, then `add_method` (a.add_(b)) and
`add_out` (torch.add(a, b, out=c)) on 10 floats, in ns per call: the same
figures and method as bench/bench.lua, best of REPS repeats after warm-up.
"""
import sys
import time

import torch

N = 10 * 1000 * 1000


def best_time(body, reps, warmup=1):
    for _ in range(warmup):
        body()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        body()
        best = min(best, time.perf_counter() - t0)
    return best


def emit(name, value, unit):
    print("%s %.4g %s" % (name, value, unit), flush=True)


def main():
    reps = int(sys.argv[1])
    threads = [int(t) for t in sys.argv[2:]] or [1, 2]
    torch.manual_seed(0)
    x = torch.rand(N) * 2 - 1
    y = torch.zeros(N)
    for th in threads:
        torch.set_num_threads(th)
        for op in ("sigmoid", "tanh", "exp"):
            if op == "exp":
                body = lambda: torch.exp(x, out=y)
            else:
                body = getattr(x, op + "_")
            emit("%s_%dt" % (op, th), 8 * N / best_time(body, reps, 3) * 1e-9, "GB/s")
            if op != "exp":
                x.uniform_(-1, 1)

    torch.set_num_threads(max(threads))
    a = torch.ones(10)
    b = torch.full((10,), 1e-7)
    c = torch.empty(10)

    def add_method(n):
        for _ in range(n):
            a.add_(b)

    def add_out(n):
        for _ in range(n):
            torch.add(a, b, out=c)

    for name, f in (("add_method", add_method), ("add_out", add_out)):
        n = 200000
        emit(name, best_time(lambda: f(n), max(2, reps // 5)) / n * 1e9, "ns/call")


if __name__ == "__main__":
    main()
