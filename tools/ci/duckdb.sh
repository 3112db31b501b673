#!/usr/bin/env bash
# DuckDB's iceberg, httpfs and avro extensions for @datapark/lake (reading the lake from
# TypeScript), from their PyPI wheels pinned with sha256 in tools/duckdb/extensions.lock: DuckDB's
# own `INSTALL iceberg` downloads from extensions.duckdb.org, which is not reachable here.
# Puts them where DuckDB looks for them, <dir>/v<version>/<platform>/<name>.duckdb_extension,
# with <dir> = $DATAPARK_DUCKDB_EXTENSION_DIR, default ~/.cache/datapark/duckdb/extensions (the
# default @datapark/lake uses too), outside the checkout so every checkout shares one copy.
# pip's cache (~/.cache/pip) keeps the wheels. Idempotent: returns at once when the directory
# matches the lock; a flock makes concurrent runs (CI and the demo) wait for each other.
set -euo pipefail
cd "$(dirname "$0")/../.."
lock=tools/duckdb/extensions.lock
dir="${DATAPARK_DUCKDB_EXTENSION_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/datapark/duckdb/extensions}"

mapfile -t requirements < <(grep -E '^[a-z]' "$lock")
names=() versions=()
for line in "${requirements[@]}"; do
  spec=${line%% *}                    # duckdb-extension-iceberg==1.5.5
  names+=("${spec%%==*}") versions+=("${spec##*==}")
done
version=${versions[0]}
for v in "${versions[@]}"; do
  [ "$v" = "$version" ] || { echo "duckdb: $lock mixes versions ($version, $v): one DuckDB version for all" >&2; exit 1; }
done

# The extensions run inside the engine of @duckdb/node-api: DuckDB loads only those built for its
# own version, so a mismatch is refused here rather than at the first query.
api=node_modules/@duckdb/node-api/package.json
if [ -f "$api" ]; then
  engine=$(sed -nE 's/^  "version": "([0-9.]+)-r\.[0-9]+",?$/\1/p' "$api")
  if [ "$engine" != "$version" ]; then
    echo "duckdb: @duckdb/node-api in node_modules runs DuckDB ${engine:-?}, $lock pins extensions for $version." >&2
    echo "  Fix: pin both to one DuckDB version (packages/lake/package.json and $lock), then npm install and rerun bash $0" >&2
    exit 1
  fi
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux_amd64 ;;
  *)
    echo "duckdb: $lock pins the linux x86_64 wheels; this is $(uname -s) $(uname -m). Fix: add this platform's wheels' hashes to the lock" >&2
    exit 1
    ;;
esac
target="$dir/v$version/$platform"
mkdir -p "$target"
exec 9> "$dir/.install.lock"
if ! flock -n 9; then
  echo "duckdb: another install holds $dir/.install.lock; waiting for it"
  flock 9
fi

stamp="$target/.datapark-lock-hash"
hash=$(sha256sum "$lock" | cut -d' ' -f1)
present=1
for name in "${names[@]}"; do
  [ -f "$target/${name#duckdb-extension-}.duckdb_extension" ] || present=0
done
if [ "$present" = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "duckdb: extensions ${names[*]#duckdb-extension-} v$version present in $target"
  exit 0
fi

# pip from the project venv (tools/ci/python.sh makes it; Debian's python3 may have no pip).
python=.venv/bin/python
[ -x "$python" ] || python="${DATAPARK_PYTHON:-python3}"
"$python" -m pip --version >/dev/null 2>&1 || {
  echo "duckdb: $python has no pip. Fix: bash tools/ci/python.sh (makes .venv), then rerun bash $0" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS
echo "duckdb: ${#names[@]} extensions v$version for $platform from PyPI (hashes from $lock) into $target"
for ((i = 0; i < ${#requirements[@]}; i++)); do
  name=${names[i]} short=${names[i]#duckdb-extension-}
  printf '%s\n' "${requirements[i]}" > "$work/one.lock"
  log=$("$python" -m pip download --no-deps --require-hashes --only-binary=:all: \
    --platform manylinux2014_x86_64 --progress-bar off --disable-pip-version-check \
    -d "$work/wheels" -r "$work/one.lock" 2>&1) || {
    echo "$log" >&2
    echo "duckdb: pip could not download ${requirements[i]%% *} (see above)" >&2
    exit 1
  }
  wheel=$(ls "$work"/wheels/"${name//-/_}"-"$version"-*.whl)
  # The wheel holds duckdb_extension_NAME/extensions/vVERSION/NAME.duckdb_extension: take that file.
  "$python" - "$wheel" "$short" "$version" "$work/$short.duckdb_extension" <<'PY'
import shutil, sys, zipfile
wheel, name, version, out = sys.argv[1:]
member = f"duckdb_extension_{name}/extensions/v{version}/{name}.duckdb_extension"
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
  mv "$work/$short.duckdb_extension" "$target/$short.duckdb_extension"
  echo "duckdb: $((i + 1))/${#names[@]} $short ($(du -h "$target/$short.duckdb_extension" | cut -f1)), $((SECONDS - started)) s"
done
echo "$hash" > "$stamp"
echo "duckdb: iceberg, httpfs and avro v$version in $target in $((SECONDS - started)) s"
