#!/usr/bin/env bash
# Platform overhead, side by side in one run: `xbar-vp run` (traces off, then default traces) vs
# the same numerics in a plain C++ loop (bench/plain_training.cpp). Three interleaved runs each;
# prints the medians and the ratios. Usage: bench/e2e_overhead.sh [build-dir]
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | sed -n 2p; }
scenario() {  # $1 preset, $2 device (ideal|analytic), $3 traces (on|off)
    python3 - "$here/scenarios/training/$1.json" "$2" "$3" > "$tmp/$1-$2-$3.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
if sys.argv[2] == 'analytic':
    d['tile']['device'] = {'model': 'analytic', 'alpha': 5.0, 'write_noise': 0.05}
if sys.argv[3] == 'off':
    d['outputs'] = {'vcd': False, 'trace': False}
print(json.dumps(d))
PY
}
for case in "digits-analog-ideal digits 10 ideal" "fashion-analog-ideal fashion 1 ideal" "fashion-analog-ideal fashion 1 analytic"; do
    set -- $case
    scenario "$1" "$4" off; scenario "$1" "$4" on
    : > "$tmp/plain"; : > "$tmp/off"; : > "$tmp/on"
    for k in 1 2 3; do
        "$here/$build/bench/plain_training" "$2" "$3" $([ "$4" = analytic ] && echo analytic) | awk '/^wall/ {print $2}' >> "$tmp/plain"
        for m in off on; do
            /usr/bin/time -f %e -o "$tmp/t" "$here/$build/platform/xbar-vp" run "$tmp/$1-$4-$m.json" --out "$tmp/out" > /dev/null 2>&1
            cat "$tmp/t" >> "$tmp/$m"
        done
    done
    p=$(median < "$tmp/plain"); a=$(median < "$tmp/off"); b=$(median < "$tmp/on")
    printf '%-8s %-9s epochs %-3s plain %6.2f s  platform %6.2f s (x%.2f)  with traces %6.2f s (x%.2f)\n' \
        "$2" "$4" "$3" "$p" "$a" "$(echo "$a / $p" | bc -l)" "$b" "$(echo "$b / $p" | bc -l)"
done
