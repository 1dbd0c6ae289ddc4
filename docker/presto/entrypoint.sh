#!/usr/bin/env bash
# Presto of docker-compose.yml: renders every file of presto/etc (mounted read-only) from the
# environment with scripts/lib/render.sh, the renderer of scripts/stack.sh, into
# $PRESTO_CONF_DIR, then runs the image's launcher on that folder.
set -euo pipefail
source /etc/lake/scripts/lib/render.sh
templates=/etc/lake/presto/etc
rm -rf "$PRESTO_CONF_DIR"
while IFS= read -r -d '' template; do
  lake_render "$template" "$PRESTO_CONF_DIR/${template#"$templates"/}"
done < <(find "$templates" -type f -print0)
mkdir -p "$PRESTO_DATA_DIR"
exec "$PRESTO_HOME/bin/launcher" run --etc-dir="$PRESTO_CONF_DIR" --data-dir="$PRESTO_DATA_DIR"
