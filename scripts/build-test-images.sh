#!/usr/bin/env bash
# Builds the container images the image tests read, without a container engine, into test/fixtures/images/:
#   debian/           OCI image layout (umoci): a Debian 12 root file system made of real .deb packages
#                     (apt-get download; dpkg's status file written from their control data, as dpkg does),
#                     then an application layer (a real npm package.json, a Debian Python egg-info, a Debian jar
#                     with its pom.properties, a .env file holding a test token), then a layer deleting .env
#   debian.oci.tar    the same image as an OCI archive (skopeo copy oci: oci-archive:)
#   debian.docker.tar the same image as a docker save tarball (skopeo copy oci: docker-archive:)
#   rocky/            OCI layout: a Rocky Linux 9 os-release and an rpmdb.sqlite written by the real rpm 4.18
#                     (rpmbuild builds two small packages from a spec; rpm --justdb registers them)
#   alpine/           OCI layout: an Alpine 3.18 os-release and lib/apk/db/installed (apk-tools is not packaged
#                     by Debian: the database is written in apk's format by this script)
# Needs: apt-get (Debian's mirror), npm (the registry), umoci, skopeo, rpm, rpmbuild, dpkg-deb.
# Run from the repository root: bash scripts/build-test-images.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/images
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01: fixed times, so the layers come out the same
rm -rf "$OUT" && mkdir -p "$OUT"

# ---- Debian ---------------------------------------------------------------------------------------------------
mkdir -p "$WORK/debs" && (cd "$WORK/debs" && apt-get download -q base-files zlib1g libssl3 python3-six libcommons-lang3-java >/dev/null)
status_stanza() { # the control fields of a .deb, with dpkg's Status line, as /var/lib/dpkg/status holds them
  dpkg-deb -f "$1" | awk 'NR==1{print; print "Status: install ok installed"; next} {print}'
  echo
}
BASE="$WORK/base"
mkdir -p "$BASE/var/lib/dpkg"
: >"$BASE/var/lib/dpkg/status"
for p in base-files zlib1g libssl3; do
  deb=$(ls "$WORK"/debs/${p}_*.deb)
  dpkg-deb -x "$deb" "$BASE"
  status_stanza "$deb" >>"$BASE/var/lib/dpkg/status"
