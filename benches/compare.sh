#!/usr/bin/env bash
# archlint against its peers on one generated file, side by side in one run:
#   - rapidyaml's parse alone (the fastest YAML parser we know of; pip `rapidyaml`)
#   - Spectral 6.16.3 with the field-level ruleset (npm `@stoplight/spectral-cli`)
#   - archlint end to end (`check --format json`, `--format sarif`, human)
# Peers are installed under target/peers/ on first use; a peer that cannot be installed
# (offline) is skipped with a message. Prints a Markdown table of medians for
# BENCHMARKS.md.
#
#   benches/compare.sh [N] [RUNS]     N services for gen_model.py (default 10000)
#
# The generator (benches/gen_model.py) and the peers' ruleset
# (benches/spectral-ruleset.yaml) are in this directory.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${2:-7}
bench=benches
peers=target/peers
mkdir -p "$peers"

file="$peers/gen-$n.yaml"
[ -s "$file" ] || python3 "$bench/gen_model.py" "$n" > "$file"
cargo build --release --quiet
bin=target/release/archlint

# rapidyaml, in a virtualenv of its own
ryml="$peers/venv/bin/python"
if [ ! -x "$ryml" ] || ! "$ryml" -c 'import ryml' 2>/dev/null; then
  (python3 -m venv "$peers/venv" && "$peers/venv/bin/pip" install --quiet rapidyaml) >/dev/null 2>&1 ||
    echo "rapidyaml could not be installed (offline?): skipped" >&2
fi

# Spectral
spectral="$peers/spectral/node_modules/.bin/spectral"
if [ ! -x "$spectral" ]; then
  (mkdir -p "$peers/spectral" && cd "$peers/spectral" &&
    npm install --silent --no-audit --no-fund @stoplight/spectral-cli@6.16.3) >/dev/null 2>&1 ||
    echo "Spectral could not be installed (offline?): skipped" >&2
fi

FILE="$file" BIN="$bin" RYML="$ryml" SPECTRAL="$spectral" RULESET="$bench/spectral-ruleset.yaml" RUNS="$runs" python3 - <<'EOF'
import os, statistics, subprocess, time

file, runs = os.environ["FILE"], int(os.environ["RUNS"])
size = os.path.getsize(file) / 1e6

def wall(cmd, n):
    """Median wall time and the largest peak RSS (MB) of n runs of cmd."""
    times, peak = [], 0
    for _ in range(n):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(p.pid, 0)  # this child's own peak, not the largest so far
        times.append(time.perf_counter() - t)
        p.returncode = 0
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak / 1024

rows = []
ryml = os.environ["RYML"]
if os.path.exists(ryml):
    # the parse alone, in process: the file is read before the clock starts
    code = f"""
import ryml, time, statistics
data = open({file!r}, 'rb').read()
ts = []
for _ in range({runs}):
    t = time.perf_counter(); tree = ryml.parse_in_arena(data); ts.append(time.perf_counter() - t); del tree
print(statistics.median(ts))
"""
    out = subprocess.run([ryml, "-c", code], capture_output=True, text=True, check=True)
    rows.append(("rapidyaml parse only (in process)", float(out.stdout), None))

bin = os.environ["BIN"]
for fmt in ["json", "sarif", "human"]:
    t, m = wall([bin, "check", "--format", fmt, file], runs)
    rows.append((f"archlint check --format {fmt}", t, m))

spectral = os.environ["SPECTRAL"]
if os.path.exists(spectral):
    t, m = wall([spectral, "lint", "-r", os.environ["RULESET"], "-f", "json", file], max(1, runs // 3))
    rows.append(("Spectral 6.16.3, 6 field rules", t, m))

print(f"file: {file} ({size:.1f} MB), median of {runs} runs (Spectral: {max(1, runs // 3)})\n")
print("| tool | wall time | peak RSS |")
print("|---|---|---|")
for name, t, m in rows:
    print(f"| {name} | {t * 1000:.0f} ms | {'' if m is None else f'{m:.0f} MB'} |")
ours = next(t for name, t, _ in rows if name.endswith("--format json"))
for name, t, _ in rows:
    if name.startswith("rapidyaml"):
        print(f"\narchlint end to end / rapidyaml parse: {ours / t:.1f}x (goal: <= 2x)")
    if name.startswith("Spectral"):
        print(f"Spectral / archlint end to end: {t / ours:.1f}x (goal: >= 35x)")
EOF
