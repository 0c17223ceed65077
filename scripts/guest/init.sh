#!/bin/busybox sh
# /init of the test guest (see spec-vectors/linux-guest/README.md). Loads the virtio modules
# the builder listed in /etc/guest-modules, then reports on the second serial port (ttyS1; the
# kernel's console is ttyS0) in blocks the host parses:
#   @@pcicfg-guest BEGIN KIND NAME
#   ...lines...
#   @@pcicfg-guest END KIND NAME
# Then it reads and writes each virtio disk, brings up each network interface, reports again,
# waits for the host's "poweroff" line (so the host can read QEMU's memory map while the guest
# still runs) and powers off.
/bin/busybox mkdir -p /bin /proc /sys /dev /tmp
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

exec 3<>/dev/ttyS1
# raw: no CR added to LF, no echo of what the host sends
stty -F /dev/ttyS1 raw -echo

begin() { echo "@@pcicfg-guest BEGIN $1 $2" >&3; }
end() { echo "@@pcicfg-guest END $1 $2" >&3; }
block() { begin "$1" "$2"; cat >&3; end "$1" "$2"; }

uname -r | block uname kernel

while read -r m; do
  insmod "/lib/modules/$m" 2>&1 | block insmod "$m"
done < /etc/guest-modules

# virtio_blk registers its disks while insmod runs; give devtmpfs a moment all the same
for i in 1 2 3 4 5 6 7 8 9 10; do
  [ -e /dev/vda ] && break
  sleep 1
done

for d in /sys/block/vd*; do
  [ -e "$d" ] || continue
  n=${d##*/}
  {
    dd if=/dev/$n of=/dev/null bs=4096 count=16 2>&1
    printf 'pcicfg guest wrote this to %s\n' "$n" > /tmp/pattern
    dd if=/tmp/pattern of=/dev/$n bs=512 seek=1 conv=notrunc,fsync 2>&1
    echo 3 > /proc/sys/vm/drop_caches
    if dd if=/dev/$n bs=512 skip=1 count=1 2>/dev/null | head -c "$(wc -c < /tmp/pattern)" | cmp -s - /tmp/pattern; then
      echo "readback ok"
    else
      echo "readback differs"
    fi
  } | block disk "$n"
done

for d in /sys/class/net/*; do
  n=${d##*/}
  [ "$n" = lo ] && continue
  { ip link set "$n" up 2>&1; sleep 1; ip link show "$n" 2>&1; } | block net "$n"
done

for d in /sys/bus/pci/devices/*; do
  s=${d##*/}
  od -An -v -tx1 "$d/config" | block config "$s"
  block resource "$s" < "$d/resource"
  if [ -e "$d/driver" ]; then basename "$(readlink "$d/driver")"; else echo none; fi | block driver "$s"
done
block iomem proc < /proc/iomem
block ioports proc < /proc/ioports

echo ok | block done guest
read -r reply <&3
echo "host said: $reply"
poweroff -f
