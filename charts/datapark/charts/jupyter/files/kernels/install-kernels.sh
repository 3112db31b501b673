#!/bin/sh
# Writes the kernelspecs the sample notebooks name (their metadata.kernelspec.name), and installs
# what the TypeScript one runs. The jupyter chart's init containers run this very file (from a
# ConfigMap); charts/test and apps/notebooks/tests run it too, outside Kubernetes.
#
#   install-kernels.sh pyspark      datapark-pyspark: ipykernel of $PYTHON (default: the python on
#                                   PATH) with SPARK_CONF_DIR. Run in the notebook image itself.
#   install-kernels.sh typescript   datapark-typescript: Deno's kernel. `npm install`s, from the
#                                   npm registry ($npm_config_registry), into $TYPESCRIPT_DIR:
#                                   the pinned `deno` package, the Data Park SDK tarballs shipped
#                                   in $SDK_DIR (npm pack of packages/*, by
#                                   charts/sync/jupyter-sdk.ts) and their npm dependencies. Needs
#                                   node and npm.
#
# Environment:
#   KERNELS_DIR      the kernelspecs go to $KERNELS_DIR/kernels/<name>/kernel.json; the notebook
#                    server has $KERNELS_DIR on JUPYTER_PATH
#   TYPESCRIPT_DIR   (typescript) package.json, node_modules/ and deno-dir/ (Deno's cache, which the
#                    kernel writes). Deno resolves a notebook's bare imports ('@datapark/config')
#                    from a package.json and node_modules/ in or above the notebook's directory: the
#                    pod mounts these two over /home/jovyan/package.json and /home/jovyan/node_modules.
#   SDK_DIR          (typescript) package.json and the *.tgz it names (file:sdk/<name>.tgz), as
#                    charts/sync/jupyter-sdk.ts writes them
#   SPARK_CONF_DIR   (pyspark) passed on to the PySpark kernel
#
# Every path must be absolute and free of quotes and backslashes (they go into JSON as they are).
set -eu

log() { echo "install-kernels: $*"; }
fail() {
  echo "install-kernels: error: $*" >&2
  exit 1
}

[ "$#" -gt 0 ] || fail "usage: install-kernels.sh pyspark|typescript ..."
: "${KERNELS_DIR:?KERNELS_DIR must name the directory on the notebook server's JUPYTER_PATH}"

