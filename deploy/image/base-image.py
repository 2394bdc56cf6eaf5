#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the image's base as a `docker save` tarball that Jib takes as `tar://` base: no registry is needed.

The root file system (a jlinked JRE in /opt/java and the glibc it links, gathered by build-image.sh) becomes one layer
written deterministically: sorted entries, one fixed mtime, root-owned, except the data directory, which belongs to the
image's non-root user, since Jib itself can only add root-owned files.

usage: base-image.py ROOTFS OUTPUT.tar UID
"""
import hashlib
import io
import json
import os
import stat
import sys
import tarfile

rootfs, output, uid = sys.argv[1], sys.argv[2], int(sys.argv[3])
mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
# Writable by the user only: it may hold master.key when OPENCCM_MASTER_KEY is not given.
DATA_DIR = "var/lib/openccm"
# Any user's scratch space, as on every Linux system (the JVM's and PostgreSQL driver's temporary files).
STICKY = {"tmp"}


def entries():
    for dirpath, dirnames, filenames in os.walk(rootfs):
        dirnames.sort()
        rel = os.path.relpath(dirpath, rootfs)
        if rel != ".":
            yield rel
        for name in sorted(filenames):
            yield os.path.normpath(os.path.join(rel, name))


layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for rel in entries():
        info = tar.gettarinfo(os.path.join(rootfs, rel), arcname=rel)
        info.mtime = mtime
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        if info.isdir():
            info.mode = 0o1777 if rel in STICKY else 0o755
        elif info.isreg():
            info.mode = 0o755 if info.mode & stat.S_IXUSR else 0o644
        if rel == DATA_DIR:
            info.uid = info.gid = uid
            info.mode = 0o700
        if info.isreg():
            with open(os.path.join(rootfs, rel), "rb") as f:
                tar.addfile(info, f)
        else:
            tar.addfile(info)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()

config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "1970-01-01T00:00:00Z",
    "config": {
        "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
        "User": str(uid),
        "WorkingDir": "/" + DATA_DIR,
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "deploy/build-image.sh"}],
}
config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = [{"Config": config_name, "RepoTags": ["openccm-base:local"], "Layers": ["layer.tar"]}]

with tarfile.open(output, mode="w", format=tarfile.PAX_FORMAT) as out:
    for name, data in ((config_name, config_bytes), ("layer.tar", layer_bytes),
                       ("manifest.json", json.dumps(manifest).encode())):
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), mtime, 0o644
        out.addfile(info, io.BytesIO(data))
print(f"{output}: base image, layer {diff_id}")
