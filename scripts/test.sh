#!/usr/bin/env bash
# The test command: installs what is missing, then runs every unit and integration test.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/test.sh [extra Maven arguments]

Runs scripts/setup.sh, then `mvn verify` over all modules: unit tests (*Test, surefire)
and integration tests (*IT, failsafe) against a real local stack that the tests start on
their own ports (19000-19099 by default, -Dlake.test.portBase=N to move it) and state
folders under each module's target/. A stack started with ./pipeline.sh is not touched.
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
exec mvn -B -ntp -Dstyle.color=never verify "$@"
