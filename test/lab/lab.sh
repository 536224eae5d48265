#!/usr/bin/env bash
# The lab: two qemu VMs (`nas`, `offsite`) with real OpenZFS, kernel WireGuard and sshd.
# Builds or reuses the image, boots and stops the pair, and says how to reach them.
#
#   lab.sh build [2.3|2.1|all]   build the image(s) unless cached (needs root)
#   lab.sh up                    boot both VMs (LAB_ZFS=2.3 by default, or 2.1)
#   lab.sh down                  stop them and remove the runtime directory
#   lab.sh status                say whether the lab is up (exit 0) or not (exit 3)
#   lab.sh ssh nas|offsite [cmd] open a root shell on a VM, or run cmd there
#
# Image cache: $LAB_CACHE_DIR (default /var/cache/zfs-offsite-lab), keyed by the hash of
# build-image.sh. Runtime state (overlays, pool disks, pidfiles, the root SSH key,
# known_hosts, lab.json): $LAB_RUNTIME_DIR (default /var/tmp/zfs-offsite-lab).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${LAB_CACHE_DIR:-/var/cache/zfs-offsite-lab}
runtime=${LAB_RUNTIME_DIR:-/var/tmp/zfs-offsite-lab}
series=${LAB_ZFS:-2.3}
mem=${LAB_MEM:-1024}
boot_deadline=${LAB_BOOT_TIMEOUT:-600}
hosts=(nas offsite)

die() { echo "lab: $*" >&2; exit 1; }
say() { echo "lab: $*" >&2; }

# ---------------------------------------------------------------- prerequisites

