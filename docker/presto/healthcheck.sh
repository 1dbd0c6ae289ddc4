#!/usr/bin/env bash
# Health check of the Presto image: started (GET /v1/info says "starting": false) and, with
# "workers", at least one active worker. Over HTTPS trusting the stack's CA, logged in as
# lake-viewer with its password from /run/secrets (given to curl on stdin, never an argument).
set -euo pipefail
login() { printf 'user = "lake-viewer:%s"\n' "$(head -n 1 /run/secrets/presto-lake-viewer.password)"; }
get() { login | curl -sf --max-time 4 --cacert /run/secrets/presto-ca.pem -K - "https://localhost:8080$1"; }
get /v1/info | grep -q '"starting":false'
if [[ "${1:-}" == workers ]]; then
  get /v1/cluster | grep -Eq '"activeWorkers":[1-9]'
fi
