#!/usr/bin/env bash
# The test suite on a hostile machine: `python3` takes 1 s to start (a wrapper first on PATH), and
# two busy loops compete with the tests for the CPU. Runs the suite N times in a row (default 5)
# and stops at the first failing run. The busy loops are stopped at the end, whatever happens.
#
#   npm run test:hostile-machine              # 5 runs of the whole suite
#   npm run test:hostile-machine -- 2         # 2 runs
#   npm run test:hostile-machine -- 1 spec/simulator spec/testing   # 1 run of some specs
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
if ((runs < 1)); then
  echo "hostile-machine: the number of runs must be at least 1" >&2
  exit 2
fi

real_python=$(command -v python3 || true)
if [[ -z $real_python ]]; then
  echo "hostile-machine: python3 not found (the interop tests need it)" >&2
  exit 2
fi

wrapper_dir=$(mktemp -d)
busy=()
suite=''
cleanup() {
  # the suite runs in its own process group (setsid): stop it with its workers and children
  if [[ -n $suite ]]; then kill -TERM -- "-$suite" 2>/dev/null || true; fi
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${busy[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$wrapper_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# python3 that is slow to start, as on a loaded or cold machine
cat >"$wrapper_dir/python3" <<WRAPPER
#!/bin/sh
sleep 1
exec "$real_python" "\$@"
WRAPPER
chmod +x "$wrapper_dir/python3"

# two busy loops, one per core of a 2-core machine
for _ in 1 2; do
  (while :; do :; done) &
  busy+=("$!")
done

echo "hostile-machine: ${runs} run(s), python3 sleeps 1 s before starting, busy loops: ${busy[*]}"
for ((run = 1; run <= runs; run++)); do
  started=$SECONDS
  # in the background, so that a signal interrupts `wait` at once and the trap cleans up
  PATH="$wrapper_dir:$PATH" setsid npx jest "$@" &
  suite=$!
  if wait "$suite"; then
    suite=''
    echo "hostile-machine: run ${run}/${runs} passed in $((SECONDS - started)) s"
  else
    suite=''
    echo "hostile-machine: run ${run}/${runs} FAILED after $((SECONDS - started)) s" >&2
    exit 1
  fi
done
echo "hostile-machine: ${runs} run(s) in a row passed"
