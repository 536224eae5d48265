#!/usr/bin/env bash
# Builds one lab VM image: Debian bookworm with OpenZFS (2.3 from bookworm-backports or
# 2.1 from bookworm contrib), kernel WireGuard, openssh-server, sanoid/syncoid, pv, mbuffer.
# Debian packages only. Output: OUTDIR/{vmlinuz,initrd.img,base.qcow2,info.env}.
# Called by lab.sh, which keys its cache on this file's hash: any edit here rebuilds.
#
# usage: build-image.sh 2.3|2.1 OUTDIR
set -euo pipefail

series=${1:?usage: build-image.sh 2.3|2.1 OUTDIR}
out=${2:?usage: build-image.sh 2.3|2.1 OUTDIR}
mirror=${LAB_MIRROR:-http://deb.debian.org/debian}

case "$series" in
  2.3) zfs_target=(-t bookworm-backports) ;;
  2.1) zfs_target=() ;;
  *) echo "build-image.sh: unknown OpenZFS series '$series' (use 2.3 or 2.1)" >&2; exit 2 ;;
esac
if [ "$(id -u)" != 0 ]; then
  echo "lab: building the image needs root (debootstrap and chroot); run as root or with sudo" >&2
  exit 1
fi
for tool in debootstrap mkfs.ext4 qemu-img chroot; do
  command -v "$tool" >/dev/null || { echo "lab: building the image needs '$tool' (apt-get install debootstrap qemu-utils e2fsprogs)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/zfs-offsite-lab-build.XXXXXX)
root=$work/root
log() { printf '[build %s %s] %s\n' "$series" "$(date +%T)" "$*" >&2; }

unmount_all() {
  # Deepest first; a lazy unmount as the last resort so nothing stays mounted.
  local m
  for m in $(findmnt -rn -o TARGET | grep "^$root/" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
}
cleanup() {
  unmount_all
  if findmnt -rn -o TARGET | grep -q "^$root/"; then
    echo "build-image.sh: mounts remain under $root; not deleting $work" >&2
    return
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

log "debootstrap bookworm"
debootstrap --variant=minbase --include=systemd-sysv,udev,kmod,dbus bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666
mount -t tmpfs tmpfs "$root/run"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Nothing may start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main contrib
deb $mirror bookworm-backports main contrib
SOURCES
cat >"$root/etc/apt/apt.conf.d/90lab" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Dpkg::Options { "--force-confdef"; "--force-confold"; };
APT

log "base packages"
in_root apt-get update -q >/dev/null
in_root apt-get install -y -q linux-image-amd64 linux-headers-amd64 initramfs-tools zstd \
  openssh-server openssh-client wireguard-tools pv mbuffer lzop iproute2 iputils-ping \
  sudo procps less >"$work/apt-base.log" 2>&1 || { tail -30 "$work/apt-base.log" >&2; exit 1; }

kver=$(basename "$(ls -d "$root"/lib/modules/* | sort -V | tail -1)")
log "kernel $kver; OpenZFS $series (dkms build, the slow part)"
in_root apt-get install -y -q "${zfs_target[@]}" zfs-dkms zfsutils-linux >"$work/apt-zfs.log" 2>&1 \
  || { tail -40 "$work/apt-zfs.log" >&2; exit 1; }
zfs_pkg=$(in_root dpkg-query -W -f '${Version}' zfsutils-linux)
if ! ls "$root/lib/modules/$kver/updates/dkms/"zfs.ko* >/dev/null 2>&1; then
  log "dkms did not build for $kver; building explicitly"
  zfs_src=$(in_root dpkg-query -W -f '${Version}' zfs-dkms | sed 's/-.*//')
  in_root dkms install "zfs/$zfs_src" -k "$kver" >"$work/dkms.log" 2>&1 || { tail -40 "$work/dkms.log" >&2; exit 1; }
fi
ls "$root/lib/modules/$kver/updates/dkms/"zfs.ko* >/dev/null
in_root depmod "$kver"
# dkms keeps the object tree; the module is installed, the tree is dead weight.
rm -rf "$root"/var/lib/dkms/zfs/*/build

log "sanoid"
in_root apt-get install -y -q sanoid >"$work/apt-sanoid.log" 2>&1 || { tail -30 "$work/apt-sanoid.log" >&2; exit 1; }

log "configure"
echo lab >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n' >"$root/etc/hosts"
: >"$root/etc/resolv.conf"
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
echo 'LABEL=labroot / ext4 defaults,noatime,errors=remount-ro 0 1' >"$root/etc/fstab"
echo 'options zfs zfs_arc_max=268435456' >"$root/etc/modprobe.d/zfs.conf"

# Networks are matched by MAC (lab.sh assigns them): management NIC on qemu's user
# network (static, no DHCP wait), VM-to-VM link with a fixed address per host.
mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/10-mgmt.network" <<'NET'
[Match]
MACAddress=52:54:00:5a:00:01 52:54:00:5a:00:02
[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
for i in 1 2; do
  cat >"$root/etc/systemd/network/20-link$i.network" <<NET
[Match]
MACAddress=52:54:00:5a:01:0$i
[Network]
Address=192.168.99.$i/24
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
done

# Per-boot identity from the kernel command line (lab.sh sets it): hostname, root's
# authorized key, and a fresh SSH host key per VM, announced on the serial console so
# the host can pin it without trusting the network.
cat >"$root/usr/local/sbin/zfslab-boot" <<'BOOT'
#!/bin/sh
set -eu
name=lab; authkey=
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    zfslab.name=*) name=${arg#zfslab.name=} ;;
    zfslab.authkey=*) authkey=${arg#zfslab.authkey=} ;;
  esac
done
hostname "$name"
echo "$name" >/etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$name" >/etc/hosts
if [ -n "$authkey" ]; then
  install -d -m 700 /root/.ssh
  echo "$authkey" | base64 -d >/root/.ssh/authorized_keys
  chmod 600 /root/.ssh/authorized_keys
fi
if [ ! -s /etc/ssh/ssh_host_ed25519_key ]; then
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f /etc/ssh/ssh_host_ed25519_key
fi
printf '\nZFSLAB-HOSTKEY %s %s\n' "$name" "$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)" >/dev/ttyS0
BOOT
chmod 755 "$root/usr/local/sbin/zfslab-boot"
cat >"$root/etc/systemd/system/zfslab-boot.service" <<'UNIT'
[Unit]
Description=Lab identity (hostname, root key, SSH host key)
DefaultDependencies=no
After=systemd-remount-fs.service
Before=ssh.service systemd-networkd.service network-pre.target
Wants=network-pre.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/zfslab-boot
[Install]
WantedBy=multi-user.target
UNIT
cat >"$root/etc/ssh/sshd_config.d/zfslab.conf" <<'SSHD'
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxSessions 64
MaxStartups 64:30:128
SSHD
rm -f "$root"/etc/ssh/ssh_host_*

# The lab's pool disks are blank at every boot, so nothing is imported at boot, and
# waiting for udev to settle (about 30 s under emulation, ahead of local-fs.target and
# so of sshd) buys nothing. Same units, minus that wait.
for unit in zfs-load-module.service zfs-import-cache.service; do
  sed '/systemd-udev-settle/d' "$root/lib/systemd/system/$unit" >"$root/etc/systemd/system/$unit"
done

in_root systemctl enable zfslab-boot.service systemd-networkd.service >/dev/null 2>&1
in_root systemctl mask systemd-networkd-wait-online.service systemd-firstboot.service \
  serial-getty@ttyS0.service getty@tty1.service apt-daily.timer apt-daily-upgrade.timer \
  e2scrub_all.timer e2scrub_reap.service fstrim.timer >/dev/null 2>&1
in_root systemctl set-default multi-user.target >/dev/null 2>&1
in_root passwd -l root >/dev/null

# A small initramfs: only what finds and mounts the virtio root.
cat >"$root/etc/initramfs-tools/conf.d/zfslab" <<'INITRD'
MODULES=list
COMPRESS=zstd
INITRD
printf 'virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n' >"$root/etc/initramfs-tools/modules"
in_root update-initramfs -u -k "$kver" >"$work/initramfs.log" 2>&1 || { tail -20 "$work/initramfs.log" >&2; exit 1; }

in_root apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/*
rm -f "$root/usr/sbin/policy-rc.d"

mkdir -p "$work/out"
cp "$root/boot/vmlinuz-$kver" "$work/out/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$work/out/initrd.img"
unmount_all

log "root filesystem image"
mkfs.ext4 -q -L labroot -d "$root" "$work/disk.raw" 4G >/dev/null
qemu-img convert -O qcow2 "$work/disk.raw" "$work/out/base.qcow2"
cat >"$work/out/info.env" <<INFO
ZFS_SERIES=$series
ZFS_PACKAGE=$zfs_pkg
KERNEL=$kver
BUILT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
INFO

mkdir -p "$(dirname "$out")"
rm -rf "$out.tmp"
mv "$work/out" "$out.tmp"
mv -T "$out.tmp" "$out"
log "done: $out (zfsutils-linux $zfs_pkg, kernel $kver)"
