# Runs a main class of a built module: lake_java_main MODULE ARTIFACT MAIN_CLASS [ARGS...]
# Builds the module first when its jar or classpath is missing. Sourced after env.sh.

lake_java_main() {
  local module="$1" artifact="$2" main="$3"; shift 3
  local jar
  jar=$(ls "$LAKE_REPO_ROOT/$module"/target/"$artifact"-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1 || true)
  if [[ -z "$jar" || ! -s "$LAKE_REPO_ROOT/$module/target/classpath.txt" ]]; then
    lake_log "building $module"
    (cd "$LAKE_REPO_ROOT" && mvn -q -B -ntp -DskipTests -DskipITs -pl "$module" -am install) || lake_die "build of $module failed"
    jar=$(ls "$LAKE_REPO_ROOT/$module"/target/"$artifact"-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)
  fi
  "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$jar:$(cat "$LAKE_REPO_ROOT/$module/target/classpath.txt")" "$main" "$@"
}