checked_path() {
  case "$2" in
    /*) ;;
    *) fail "$1 must be an absolute path, not '$2'" ;;
  esac
  case "$2" in
    *'"'* | *'\'*) fail "$1 must not contain quotes or backslashes: '$2'" ;;
  esac
  echo "$2"
}

# write_kernel NAME JSON: $KERNELS_DIR/kernels/NAME/kernel.json, replaced atomically.
write_kernel() {
  dir="$KERNELS_DIR/kernels/$1"
  mkdir -p "$dir"
  printf '%s\n' "$2" >"$dir/kernel.json.tmp"
  mv "$dir/kernel.json.tmp" "$dir/kernel.json"
  log "wrote $dir/kernel.json"
}

install_pyspark() {
  python=${PYTHON:-$(command -v python3 || command -v python || true)}
  [ -n "$python" ] || fail "pyspark: no python on PATH (set PYTHON)"
  python=$(checked_path PYTHON "$python")
  spark_conf=$(checked_path SPARK_CONF_DIR "${SPARK_CONF_DIR:?pyspark: SPARK_CONF_DIR must be set}")
  "$python" -c 'import ipykernel, pyspark' ||
    fail "pyspark: $python cannot import ipykernel and pyspark"
  write_kernel datapark-pyspark "{
  \"argv\": [\"$python\", \"-m\", \"ipykernel_launcher\", \"-f\", \"{connection_file}\"],
  \"display_name\": \"Python 3 (PySpark, Data Park)\",
  \"language\": \"python\",
  \"env\": {
    \"PYSPARK_PYTHON\": \"$python\",
    \"PYSPARK_DRIVER_PYTHON\": \"$python\",
    \"SPARK_CONF_DIR\": \"$spark_conf\"
  }
}"
}

install_typescript() {
  target=$(checked_path TYPESCRIPT_DIR "${TYPESCRIPT_DIR:?typescript: TYPESCRIPT_DIR must be set}")
  sdk=${SDK_DIR:?typescript: SDK_DIR must name the chart\'s package.json and SDK tarballs}
  [ -f "$sdk/package.json" ] || fail "typescript: $sdk/package.json is missing (charts/sync/jupyter-sdk.ts writes it)"
  command -v npm >/dev/null || fail "typescript: npm is not on PATH (the init container runs the node image)"
  log "node $(node --version), npm $(npm --version), registry ${npm_config_registry:-$(npm config get registry)}"

  mkdir -p "$target/sdk" "$target/deno-dir"
  cp "$sdk/package.json" "$target/package.json"
  cp "$sdk"/*.tgz "$target/sdk/"
  cd "$target"
  started=$(date +%s)
  # Fails in seconds, with npm's own message, when the registry is unreachable (a
  # NetworkPolicy, a proxy, DNS), instead of after npm install's retries.
  npm ping --fetch-retries=1 --fetch-timeout=30000 ||
    fail "typescript: the npm registry does not answer (is it reachable from the pod? see typescriptKernel.registry and typescriptKernel.npmEgress)"
  log "npm install: deno, the SDKs and their dependencies (about 50 MB from the registry)"
  # --ignore-scripts: nothing from the registry runs here; deno's postinstall only links the
  # binary of its platform package, which is found below instead. --loglevel=http: every
  # request in the init container's log. Two retries, not five: a registry that stops
  # answering midway fails the container in a few minutes, and Kubernetes restarts it.
  npm install --ignore-scripts --omit=dev --no-audit --no-fund --no-update-notifier \
    --loglevel=http --fetch-retries=2 --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 ||
    fail "typescript: npm install failed (is the registry reachable from the pod? see typescriptKernel.registry)"
  log "npm install: $(($(date +%s) - started)) s"

  deno=
  for candidate in "$target"/node_modules/@deno/*/deno; do
    [ -x "$candidate" ] && deno=$candidate
  done
  [ -n "$deno" ] || fail "typescript: no Deno binary under $target/node_modules/@deno/ (no build of the deno package for $(uname -m)?)"
  log "$("$deno" --version | head -n 1) at $deno"

  # What the notebooks import must resolve from here (Deno's node_modules resolution), or the
  # first cell of a notebook would fail: check it now, while the output is in the init log.
  imports=$(node -e '
    const deps = Object.keys(JSON.parse(require("fs").readFileSync("package.json", "utf8")).dependencies);
    console.log(deps.filter((d) => d !== "deno").map((d) => `await import(${JSON.stringify(d)});`).join(" "));')
  DENO_DIR="$target/deno-dir" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 "$deno" eval "$imports" ||
    fail "typescript: Deno cannot import the SDKs from $target/node_modules"
  log "Deno imports every dependency of package.json"

  write_kernel datapark-typescript "{
  \"argv\": [\"$deno\", \"jupyter\", \"--kernel\", \"--conn\", \"{connection_file}\"],
  \"display_name\": \"TypeScript (Deno, Data Park SDKs)\",
  \"language\": \"typescript\",
  \"env\": {
    \"DENO_DIR\": \"$target/deno-dir\",
    \"DENO_NO_UPDATE_CHECK\": \"1\",
    \"DENO_NO_PROMPT\": \"1\"
  }
}"
}

for kernel in "$@"; do
  case "$kernel" in
    pyspark) install_pyspark ;;
    typescript) install_typescript ;;
    *) fail "unknown kernel '$kernel' (pyspark, typescript)" ;;
  esac
done
