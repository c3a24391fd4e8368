#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UndefinedBehaviorSanitizer) and runs
# each for a bounded time on its seed corpus. Any crash or sanitizer report fails (exit != 0).
#   tests/fuzz/run.sh [seconds per target]
set -euo pipefail
secs=${1:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_BUILD_DIR:-$root/build-fuzz}
mkdir -p "$out"
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -march=x86-64-v3
       -fno-math-errno -fno-trapping-math -I"$root" -I/usr/include/eigen3)
device=("$root"/models/device/*.cpp)
echo "building fuzzers in $out"
# The scenario parser with its input reader, file checks and technology reader (the default
# technology file is read from this source tree).
platform=("$root"/platform/{scenario,json_input,files,technology}.cpp "$root"/models/energy/{analog,digital}_costs.cpp)
clang++ "${flags[@]}" -DXBAR_TECHNOLOGY_DIR="\"$root/technologies\"" "$root/tests/fuzz/scenario_fuzzer.cpp" \
    "${platform[@]}" "${device[@]}" -lz -o "$out/scenario_fuzzer"
clang++ "${flags[@]}" "$root/tests/fuzz/lut_fuzzer.cpp" "${device[@]}" -lz -o "$out/lut_fuzzer"
sweep_src=("${platform[@]}")
for f in sweep sweep_report report_html supervisor csv output_dir; do sweep_src+=("$root/platform/$f.cpp"); done
clang++ "${flags[@]}" -DXBAR_TECHNOLOGY_DIR="\"$root/technologies\"" "$root/tests/fuzz/sweep_fuzzer.cpp" \
    "${sweep_src[@]}" "${device[@]}" -lz \
    -o "$out/sweep_fuzzer"
for t in scenario lut sweep; do
    work="$out/corpus-$t"
    rm -rf "$work" && mkdir -p "$work"
    cp "$root/tests/fuzz/corpus/$t"/* "$work"/
    echo "fuzzing $t for ${secs}s"
    (cd "$out" && "./${t}_fuzzer" -max_total_time="$secs" -max_len=8192 -timeout=10 -print_final_stats=1 "$work" \
        > "$out/$t.log" 2>&1) || { tail -40 "$out/$t.log"; echo "fuzzer $t FAILED"; exit 1; }
    grep -E "stat::number_of_executed_units|Done" "$out/$t.log" | tail -2
done
echo "fuzzing: no crash, no sanitizer report"
