#!/usr/bin/env python3
"""PyTorch side of bench/compare.sh: one forward + backward of a stack of nanoGPT-style GPT-2 pre-norm
blocks per config, printed as one JSON object per line.

The configs (S, M, L, XL) and the FLOP count are the ones Residual.Benchmarks uses (BenchConfig.cs):
forward = L * (24*B*T*C^2 + 4*B*T^2*C), forward + backward = 3 * forward.

This script installs nothing. It needs PyTorch; on Debian/Ubuntu:
    apt-get install -y python3-torch libopenblas0     # then run it with /usr/bin/python3
or: pip install torch

Usage: torch_blocks.py --threads N [--configs S,M,L,XL] [--seconds 1.5]
Run it once per thread count in a fresh process: OpenBLAS reads OMP_WAIT_POLICY / OPENBLAS_THREAD_TIMEOUT
when it loads (compare.sh sets them).
"""
import argparse
import ctypes
import ctypes.util
import json
import math
import statistics
import sys
import time

CONFIGS = {  # name: (B, T, C, H, L)
    "S": (4, 64, 128, 4, 4),
    "M": (8, 128, 256, 8, 4),
    "L": (4, 256, 512, 8, 4),
    "XL": (4, 256, 768, 12, 2),
}


def flops_per_step(b, t, c, layers):
    return 3.0 * layers * (24.0 * b * t * c * c + 4.0 * b * t * t * c)


def set_blas_threads(torch, n):
    """torch.set_num_threads does not reach OpenBLAS in Debian's build: call openblas_set_num_threads on
    the BLAS library torch has actually loaded (found in /proc/self/maps after a first matmul), checked with
    openblas_get_num_threads. Returns that library's path, or None."""
    a = torch.ones(8, 8)
    _ = a @ a
    loaded = []
    try:
        with open("/proc/self/maps") as maps:
            paths = (line.split()[-1] for line in maps)
            loaded = sorted({p for p in paths if "blas" in p and ".so" in p})
    except OSError:
        pass
    candidates = loaded + [name for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")) if name]
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads(ctypes.c_int(n))
            if lib.openblas_get_num_threads() == n:
                return name
        except (OSError, AttributeError):
            continue
    return None


def build(torch, b, t, c, h, layers):
    nn = torch.nn
    F = torch.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(c, 3 * c)
            self.c_proj = nn.Linear(c, c)
            self.register_buffer("mask", torch.tril(torch.ones(t, t)).view(1, 1, t, t))

        def forward(self, x):
            bb, tt, cc = x.size()
            q, k, v = self.c_attn(x).split(c, dim=2)
            q = q.view(bb, tt, h, cc // h).transpose(1, 2)
            k = k.view(bb, tt, h, cc // h).transpose(1, 2)
            v = v.view(bb, tt, h, cc // h).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.mask[:, :, :tt, :tt] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(bb, tt, cc)
            return self.c_proj(y)

    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(c, 4 * c)
            self.gelu = nn.GELU(approximate="tanh")
            self.c_proj = nn.Linear(4 * c, c)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(c)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(c)
            self.mlp = Mlp()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    return nn.Sequential(*[Block() for _ in range(layers)])


def measure(step, seconds):
    warm = time.perf_counter()
    i = 0
    while i < 3 or time.perf_counter() - warm < 0.5:
        step()
        i += 1
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < seconds and len(times) < 200):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--configs", default="S,M,L,XL")
    parser.add_argument("--seconds", type=float, default=1.5)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("torch_blocks.py: PyTorch is not installed for " + sys.executable + ".\n"
              "  Debian/Ubuntu: apt-get install -y python3-torch libopenblas0   (then use /usr/bin/python3)\n"
              "  elsewhere:     pip install torch", file=sys.stderr)
        return 3

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    blas = set_blas_threads(torch, args.threads)
    for name in args.configs.split(","):
        b, t, c, h, layers = CONFIGS[name.upper()]
        model = build(torch, b, t, c, h, layers)
        x = torch.randn(b, t, c, requires_grad=True)
        dy = torch.randn(b, t, c) * 1e-2

        def step():
            model.zero_grad(set_to_none=False)
            x.grad = None
            model(x).backward(dy)

        times = measure(step, args.seconds)
        print(json.dumps({
            "framework": "pytorch", "version": torch.__version__, "config": name.upper(), "threads": args.threads,
            "blas": blas or "not set", "ms": statistics.median(times), "min_ms": min(times), "runs": len(times),
            "gflop": flops_per_step(b, t, c, layers) / 1e9,
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
