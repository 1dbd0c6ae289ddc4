#!/usr/bin/env bash
# The test command: installs what is missing, then runs every unit and integration test.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/test.sh [extra Maven arguments]

Runs scripts/setup.sh and scripts/docker-setup.sh (a Docker engine with Compose v2, started
where none answers and this is root on Debian), then `mvn verify` over all modules: unit tests
(*Test, surefire) and integration tests (*IT, failsafe) against a real local stack that the
tests start on their own ports (19000-19099 by default, -Dlake.test.portBase=N to move it) and
state folders under each module's target/, and, in compose-tests, both compose shapes on the
images scripts/images.sh builds, as compose projects of their own (lake-compose-it,
lake-cluster-it). A stack started with ./pipeline.sh, or ./pipeline.sh --compose, is not touched.
Where no Docker engine can run at all, the compose tests are skipped and say why.
HELP
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
status=0
scripts/docker-setup.sh || status=$?
if (( status == 3 )); then
  echo "test.sh: no Docker engine can be started here (see above): the compose tests will be skipped" >&2
elif (( status != 0 )); then
  exit "$status"
fi
exec mvn -B -ntp -Dstyle.color=never verify "$@"