done
# Kept small for the repository: libcrypto and libssl are left out of the file system (dpkg still lists them).
rm -f "$BASE"/usr/lib/x86_64-linux-gnu/libcrypto.so.3 "$BASE"/usr/lib/x86_64-linux-gnu/libssl.so.3 "$BASE"/usr/lib/x86_64-linux-gnu/engines-3/* "$BASE"/usr/lib/x86_64-linux-gnu/ossl-modules/*
rm -rf "$BASE/usr/share/doc" "$BASE/usr/share/common-licenses"

L="$WORK/debian"
umoci init --layout "$L" >/dev/null
umoci new --image "$L:latest"
umoci unpack --image "$L:latest" "$WORK/b1" >/dev/null
cp -a "$BASE/." "$WORK/b1/rootfs/"
umoci repack --history.created_by 'ADD rootfs.tar.xz / # debian 12 packages' --image "$L:latest" "$WORK/b1"

umoci unpack --image "$L:latest" "$WORK/b2" >/dev/null
R="$WORK/b2/rootfs"
for p in python3-six libcommons-lang3-java; do
  deb=$(ls "$WORK"/debs/${p}_*.deb)
  dpkg-deb -x "$deb" "$R"
  status_stanza "$deb" >>"$R/var/lib/dpkg/status"
done
rm -rf "$R/usr/share/doc"
mkdir -p "$R/app/node_modules"
(cd "$WORK" && npm pack --silent lodash@4.17.20 >/dev/null && tar xzf lodash-4.17.20.tgz package/package.json package/LICENSE)
mkdir -p "$R/app/node_modules/lodash" && cp "$WORK/package/package.json" "$WORK/package/LICENSE" "$R/app/node_modules/lodash/"
printf 'const port = 8080;\nmodule.exports = { port };\n' >"$R/app/index.js"
# A GitHub token in the shape of the secrets rules' test tokens (not a real credential).
printf 'GITHUB_TOKEN=ghp_R8n2Kq4Lm7Xv1Zp9Tb3Wc6Yd5Hf0Js2Ag8Ek\n' >"$R/app/.env"
umoci repack --history.created_by 'COPY app /app && apt-get install python3-six libcommons-lang3-java' --image "$L:latest" "$WORK/b2"

umoci unpack --image "$L:latest" "$WORK/b3" >/dev/null
rm "$WORK/b3/rootfs/app/.env"
umoci repack --history.created_by 'RUN rm /app/.env' --image "$L:latest" "$WORK/b3"
umoci config --image "$L:latest" --config.exposedports 8080/tcp --config.exposedports 22/tcp \
  --config.env 'PATH=/usr/local/bin:/usr/bin:/bin' --config.env 'NODE_ENV=production' \
  --config.cmd node --config.cmd /app/index.js --config.workingdir /app \
  --config.label 'org.opencontainers.image.source=https://example.test/shop' \
  --history.created_by 'CMD ["node", "/app/index.js"]'
umoci gc --layout "$L"
cp -a "$L" "$OUT/debian"
skopeo copy -q "oci:$L:latest" "oci-archive:$OUT/debian.oci.tar:latest"
skopeo copy -q "oci:$L:latest" "docker-archive:$OUT/debian.docker.tar:pipeguard/debian-test:1"

# ---- Rocky Linux (rpm) ----------------------------------------------------------------------------------------
RT="$WORK/rpmbuild"
mkdir -p "$RT/SPECS"
cat >"$RT/SPECS/openssl.spec" <<'SPEC'
Name: openssl
Epoch: 1
Version: 3.0.7
Release: 24.el9
Summary: test package shaped like Rocky Linux 9's openssl
License: ASL 2.0
BuildArch: x86_64
%description
Built by scripts/build-test-images.sh for pipeguard's tests.
%package libs
Summary: libraries
%description libs
Libraries.
%install
mkdir -p %{buildroot}/usr/share/pipeguard-test
echo openssl > %{buildroot}/usr/share/pipeguard-test/openssl
echo libs > %{buildroot}/usr/share/pipeguard-test/openssl-libs
%files
/usr/share/pipeguard-test/openssl
%files libs
/usr/share/pipeguard-test/openssl-libs
SPEC
rpmbuild -bb --quiet --define "_topdir $RT" --define '_build_id_links none' "$RT/SPECS/openssl.spec" >/dev/null 2>&1
RR="$WORK/rocky"
mkdir -p "$RR/etc" "$RR/var/lib/rpm"
rpm --root "$RR" --dbpath /var/lib/rpm --initdb
rpm --root "$RR" --dbpath /var/lib/rpm -i --justdb --nodeps --noscripts --ignorearch "$RT"/RPMS/x86_64/*.rpm
rm -f "$RR"/var/lib/rpm/rpmdb.sqlite-shm "$RR"/var/lib/rpm/rpmdb.sqlite-wal "$RR"/var/lib/rpm/.rpm.lock
cat >"$RR/etc/os-release" <<'OSR'
NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
OSR
LR="$WORK/rocky-layout"
umoci init --layout "$LR" >/dev/null
umoci new --image "$LR:latest"
umoci unpack --image "$LR:latest" "$WORK/r1" >/dev/null
cp -a "$RR/." "$WORK/r1/rootfs/"
umoci repack --history.created_by 'ADD rocky-9 rootfs' --image "$LR:latest" "$WORK/r1"
umoci config --image "$LR:latest" --config.user 1001 --config.cmd /bin/sh
umoci gc --layout "$LR"
cp -a "$LR" "$OUT/rocky"

# ---- Alpine (apk) ---------------------------------------------------------------------------------------------
RA="$WORK/alpine"
mkdir -p "$RA/etc" "$RA/lib/apk/db"
cat >"$RA/etc/os-release" <<'OSR'
NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.18.4
PRETTY_NAME="Alpine Linux v3.18"
OSR
cat >"$RA/lib/apk/db/installed" <<'APK'
C:Q1wLVD4OVj4HNfBaaiIYKiS9Y5T5Y=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1696853373
c:a5a8b0b3b0b6e0f3b2f9e7c7b6f1c4d0c6e5b7a9
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8=

C:Q1pAtAXqzR1xAbCdEfGhIjKlMnOpQrS=
P:libcrypto3
V:3.1.3-r0
A:x86_64
S:1722452
I:4403200
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1695830400
c:b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
F:lib
R:libcrypto.so.3

C:Q1zZyYxXwWvVuUtTsSrRqQpPoOnNmM=
P:busybox
V:1.36.1-r2
A:x86_64
S:509720
I:962560
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
t:1692873426
c:c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1
F:bin
R:busybox

APK
LA="$WORK/alpine-layout"
umoci init --layout "$LA" >/dev/null
umoci new --image "$LA:latest"
umoci unpack --image "$LA:latest" "$WORK/a1" >/dev/null
cp -a "$RA/." "$WORK/a1/rootfs/"
umoci repack --history.created_by 'ADD alpine-minirootfs-3.18.4 /' --image "$LA:latest" "$WORK/a1"
umoci config --image "$LA:latest" --config.user nobody --config.cmd /bin/sh
umoci gc --layout "$LA"
cp -a "$LA" "$OUT/alpine"

du -sh "$OUT"/*
