# Renders a config template: every ${NAME} becomes the value of environment variable NAME.
# Shared by scripts/stack.sh (local stack) and the compose entrypoints (docker/), so that both
# fill the same templates (hive/conf, presto/etc) the same way. Sourced, not run.
# Plain bash and printenv only: it also runs inside service images that have no perl.

# lake_render TEMPLATE TARGET
# An unset variable is an error (the target is then not written), never an empty string;
# a variable set to the empty string renders as empty. Values are not rendered again.
lake_render() {
  local template="$1" target="$2"
  local __text="" __result="" __name __placeholder __value
  local __pattern='\$\{([A-Za-z0-9_]+)\}'
  if [[ ! -f "$template" ]]; then
    printf '%s: template not found\n' "$template" >&2
    return 1
  fi
  # read -d '' keeps the file byte for byte (trailing newlines included); it returns 1 at EOF
  IFS= read -r -d '' __text < "$template" || true
  while [[ "$__text" =~ $__pattern ]]; do
    __name="${BASH_REMATCH[1]}"
    __placeholder="\${$__name}"
    # the environment, not shell variables: what the process would hand to a child
    if ! __value="$(printenv -- "$__name"; printf x)" || [[ "$__value" == x ]]; then
      printf '%s: ${%s} is not set\n' "$template" "$__name" >&2
      return 1
    fi
    __value="${__value%x}"
    __value="${__value%$'\n'}"
    __result+="${__text%%"$__placeholder"*}$__value"
    __text="${__text#*"$__placeholder"}"
  done
  mkdir -p "$(dirname "$target")"
  printf '%s' "$__result$__text" > "$target"
}
