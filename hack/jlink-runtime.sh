#!/usr/bin/env bash
# Builds the small Java runtime the operator image ships: jlink with the JDK modules that the
# operator's jar and its dependencies use (found by jdeps), plus those only reached by service
# loading: the elliptic-curve TLS provider where the JDK still has it as a module (up to 21).
#
#   hack/jlink-runtime.sh APP_JAR LIB_DIR OUTPUT_DIR
#
# Used by the Dockerfile; runs the same on a workstation with a JDK 21+ (JAVA_HOME or PATH).
set -euo pipefail

[[ $# -eq 3 ]] || { echo "usage: $0 APP_JAR LIB_DIR OUTPUT_DIR" >&2; exit 2; }
app_jar="$1" lib_dir="$2" out="$3"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[[ -f "${app_jar}" ]] || { echo "jlink-runtime: no jar at ${app_jar}" >&2; exit 1; }
compgen -G "${lib_dir}/*.jar" >/dev/null || { echo "jlink-runtime: no jars in ${lib_dir}" >&2; exit 1; }
[[ ! -e "${out}" ]] || { echo "jlink-runtime: ${out} exists; jlink needs a new directory" >&2; exit 1; }

modules="$("${java_home}/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 21 \
  "${app_jar}" "${lib_dir}"/*.jar 2>/dev/null | tail -n 1)"
[[ "${modules}" == java.base* ]] || { echo "jlink-runtime: jdeps found no module list (got '${modules}')" >&2; exit 1; }
if "${java_home}/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then modules="${modules},jdk.crypto.ec"; fi

echo "jlink-runtime: modules ${modules}" >&2
"${java_home}/bin/jlink" --add-modules "${modules}" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "${out}"
