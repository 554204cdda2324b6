#!/usr/bin/env bash
# Forward + backward of a stack of GPT-2 pre-norm blocks, Residual vs PyTorch, same configs, same machine,
# same run. Prints a table of ms, GFLOP/s, fraction of the measured FMA ceiling and the speed-up
# (PyTorch time / Residual time) against PyTorch's best thread setting.
#
#   bench/compare.sh [--configs S,M,L,XL] [--threads 1,2] [--seconds 1.5]
#
# Needs the .NET 10 SDK, and PyTorch for the comparison (this script installs nothing; without PyTorch it
# prints Residual's numbers and how to install it: on Debian/Ubuntu `apt-get install -y python3-torch
# libopenblas0`, then /usr/bin/python3 has torch). Times are medians of at least 5 runs after warm-up.
# Run it on a quiet machine: other processes on the same cores change every number.
set -euo pipefail
cd "$(dirname "$0")/.."

configs=S,M,L,XL
threads="1,$(nproc)"
seconds=1.5
while [ $# -gt 0 ]; do
  case "$1" in
    --configs) configs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: bench/compare.sh [--configs S,M,L,XL] [--threads 1,2] [--seconds 1.5]" >&2; exit 2 ;;
  esac
done

# OpenBLAS tuning overrides would make PyTorch's numbers not those of a default install.
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

python=python3
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" > /dev/null && "$candidate" -c 'import torch' 2> /dev/null; then python=$candidate; break; fi
done
command -v "$python" > /dev/null || { echo "compare.sh: python3 is needed to print the table." >&2; exit 1; }

dotnet build Residual.Benchmarks -c Release --nologo -v q > /dev/null
residual=(dotnet Residual.Benchmarks/bin/Release/net10.0/Residual.Benchmarks.dll --compare --threads "$threads" --seconds "$seconds")

results=$(mktemp)
trap 'rm -f "$results"' EXIT
torch_ok=1
# One config at a time, Residual then PyTorch, so both see the same conditions.
for config in ${configs//,/ }; do
  "${residual[@]}" --configs "$config" | tee -a "$results"
  [ "$torch_ok" -eq 1 ] || continue
  for t in ${threads//,/ }; do
    # Without a passive wait policy and a short OpenBLAS thread timeout, PyTorch's OpenMP pool and OpenBLAS's
    # pool spin against each other with 2 threads (config M gets 2x slower).
    if ! OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4 "$python" bench/torch_blocks.py --threads "$t" --configs "$config" --seconds "$seconds" | tee -a "$results"; then
      torch_ok=0
      echo "compare.sh: PyTorch run failed or is not installed; the table shows Residual only." >&2
      break
    fi
  done
done

"$python" - "$results" << 'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
peak = next((r for r in rows if "peak_gflops_per_core" in r), None)
ceiling = peak["peak_gflops_per_core"] * peak["cores"] if peak else None
configs = []
for r in rows:
    if "config" in r and r["config"] not in configs:
        configs.append(r["config"])

def best(framework, config):
    runs = [r for r in rows if r.get("framework") == framework and r.get("config") == config]
    return min(runs, key=lambda r: r["ms"]) if runs else None

def cell(r):
    return f"{r['ms']:.1f} ({r['gflop'] / r['ms'] * 1e3:.0f}) [{r['threads']}t]" if r else "n/a"

def frac(r):
    return f"{r['gflop'] / r['ms'] * 1e3 / ceiling:.0%}" if r and ceiling else "n/a"

print()
if peak:
    print(f"FMA ceiling (measured in this run): {peak['peak_gflops_per_core']:.0f} GFLOP/s per core x {peak['cores']} cores = "
          f"{ceiling:.0f} GFLOP/s ({peak['vector_bits']}-bit vectors)")
print("Forward + backward, median ms (GFLOP/s) [best thread count]; FLOPs = 3 x L(24BTC^2 + 4BT^2C)")
print()
print("| config | Residual | of peak | PyTorch (best) | of peak | speed-up |")
print("|---|---|---|---|---|---|")
for c in configs:
    r, p = best("residual", c), best("pytorch", c)
    speedup = f"{p['ms'] / r['ms']:.2f}x" if r and p else "n/a"
    print(f"| {c} | {cell(r)} | {frac(r)} | {cell(p)} | {frac(p)} | {speedup} |")
print()
print("Every setting, median ms:")
for c in configs:
    settings = [f"{r['framework']} {r['threads']}t {r['ms']:.1f}" for r in rows if r.get("config") == c]
    print(f"  {c}: " + ", ".join(settings))
PY
