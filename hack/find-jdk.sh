#!/usr/bin/env bash
# Prints a JAVA_HOME whose java is version 21 or newer, or fails saying what was looked at.
# Order: $JAVA_HOME, the java on PATH, then every JDK under /usr/lib/jvm (newest first).
set -euo pipefail

major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d%/}"); done

for home in "${candidates[@]}"; do
  if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
    m=$(major "$home" || echo 0)
    if [ "${m:-0}" -ge 21 ] 2>/dev/null; then echo "$home"; exit 0; fi
  fi
done
echo "find-jdk: no JDK 21+ found (looked at: ${candidates[*]:-nothing}); install one, e.g. apt-get install openjdk-21-jdk-headless, or set JAVA_HOME" >&2
exit 1
