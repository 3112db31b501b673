#!/usr/bin/env bash
# Container images built without any image registry (none can be reached here): each one is a
# Debian root filesystem from Debian's packages (mmdebstrap) plus what tools/images/<name>/
# adds, written as an image archive for `ctr images import` (tools/kube/oci-image.py). The
# one-node cluster's tests (tools/ci/kube-node.sh) import them into its containerd.
# Cached in $DATAPARK_IMAGES_DIR (~/.cache/datapark/images) under a key of the build's own files:
# a changed build.sh, entrypoint or input (an image's `inputs` file) rebuilds; otherwise this is instant.
#
# Usage (as root):
#   tools/ci/images.sh [name…]   builds what is missing or stale (default: every image)
#   tools/ci/images.sh --debian  every image CI's tests use but those of Go-built binaries (setup.sh: beside the Go builds)
#   tools/ci/images.sh --go-built the images of Go-built binaries CI's tests use (setup.sh: once the Go builds are done)
#   tools/ci/images.sh --e2e     the images only charts:e2e uses (it runs this itself)
#   tools/ci/images.sh path name prints the archive of a current build, or fails naming the fix
set -euo pipefail
shopt -s inherit_errexit # a failing $(key …) fails the script
here=$(cd "$(dirname "$0")" && pwd)
out="${DATAPARK_IMAGES_DIR:-$HOME/.cache/datapark/images}"
all=(postgresql redis kafka spark airflow jupyter superset statsd-exporter objectstore
  prometheus alertmanager node-exporter postgres-exporter redis-exporter)
# Those baking in a binary the Go builds install (statsd-exporter: tools/ci/monitoring.sh's;
# objectstore: tools/ci/objectstore.sh's versitygw; alertmanager: monitoring.sh's).
go_built=(statsd-exporter objectstore alertmanager)
# Those only charts:e2e uses (the monitoring subchart's): not built by CI's set-up, which would
# spend a cold run's minutes on images no test of `npm test` imports.
e2e_only=(prometheus alertmanager node-exporter postgres-exporter redis-exporter)
is_in() { [[ " ${*:2} " == *" $1 "* ]]; }

key() { # name: a hash of everything its build reads from this repository
  [ -d "$here/../images/$1" ] || {
    echo "images: no image \"$1\" (there are: ${all[*]})" >&2
    exit 1
  }
  local dir="$here/../images/$1" extra=()
  # An image's `inputs` file names what else of the repository it bakes in (a lock, a pom).
  [ -f "$dir/inputs" ] && mapfile -t extra < <(sed -e '/^#/d' -e '/^$/d' -e "s|^|$here/../../|" "$dir/inputs")
  { find "$dir" -type f | LC_ALL=C sort | xargs cat; cat "${extra[@]}" "$here/../kube/oci-image.py"; } | sha256sum | cut -c1-16
}

archive() {
  local k
  k=$(key "$1")
  echo "$out/$1-$k.tar"
}

build() {
  local name=$1 tar
  tar=$(archive "$name")
  if [ -s "$tar" ]; then
    echo "images: $name present ($tar)"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || {
    echo "images: must run as root (mmdebstrap's root mode)" >&2
    exit 1
  }
  local started=$SECONDS work="$out/build-$name"
  rm -rf "$work"
  echo "images: building $name (a few minutes: mmdebstrap downloads and installs Debian's packages)"
  bash "$here/../images/$name/build.sh" "$work"
  rm -f "$out/$name"-*.tar # older builds
  mv "$work/$name.tar" "$tar"
  rm -rf "$work"
  echo "images: $name built in $((SECONDS - started)) s, $(du -m "$tar" | cut -f1) MB: $tar"
}

case "${1:-}" in
path)
  tar=$(archive "${2:?usage: $0 path <name>}")
  [ -s "$tar" ] || {
    echo "images: no current build of $2 in $out: run \`bash tools/ci/images.sh $2\` (as root; a few minutes)" >&2
    exit 1
  }
  echo "$tar"
  ;;
"") for name in "${all[@]}"; do build "$name"; done ;;
--debian) for name in "${all[@]}"; do is_in "$name" "${go_built[@]}" "${e2e_only[@]}" || build "$name"; done ;;
--go-built) for name in "${go_built[@]}"; do is_in "$name" "${e2e_only[@]}" || build "$name"; done ;;
--e2e) for name in "${e2e_only[@]}"; do build "$name"; done ;;
*) for name in "$@"; do build "$name"; done ;;
esac
