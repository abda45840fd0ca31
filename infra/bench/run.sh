#!/usr/bin/env bash
# make bench: figures, not assertions. Cold-start init time of the Lambda binary against
# hello-world lambda_runtime binaries built the same way (all spawned against a local
# Runtime API emulator), package sizes, and release build time. The budget's reference
# is the canonical hello world (`#[tokio::main]`, multi-thread); Portico runs tokio's
# current-thread runtime, so the same figures against a current-thread hello world are
# printed beside it: what Portico's own code costs.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-30}

# Built like the Lambda artifact (.cargo/config.toml): explicit --target, non-PIE.
HOST=$(rustc -vV | sed -n 's/^host: //p')
OUT=target/$HOST/release
echo "== release build (profile.release: opt-level s, thin LTO, strip; $HOST, non-PIE)"
start=$(date +%s)
cargo build --release --locked --target "$HOST" \
  -p portico-functions --bin portico -p portico-bench-hello --bin hello --bin hello-current-thread 2>&1 | tail -1
echo "   took $(( $(date +%s) - start )) s (a clean build: cargo clean first)"
cargo build --locked -p portico-local --bin portico-local 2>&1 | tail -1

echo "== package sizes (bootstrap binary, zipped as Lambda takes it)"
for bin in portico hello hello-current-thread; do
  python3 - "$bin" "$OUT" <<'PY'
import os, sys, zipfile, tempfile
b = sys.argv[1]; path = f"{sys.argv[2]}/{b}"
with tempfile.TemporaryDirectory() as d:
    z = os.path.join(d, "f.zip")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as f:
        f.write(path, "bootstrap")
    print(f"   {b:20} binary {os.path.getsize(path)/1e6:6.2f} MB   zip {os.path.getsize(z)/1e6:6.2f} MB")
PY
done

echo "== cold start: spawn -> first /invocation/next ($RUNS runs each, after one warm-up)"
hello=$(./target/debug/portico-local init-time "$OUT/hello" "$RUNS")
hello_ct=$(./target/debug/portico-local init-time "$OUT/hello-current-thread" "$RUNS")
portico=$(./target/debug/portico-local init-time "$OUT/portico" "$RUNS")
notifier=$(PORTICO_BENCH_AS=notifier ./target/debug/portico-local init-time "$OUT/portico" "$RUNS")
echo "   $hello"
echo "   $hello_ct"
echo "   $portico"
echo "   $notifier"
median() { sed -n 's/.*init median \([0-9.]*\) ms.*/\1/p' <<<"$1"; }
python3 -c "import sys; h, c, p = map(float, sys.argv[1:]); print(f'   init ratio portico / hello world: {p / h:.2f}x (budget: 1.25x); / current-thread hello world: {p / c:.2f}x')" \
  "$(median "$hello")" "$(median "$hello_ct")" "$(median "$portico")"
python3 -c "import sys; h, c, p = map(float, sys.argv[1:]); print(f'   init ratio notifier / hello world: {p / h:.2f}x (budget: 1.25x); / current-thread hello world: {p / c:.2f}x')" \
  "$(median "$hello")" "$(median "$hello_ct")" "$(median "$notifier")"

echo "== instructions to the first Runtime API poll (callgrind: the same count run after run)"
if command -v valgrind >/dev/null; then
  hello_i=$(./target/debug/portico-local init-instructions "$OUT/hello")
  hello_ct_i=$(./target/debug/portico-local init-instructions "$OUT/hello-current-thread")
  portico_i=$(./target/debug/portico-local init-instructions "$OUT/portico")
  notifier_i=$(PORTICO_BENCH_AS=notifier ./target/debug/portico-local init-instructions "$OUT/portico")
  echo "   $hello_i"
  echo "   $hello_ct_i"
  echo "   $portico_i"
  echo "   notifier: $notifier_i"
  count() { sed -n 's/.*: \([0-9]*\) instructions.*/\1/p' <<<"$1"; }
  python3 -c "import sys; h, c, p = map(int, sys.argv[1:]); print(f'   instruction ratio portico / hello world: {p / h:.2f}x; / current-thread hello world: {p / c:.2f}x ({p - c:,} more)')" \
    "$(count "$hello_i")" "$(count "$hello_ct_i")" "$(count "$portico_i")"
else
  echo "   valgrind is not installed (Debian: apt-get install valgrind): skipped"
fi

echo "== the member portal (web/): built size, and the jobs page's first render on the local stack"
make -s web chromium >/dev/null
./target/debug/portico-local web-bench 2>&1 | grep -E '^   |^web:'

echo "== the back office's load: a generated tenant through POST /admin/batch, a sample through single PUTs"
# PORTICO_LOAD_DIVISOR (default 5) divides the issue's tenant of 1,000 customers,
# 5,000 sites and 50,000 jobs: a fifth of it (11,200 items) loads in about four minutes
# on a two-core machine, the whole of it in about twenty (docs/integration.md, "Load rates").
PORTICO_LOAD_DIVISOR=${PORTICO_LOAD_DIVISOR:-5} RUST_LOG=error ./target/debug/portico-local load-bench
