#!/usr/bin/env bash
# Runs an xbar-vp sweep as a Slurm job array: each array task runs its deterministic shard.
#   sbatch --array=0-7 scenarios/sweeps/slurm-array.sh scenarios/sweeps/size-bits-variant.json traces/sweep-out
# then, when all tasks are done:
#   build/platform/xbar-vp merge traces/sweep-out --out traces/sweep-merged
# Shards may share one output folder (rows are appended under a lock) or use one folder each.
#SBATCH --job-name=xbar-vp-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=xbar-vp-sweep-%A_%a.log
set -euo pipefail
spec=$1
out=$2
here=${SLURM_SUBMIT_DIR:-$(pwd)}
exec "$here/build/platform/xbar-vp" sweep "$spec" -j 1 --out "$out" \
    --shard "${SLURM_ARRAY_TASK_ID:-0}/${SLURM_ARRAY_TASK_COUNT:-1}"
