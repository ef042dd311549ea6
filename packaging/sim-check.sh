#!/usr/bin/env bash
# Starts `rolewatch sim` on a free loopback port and runs `rolewatch check` against it.
# Arguments go to check (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."
coproc SIM { exec node dist/main.js sim --imds-port 0; }
trap 'kill "$SIM_PID" 2>/dev/null || true' EXIT
read -r endpoints <&"${SIM[0]}"
imds=$(node -p 'JSON.parse(process.argv[1]).imds' "$endpoints")
echo "# rolewatch sim: IMDS at $imds" >&2
AWS_EC2_METADATA_SERVICE_ENDPOINT=$imds node dist/main.js check "$@"
