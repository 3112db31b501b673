#!/usr/bin/env python3
"""Writes a one-layer image archive (the `docker save` layout: manifest.json, the config and the
layer tar) from a root filesystem directory, for `ctr images import`: images without a registry.

Usage: oci-image.py <rootfs dir> <image name:tag> <output.tar> <entrypoint JSON array>
"""

import hashlib
import io
import json
import sys
import tarfile


def layer_tar(rootfs: str) -> bytes:
    buf = io.BytesIO()

    def reset(info: tarfile.TarInfo) -> tarfile.TarInfo:
        # The same bytes for the same files: no owner names or times from the build machine.
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = 0
        return info

    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(rootfs, arcname=".", filter=reset)
    return buf.getvalue()


def main() -> None:
    rootfs, name, out, entrypoint = sys.argv[1:5]
    layer = layer_tar(rootfs)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Entrypoint": json.loads(entrypoint),
                "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                "WorkingDir": "/",
            },
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": f"tools/kube/oci-image.py from {rootfs}"}],
        },
        sort_keys=True,
    ).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": [name], "Layers": ["layer.tar"]}]).encode()
    with tarfile.open(out, mode="w") as tar:
        for member, data in (
            ("layer.tar", layer),
            (config_name, config),
            ("manifest.json", manifest),
        ):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main()
