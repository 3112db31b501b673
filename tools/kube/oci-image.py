#!/usr/bin/env python3
"""Writes a one-layer image archive (the `docker save` layout: manifest.json, the config and the
layer tar) from a root filesystem, a directory or a tarball such as mmdebstrap writes, for
`ctr images import`: images without a registry.

Usage: oci-image.py <rootfs dir|rootfs.tar> <image name:tag> <output.tar> <entrypoint JSON array>
         [--env NAME=VALUE]... [--user UID[:GID]]
"""

import argparse
import hashlib
import io
import json
import os
import tarfile


def layer_tar(rootfs: str) -> bytes:
    if not os.path.isdir(rootfs):
        # A root filesystem tarball is a layer as it is.
        with open(rootfs, "rb") as f:
            return f.read()
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
    parser = argparse.ArgumentParser()
    parser.add_argument("rootfs")
    parser.add_argument("name")
    parser.add_argument("out")
    parser.add_argument("entrypoint")
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--user", default="")
    args = parser.parse_args()
    rootfs, name, out = args.rootfs, args.name, args.out
    layer = layer_tar(rootfs)
    path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env = [e for e in args.env if e.startswith("PATH=")][:1] or [path]
    env += [e for e in args.env if not e.startswith("PATH=")]
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "Entrypoint": json.loads(args.entrypoint),
                "Env": env,
                "User": args.user,
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
