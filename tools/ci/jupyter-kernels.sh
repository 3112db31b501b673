#!/usr/bin/env bash
# Installs the notebooks' two kernelspecs into a venv (default .venv), in
# <venv>/share/jupyter/kernels/, where every Jupyter of that venv looks without being told:
# the platform's JupyterLab, `jupyter nbconvert --execute`, nbclient in the tests. Nothing in
# them names a state directory: a kernel finds the platform as every Data Park SDK does
# (DATAPARK_STATE_DIR, else .datapark/ at the root of the checkout holding the notebook), so
# scratch platforms of the same checkout never overwrite each other's kernels.
#
#   datapark-typescript  Deno's kernel (`deno jupyter`), from the npm package `deno` (npm ci)
#   datapark-pyspark     the venv's ipykernel, started by datapark_sdk.pyspark_kernel, which
#                        points Spark at the platform's spark-defaults.conf first
#
# tools/ci/python.sh runs this on every call.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=$(cd "${1:-$root/.venv}" && pwd)
kernels="$venv/share/jupyter/kernels"
deno="$root/node_modules/@deno/linux-x64-glibc/deno"

# write_kernel NAME JSON: replaced atomically, so a Jupyter reading it never sees half a file.
write_kernel() {
  mkdir -p "$kernels/$1"
  printf '%s\n' "$2" >"$kernels/$1/kernel.json.tmp"
  mv "$kernels/$1/kernel.json.tmp" "$kernels/$1/kernel.json"
}

write_kernel datapark-typescript "{
  \"argv\": [\"$deno\", \"jupyter\", \"--kernel\", \"--conn\", \"{connection_file}\"],
  \"display_name\": \"TypeScript (Deno, Data Park SDKs)\",
  \"language\": \"typescript\",
  \"env\": { \"DENO_NO_UPDATE_CHECK\": \"1\", \"DENO_NO_PROMPT\": \"1\" }
}"
write_kernel datapark-pyspark "{
  \"argv\": [\"$venv/bin/python\", \"-m\", \"datapark_sdk.pyspark_kernel\", \"-f\", \"{connection_file}\"],
  \"display_name\": \"Python 3 (PySpark, Data Park)\",
  \"language\": \"python\"
}"
echo "python: kernelspecs datapark-typescript and datapark-pyspark in $kernels"
[ -x "$deno" ] || echo "python: $deno is missing: run npm ci for the TypeScript kernel" >&2