# Prints what is missing for the given action, one line, nothing when all is there.
missing_for() {
  local action=$1 miss=() t
  [ "$(uname -s)" = Linux ] || { echo "Linux (this is $(uname -s))"; return; }
  [ "$(id -u)" = 0 ] || miss+=("root (run as root or with sudo)")
  local tools=(qemu-system-x86_64 qemu-img ssh ssh-keygen flock ss)
  [ "$action" = build ] && tools+=(debootstrap mkfs.ext4 chroot)
  for t in "${tools[@]}"; do command -v "$t" >/dev/null 2>&1 || miss+=("$t"); done
  [ ${#miss[@]} -eq 0 ] || echo "${miss[*]}"
}
require() {
  local m
  m=$(missing_for "$1")
  [ -z "$m" ] || die "cannot $1: missing $m (Debian: apt-get install qemu-system-x86 qemu-utils debootstrap openssh-client e2fsprogs iproute2 util-linux)"
}

# ---------------------------------------------------------------- image

image_dir() {
  local s=$1 hash
  hash=$( (cat "$here/build-image.sh"; echo "series=$s") | sha256sum | cut -c1-12)
  echo "$cache/images/zfs-$s-$hash"
}

ensure_image() {
  local s=$1 dir
  dir=$(image_dir "$s")
  if [ -f "$dir/base.qcow2" ]; then
    echo "$dir"
    return
  fi
  require build
  mkdir -p "$cache/images"
  (
    flock 8
    if [ ! -f "$dir/base.qcow2" ]; then
      say "building the OpenZFS $s image (about 6-7 minutes on 2 cores) into $dir"
      local t0=$SECONDS
      bash "$here/build-image.sh" "$s" "$dir" >&2
      say "image built in $((SECONDS - t0)) s"
      # Older builds of this series are stale once the script changed.
      local old
      for old in "$cache/images/zfs-$s-"*; do
        [ "$old" = "$dir" ] || [ ! -d "$old" ] || rm -rf "$old"
      done
    fi
  ) 8>"$cache/build-$s.lock"
  echo "$dir"
}

# ---------------------------------------------------------------- accelerator

# KVM only where it really boots a kernel: /dev/kvm exists on machines where nested
# KVM fails (MSR errors with -cpu host, hangs with -cpu qemu64). Result cached per host
# kernel and qemu version.
pick_accel() {
  local img=$1
  if [ -n "${LAB_ACCEL:-}" ]; then echo "$LAB_ACCEL"; return; fi
  [ -w /dev/kvm ] || { echo tcg; return; }
  local key probe_file log result=tcg
  key="$(uname -r) $(qemu-system-x86_64 --version | head -1)"
  probe_file=$cache/accel-probe
  if [ -f "$probe_file" ] && [ "$(head -1 "$probe_file")" = "$key" ]; then
    sed -n 2p "$probe_file"
    return
  fi
  log=$(mktemp /var/tmp/zfs-offsite-lab-kvm-probe.XXXXXX)
  # A kernel without a root panics at once; panic=-1 reboots and -no-reboot exits.
  timeout 40 qemu-system-x86_64 -accel kvm -cpu host -machine pc -m 256 -nodefaults \
    -no-user-config -display none -no-reboot -serial "file:$log" \
    -kernel "$img/vmlinuz" -append "console=ttyS0 panic=-1" >/dev/null 2>&1 || true
  if grep -q 'Kernel panic' "$log"; then result=kvm; fi
  rm -f "$log"
  printf '%s\n%s\n' "$key" "$result" >"$probe_file"
  echo "$result"
}

# ---------------------------------------------------------------- helpers

free_port() { # free_port tcp|udp -> a port on 127.0.0.1 nobody listens on
  local proto=$1 p flag=-Hltn
  [ "$proto" = udp ] && flag=-Hlun
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if [ -z "$(ss $flag "sport = :$p" 2>/dev/null)" ] && ! grep -qx "$p" "$runtime/ports" 2>/dev/null; then
      echo "$p" >>"$runtime/ports"
      echo "$p"
      return
    fi
  done
  die "no free $proto port found"
}

qemu_pid() { # prints the pid of a running lab VM, or nothing
  local h=$1 pid
  pid=$(cat "$runtime/$h/qemu.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-name zfslab-$h"; then echo "$pid"; fi
}

ssh_opts() { # ssh_opts HOST -> options for the system ssh client
  local h=$1 port
  port=$(cat "$runtime/$h/ssh-port")
  echo "-F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i $runtime/id_ed25519" \
    "-o UserKnownHostsFile=$runtime/known_hosts -o StrictHostKeyChecking=yes" \
    "-o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=8 -o LogLevel=ERROR" \
    "-o ControlMaster=auto -o ControlPath=$runtime/cm-%C -o ControlPersist=120 -p $port root@127.0.0.1"
}

# Processes that outlive this script (qemu, ssh ControlMaster) must not inherit fd 9,
# the lab lock, or they would hold it until they exit.
vm_ssh() { local h=$1; shift; # shellcheck disable=SC2046
  ssh $(ssh_opts "$h") -- "$@" 9>&-; }

is_up() {
  [ -f "$runtime/lab.json" ] || return 1
  local h
  for h in "${hosts[@]}"; do [ -n "$(qemu_pid "$h")" ] || return 1; done
}

# ---------------------------------------------------------------- down

stop_all() {
  local h pid
  [ -d "$runtime" ] || return 0
  for h in "${hosts[@]}"; do
    if [ -f "$runtime/$h/ssh-port" ] && [ -f "$runtime/known_hosts" ]; then
      # shellcheck disable=SC2046
      ssh $(ssh_opts "$h") -O exit >/dev/null 2>&1 9>&- || true
    fi
  done
  # The VMs' disks are throwaway overlays: stopping qemu is pulling the plug on purpose.
  local pids=()
  for h in "${hosts[@]}"; do
    pid=$(qemu_pid "$h")
    [ -z "$pid" ] || pids+=("$pid")
  done
  # Also any qemu that uses this runtime directory but lost its pidfile.
  for pid in $(pgrep -f "^qemu-system-x86_64 .*-name zfslab-" || true); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$runtime/"; then pids+=("$pid"); fi
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    for pid in "${pids[@]}"; do
      while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  # ControlPersist masters exit when their VM goes; remove whatever is left of them.
  for pid in $(pgrep -f "ControlPath=$runtime/cm-" || true); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$runtime"
}

cmd_down() {
  mkdir -p "$cache"
  exec 9>"$cache/lab.lock"
  flock -w 900 9 || die "another lab.sh holds $cache/lab.lock"
  if [ -d "$runtime" ]; then
    stop_all
    say "stopped; removed $runtime"
  else
    say "not running"
  fi
}

# ---------------------------------------------------------------- up

boot_vm() { # boot_vm HOST INDEX IMAGE ACCEL
  local h=$1 i=$2 img=$3 accel=$4 dir=$runtime/$1
  local port udp_mine udp_peer accel_args
  mkdir -p "$dir"
  port=$(cat "$dir/ssh-port")
  udp_mine=$(cat "$dir/udp-port")
  udp_peer=$(cat "$runtime/$5/udp-port")
  qemu-img create -q -f qcow2 -b "$img/base.qcow2" -F qcow2 "$dir/root.qcow2"
  qemu-img create -q -f qcow2 "$dir/pool.qcow2" 4G
  # A second blank disk for the wizard's guided pool creation; kept empty between test
  # files by hosts.ts (freshPools/resetToBare). Smaller than the pool disk, so the two
  # are told apart by size too.
  qemu-img create -q -f qcow2 "$dir/spare.qcow2" 2G
  if [ "$accel" = kvm ]; then
    accel_args=(-accel kvm -cpu host -smp 2)
  else
    accel_args=(-accel tcg,tb-size=256 -cpu max -smp 1)
  fi
  local authkey
  authkey=$(base64 -w0 <"$runtime/id_ed25519.pub")
  # Explicit PCI addresses and serials: disks attached with if=virtio would be ordered
  # after these and the pool disk could become vda.
  qemu-system-x86_64 -name "zfslab-$h" "${accel_args[@]}" -machine pc -m "$mem" \
    -nodefaults -no-user-config -display none -daemonize \
    -pidfile "$dir/qemu.pid" -serial "file:$dir/console.log" \
    -kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
    -append "root=LABEL=labroot rw console=ttyS0 quiet zfslab.name=$h zfslab.authkey=$authkey" \
    -drive "if=none,id=root,file=$dir/root.qcow2,format=qcow2,cache=unsafe,discard=unmap" \
    -device virtio-blk-pci,drive=root,addr=0x4,serial=labroot \
    -drive "if=none,id=pool,file=$dir/pool.qcow2,format=qcow2,cache=unsafe,discard=unmap" \
    -device virtio-blk-pci,drive=pool,addr=0x5,serial=pool \
    -drive "if=none,id=spare,file=$dir/spare.qcow2,format=qcow2,cache=unsafe,discard=unmap" \
    -device virtio-blk-pci,drive=spare,addr=0x8,serial=spare \
    -netdev "user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
    -device "virtio-net-pci,netdev=mgmt,mac=52:54:00:5a:00:0$i,addr=0x3" \
    -netdev "socket,id=link,udp=127.0.0.1:$udp_peer,localaddr=127.0.0.1:$udp_mine" \
    -device "virtio-net-pci,netdev=link,mac=52:54:00:5a:01:0$i,addr=0x6" \
    -device virtio-rng-pci,addr=0x7 \
    >"$dir/qemu.log" 2>&1 9>&- || { cat "$dir/qemu.log" >&2; return 1; }
}

wait_ready() { # wait_ready HOST DEADLINE -> host key line in known_hosts, sshd answering
  local h=$1 deadline=$2 dir=$runtime/$1 line port
  port=$(cat "$dir/ssh-port")
  while :; do
    line=$(grep -a "^ZFSLAB-HOSTKEY $h " "$dir/console.log" 2>/dev/null | tail -1 | tr -d '\r' || true)
    [ -z "$line" ] || break
    [ -n "$(qemu_pid "$h")" ] || { tail -30 "$dir/console.log" >&2; die "$h: qemu exited during boot"; }
    [ $SECONDS -lt "$deadline" ] || { tail -30 "$dir/console.log" >&2; die "$h: no host key on the console after ${boot_deadline}s"; }
    sleep 1
  done
  local key=${line#ZFSLAB-HOSTKEY $h }
  echo "[127.0.0.1]:$port $key" >>"$runtime/known_hosts"
  echo "$key" >"$dir/host-key.pub"
  until vm_ssh "$h" true 2>/dev/null; do
    [ -n "$(qemu_pid "$h")" ] || die "$h: qemu exited during boot"
    [ $SECONDS -lt "$deadline" ] || die "$h: sshd did not answer within ${boot_deadline}s"
    sleep 1
  done
}

make_pool() { # make_pool HOST POOL
  vm_ssh "$1" "set -e; udevadm settle; test -e /dev/disk/by-id/virtio-pool
    zpool create -f -o ashift=12 -O mountpoint=/$2 $2 /dev/disk/by-id/virtio-pool"
}

json_host() { # json_host HOST INDEX
  local h=$1 i=$2 dir=$runtime/$1 fp zv
  fp=$(ssh-keygen -l -E sha256 -f "$dir/host-key.pub" | awk '{print $2}')
  zv=$(vm_ssh "$h" zfs version | head -1)
  local pool=tank
  [ "$h" = offsite ] && pool=backup
  cat <<JSON
    "$h": {
      "name": "$h",
      "sshHost": "127.0.0.1",
      "sshPort": $(cat "$dir/ssh-port"),
      "user": "root",
      "hostKey": "$(cat "$dir/host-key.pub")",
      "hostKeyFingerprint": "$fp",
      "linkIp": "192.168.99.$i",
      "tunnelIp": "10.99.0.$i",
      "pool": "$pool",
      "zfsVersion": "$zv",
      "pid": $(qemu_pid "$h")
    }
JSON
}

print_info() {
  local h
  say "up: OpenZFS $(sed -n 's/.*"zfsVersion": "\(.*\)".*/\1/p' "$runtime/lab.json" | head -1), accel $(sed -n 's/.*"accel": "\(.*\)".*/\1/p' "$runtime/lab.json")"
  for h in "${hosts[@]}"; do
    local port fp
    port=$(cat "$runtime/$h/ssh-port")
    fp=$(ssh-keygen -l -E sha256 -f "$runtime/$h/host-key.pub" | awk '{print $2}')
    printf '  %-8s ssh -i %s -o UserKnownHostsFile=%s -p %s root@127.0.0.1\n' "$h" "$runtime/id_ed25519" "$runtime/known_hosts" "$port" >&2
    printf '           host key %s, link %s, tunnel %s (after setup), pool %s\n' "$fp" \
      "192.168.99.$([ "$h" = nas ] && echo 1 || echo 2)" "10.99.0.$([ "$h" = nas ] && echo 1 || echo 2)" \
      "$([ "$h" = nas ] && echo tank || echo backup)" >&2
  done
  local env_prefix=
  [ "$runtime" = /var/tmp/zfs-offsite-lab ] || env_prefix="LAB_RUNTIME_DIR=$runtime "
  say "or: ${env_prefix}bash test/lab/lab.sh ssh nas   details: $runtime/lab.json   stop: ${env_prefix}npm run lab:down"
}

cmd_up() {
  require up
  mkdir -p "$cache"
  exec 9>"$cache/lab.lock"
  flock -w 900 9 || die "another lab.sh holds $cache/lab.lock"
  if is_up; then
    say "already up"
    print_info
    return 0
  fi
  [ ! -d "$runtime" ] || stop_all
  local img accel t0=$SECONDS
  img=$(ensure_image "$series")
  accel=$(pick_accel "$img")

  # From here a failure or an interruption leaves nothing running.
  trap 'status=$?; trap - EXIT; if [ $status -ne 0 ]; then say "boot failed; stopping"; stop_all; fi; exit $status' EXIT
  trap 'exit 130' INT TERM HUP

  mkdir -p "$runtime"
  chmod 700 "$runtime"
  : >"$runtime/known_hosts"
  ssh-keygen -q -t ed25519 -N '' -C zfs-offsite-lab -f "$runtime/id_ed25519"
  local h i=0
  for h in "${hosts[@]}"; do
    mkdir -p "$runtime/$h"
    free_port tcp >"$runtime/$h/ssh-port"
    free_port udp >"$runtime/$h/udp-port"
  done
  say "booting nas and offsite (OpenZFS $series, $accel; about 1 minute under emulation)"
  boot_vm nas 1 "$img" "$accel" offsite
  boot_vm offsite 2 "$img" "$accel" nas
  local deadline=$((SECONDS + boot_deadline))
  wait_ready nas "$deadline"
  wait_ready offsite "$deadline"
  make_pool nas tank
  make_pool offsite backup
  {
    echo "{"
    echo "  \"zfsSeries\": \"$series\","
    echo "  \"accel\": \"$accel\","
    echo "  \"image\": \"$img\","
    echo "  \"runtimeDir\": \"$runtime\","
    echo "  \"privateKeyPath\": \"$runtime/id_ed25519\","
    echo "  \"knownHostsPath\": \"$runtime/known_hosts\","
    echo "  \"startedBy\": \"${LAB_STARTED_BY:-lab:up}\","
    echo "  \"bootSeconds\": $((SECONDS - t0)),"
    echo "  \"hosts\": {"
    json_host nas 1
    echo "    ,"
    json_host offsite 2
    echo "  }"
    echo "}"
  } >"$runtime/lab.json.tmp"
  mv "$runtime/lab.json.tmp" "$runtime/lab.json"
  trap - EXIT INT TERM HUP
  say "both hosts ready in $((SECONDS - t0)) s"
  print_info
}

# ---------------------------------------------------------------- status, ssh, build

cmd_status() {
  if is_up; then
    local h
    for h in "${hosts[@]}"; do
      printf '%-8s up   pid %s  ssh 127.0.0.1:%s\n' "$h" "$(qemu_pid "$h")" "$(cat "$runtime/$h/ssh-port")"
    done
    echo "details: $runtime/lab.json"
    return 0
  fi
  if [ -d "$runtime" ]; then
    echo "partly up or stale ($runtime exists); run: npm run lab:down"
  else
    echo "down"
  fi
  return 3
}

cmd_ssh() {
  local h=${1:-}
  case "$h" in nas|offsite) ;; *) die "usage: lab.sh ssh nas|offsite [command]" ;; esac
  shift
  is_up || die "the lab is not up (npm run lab:up)"
  # shellcheck disable=SC2046
  if [ $# -eq 0 ]; then exec ssh -t $(ssh_opts "$h" | sed 's/BatchMode=yes/BatchMode=no/'); fi
  # shellcheck disable=SC2046
  exec ssh $(ssh_opts "$h") -- "$@"
}

cmd_build() {
  local which=${1:-$series} s
  [ "$which" = all ] && which="2.3 2.1"
  for s in $which; do
    case "$s" in 2.3|2.1) ;; *) die "unknown OpenZFS series '$s' (use 2.3, 2.1 or all)" ;; esac
    local dir t0=$SECONDS
    dir=$(ensure_image "$s")
    say "image for OpenZFS $s: $dir ($((SECONDS - t0)) s)"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  ssh) shift; cmd_ssh "$@" ;;
  build) cmd_build "${2:-}" ;;
  image-dir) image_dir "${2:-$series}" ;;
  missing) missing_for "${2:-up}" ;;
  *) echo "usage: lab.sh up|down|status|build [2.3|2.1|all]|ssh nas|offsite [cmd]" >&2; exit 2 ;;
esac
