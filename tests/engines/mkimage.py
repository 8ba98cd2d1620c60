#!/usr/bin/env python3
"""Writes a one-layer image as a docker-archive tarball (the `docker save` format), offline.

usage: mkimage.py ROOTFS OUT.tar NAME:TAG [CMD-JSON]

CMD-JSON, e.g. '["sleep","infinity"]', replaces the image config's default Cmd ["sh"].

`docker load` (20.10), `ctr image import` (containerd 1.6) and `podman load` (4.3) all accept it.
The layer is the ROOTFS tree owned by root:root with a fixed mtime, so the image id is stable.
"""
import hashlib
import io
import json
import os
import sys
import tarfile

MTIME = 1700000000  # fixed: same rootfs -> same digests


def layer_tar(rootfs: str) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, rootfs)
            entries = []
            if rel_dir != ".":
                entries.append(rel_dir)
            entries += [os.path.normpath(os.path.join(rel_dir, f)) for f in sorted(filenames)]
            # symlinks to directories appear in dirnames but os.walk does not descend into them
            entries += [os.path.normpath(os.path.join(rel_dir, d)) for d in dirnames
                        if os.path.islink(os.path.join(dirpath, d))]
            for rel in entries:
                full = os.path.join(rootfs, rel)
                info = tar.gettarinfo(full, arcname=rel)
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mtime = MTIME
                if info.isreg():
                    with open(full, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return buf.getvalue()


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = MTIME
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def main() -> int:
    if len(sys.argv) not in (4, 5) or ":" not in sys.argv[3]:
        print(__doc__, file=sys.stderr)
        return 2
    rootfs, out, ref = sys.argv[1], sys.argv[2], sys.argv[3]
    cmd = json.loads(sys.argv[4]) if len(sys.argv) == 5 else ["sh"]
    if not isinstance(cmd, list) or not cmd or not all(isinstance(a, str) for a in cmd):
        print("mkimage.py: CMD-JSON must be a non-empty JSON array of strings", file=sys.stderr)
        return 2
    name, tag = ref.rsplit(":", 1)
    layer = layer_tar(rootfs)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    created = "2023-11-14T22:13:20Z"
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": cmd,
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": "nrunc tests/engines/mkimage.py (busybox rootfs)"}],
    }
    config_bytes = json.dumps(config, separators=(",", ":"), sort_keys=True).encode()
    config_hex = hashlib.sha256(config_bytes).hexdigest()
    layer_dir = hashlib.sha256(layer).hexdigest()
    manifest = [{"Config": config_hex + ".json", "RepoTags": [ref], "Layers": [layer_dir + "/layer.tar"]}]
    legacy_json = {"id": layer_dir, "created": created, "os": "linux", "architecture": "amd64"}
    with tarfile.open(out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        add_bytes(tar, config_hex + ".json", config_bytes)
        add_bytes(tar, layer_dir + "/VERSION", b"1.0")
        add_bytes(tar, layer_dir + "/json", json.dumps(legacy_json).encode())
        add_bytes(tar, layer_dir + "/layer.tar", layer)
        add_bytes(tar, "manifest.json", json.dumps(manifest).encode())
        add_bytes(tar, "repositories", json.dumps({name: {tag: layer_dir}}).encode())
    print(f"image {ref}: config sha256:{config_hex} layer {diff_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
