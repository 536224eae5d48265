#!/usr/bin/env bash
# CI step for the lab: installs the Debian packages the lab needs on this host and builds
# (or reuses from /var/cache/zfs-offsite-lab) both VM images. The tests themselves run
# through `npm run test:lab`, called by .ci/run under a time bound; .ci/run's trap calls
# `bash test/lab/lab.sh down` so a failing run leaves no VM behind.
#
# usage: .ci/lab.sh [2.3|2.1|all]   (default: all)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
which=${1:-all}

if [ "$(id -u)" != 0 ]; then
  echo "ci/lab: needs root (apt-get, debootstrap, chroot)" >&2
  exit 1
fi

packages=(debootstrap qemu-system-x86 qemu-utils e2fsprogs openssh-client zstd iproute2 util-linux procps coreutils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/lab: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

t0=$SECONDS
bash test/lab/lab.sh build "$which"
echo "ci/lab: images ready in $((SECONDS - t0)) s" >&2
