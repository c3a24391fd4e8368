#!/usr/bin/env bash
# Runs an xbar-vp sweep as a Slurm job array: each array task runs its deterministic shard.
#   sbatch --array=0-7 --output=traces/sweep-logs/%A_%a.log \
#       scenarios/sweeps/slurm-array.sh scenarios/sweeps/size-bits-variant.json traces/sweep-out
# then, when all tasks are done (merge checks every shard, lists missing points, exit 2 if any):
#   build/platform/xbar-vp merge traces/sweep-out --out traces/sweep-merged
# Shards may share one output folder (the first one writes sweep.json and the header under a
# lock; rows are appended under the same lock) or use one folder each. Pass --output to sbatch to
# choose where the job logs go (Slurm's default is slurm-%A_%a.out in the submit folder).
# XBAR_VP names the binary (default: build/platform/xbar-vp under the submit folder).
#SBATCH --job-name=xbar-vp-sweep
#SBATCH --cpus-per-task=1
set -euo pipefail
spec=$1
out=$2
here=${SLURM_SUBMIT_DIR:-$(pwd)}
bin=${XBAR_VP:-$here/build/platform/xbar-vp}
exec "$bin" sweep "$spec" -j 1 --out "$out" \
    --shard "${SLURM_ARRAY_TASK_ID:-0}/${SLURM_ARRAY_TASK_COUNT:-1}"
