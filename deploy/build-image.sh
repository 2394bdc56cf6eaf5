#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the server's container image, server/target/jib-image.tar (`docker load -i` it), without a Docker daemon and
# without a registry: the base is made here from the JDK that builds OpenCCM (a jlinked JRE) and the glibc it links,
# then Jib (Maven profile `image`) puts the application on it.
#   deploy/build-image.sh [extra Maven arguments, e.g. -o]
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# The image's non-root user (the "nonroot" uid of distroless images); the Kubernetes example runs as it too.
IMAGE_UID=65532
# From `jdeps --print-module-deps --ignore-missing-deps` over the server's classes and dependencies, plus what is only
# reached by reflection or service loading: jdk.crypto.ec, jdk.naming.dns, jdk.charsets, jdk.zipfs.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql.rowset,java.xml.crypto,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.charsets,jdk.zipfs

work=server/target/image-base
rootfs="$work/rootfs"
rm -rf "$work"
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/var/lib/openccm"

# --generate-cds-archive: the JDK's class data sharing archive, which a jlinked runtime otherwise lacks (slower start).
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --generate-cds-archive \
  --output "$rootfs/opt/java"
# A server never opens a window or plays a sound: without these the image needs no X11 or ALSA libraries.
rm -f "$rootfs"/opt/java/lib/{libawt_xawt.so,libjsound.so,libsplashscreen.so}

# The C libraries the JRE links, copied from this machine's Debian packages (glibc) at the paths the loader expects.
mapfile -t elves < <(find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \))
mapfile -t libraries < <(ldd "${elves[@]}" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)
for library in "${libraries[@]}"; do
  case "$library" in "$rootfs"*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$library")"
  cp -L "$library" "$rootfs$library"
done
# glibc's unwinder for thread cancellation, loaded with dlopen, so ldd does not list it.
for library in /lib/x86_64-linux-gnu/libgcc_s.so.1; do
  [ -e "$library" ] && cp -L "$library" "$rootfs$library"
done

# The user's name and home (the data directory): the JVM looks both up; without an entry user.home would be "?".
cat > "$rootfs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
openccm:x:$IMAGE_UID:$IMAGE_UID:OpenCCM:/var/lib/openccm:/sbin/nologin
PASSWD
cat > "$rootfs/etc/group" <<GROUP
root:x:0:
openccm:x:$IMAGE_UID:
GROUP
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"

python3 deploy/image/base-image.py "$rootfs" "$work.tar" "$IMAGE_UID"

export MAVEN_ARGS="${MAVEN_ARGS:-} -B --no-transfer-progress"
./mvnw -pl server -am -Pimage package -DskipTests "$@"
ls -l server/target/jib-image.tar
