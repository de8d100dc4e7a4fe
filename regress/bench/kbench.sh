#!/bin/sh
# The second table of `make -f Makefile.linux bench`: fsgoferd against
# diod through the Linux kernel 9p client.  A QEMU guest (the kernel
# test's harness, regress/kernel/*.subr) mounts each server in turn
# with the same options (trans=tcp, version=9p2000.L, msize=512000,
# cache=none) and runs fio inside: sequential 1 MiB read and write,
# random 4 KiB read and write, and file create/stat/delete (fio's
# filecreate, filestat and filedelete engines).  fio is dynamically
# linked: it and its libraries go into a second cpio archive appended to
# the harness's initramfs.
#
#	sh regress/bench/kbench.sh BUILDDIR
#
# Knobs: KBENCH_ROUNDS (4), KBENCH_SECS (5, per fio job), KBENCH_FILES
# (500, for the metadata jobs), BENCH_DIR (work dir, shared with
# bench.sh), FSGOFERD, and kernel.subr's FSG_KERNEL_* (accelerator, ...).

set -u
B=${1:-obj}
HERE=$(cd "$(dirname "$0")" && pwd)
KDIR=$HERE/../kernel
[ -f "$KDIR/kernel.subr" ] || KDIR=$HERE/../../regress/kernel
FSGOFERD=${FSGOFERD:-$B/fsgoferd}
case $FSGOFERD in /*) ;; *) FSGOFERD=$(pwd)/$FSGOFERD ;; esac
export FSGOFERD
ROUNDS=${KBENCH_ROUNDS:-4}
SECS=${KBENCH_SECS:-5}
NFILES=${KBENCH_FILES:-500}
FSG_KERNEL_MEM=${FSG_KERNEL_MEM:-1024}
export FSG_KERNEL_MEM

. "$KDIR/mkinitramfs.subr"
. "$KDIR/kernel.subr"

skip()
{
	echo "kbench: kernel-client table skipped: $*"
	exit 0
}

command -v "$KERN_QEMU" >/dev/null 2>&1 || skip "$KERN_QEMU not installed"
command -v fio >/dev/null 2>&1 || skip "fio not installed (apt-get install fio)"
kern_find_kernel || skip "$KERN_WHY"
kern_find_busybox || skip "$KERN_WHY"

if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR
else
	W=$(mktemp -d /tmp/fsgkbench.XXXXXX) || exit 1
fi
# diod, when it runs the kernel client's requests, cannot reach an
# export under mktemp's mode 0700 directory (the guest's mount fails).
chmod 755 "$W" || exit 1
W=$(cd "$W" && pwd -P)
KW=$W/kernel
EXP=$W/export
RES=$W/kresults.txt
mkdir -p "$KW" "$EXP/scratch" || exit 1
: >"$RES"
cd "$KW" || exit 1

# The initramfs: the harness's, then fio and what ldd says it needs.
kern_mkinitramfs "$KDIR/guest.init" base.gz "$KW" ||
    { echo "kbench: initramfs: $KERN_WHY"; exit 1; }
rm -rf fioroot
mkdir -p fioroot/usr/bin
cp "$(command -v fio)" fioroot/usr/bin/fio || exit 1
for l in $(ldd "$(command -v fio)" |
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	mkdir -p "fioroot$(dirname "$l")" &&
	    cp -L "$l" "fioroot$l" || { echo "kbench: cannot copy $l"; exit 1; }
done
(cd fioroot && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
    gzip -1 >fio.gz || exit 1
cat base.gz fio.gz >initrd.gz || exit 1
echo "kbench: initramfs $(($(wc -c <initrd.gz) / 1048576)) MiB (fio $(fio --version))"

# The 64 MiB file the read jobs use (bench.sh made it; make it if not).
if [ "$(stat -c %s "$EXP/bench.64m" 2>/dev/null)" != 67108864 ]; then
	dd if=/dev/urandom of="$EXP/bench.64m" bs=1M count=64 status=none ||
	    exit 1
fi

# The guest side: guest.init runs it with the mount point as $1.  One
# fio process runs every job in turn (stonewall): starting fio with its
# many libraries costs seconds under TCG.
cat >"$EXP/kbench.guest.sh" <<EOF
M=\$1
mkdir -p \$M/scratch/meta
cat >/tmp/kb.fio <<JOBS
[global]
thread
ioengine=psync
stonewall
[seqread]
filename=\$M/bench.64m
rw=read
bs=1m
size=64m
time_based
runtime=$SECS
[seqwrite]
filename=\$M/scratch/kb.seqw
rw=write
bs=1m
size=64m
time_based
runtime=$SECS
[randread]
filename=\$M/bench.64m
rw=randread
bs=4k
size=64m
time_based
runtime=$SECS
[randwrite]
filename=\$M/scratch/kb.randw
rw=randwrite
bs=4k
size=16m
time_based
runtime=$SECS
[create]
ioengine=filecreate
rw=write
create_on_open=1
directory=\$M/scratch/meta
nrfiles=$NFILES
filesize=4k
bs=4k
openfiles=1
[stat]
ioengine=filestat
rw=read
directory=\$M/scratch/meta
nrfiles=$NFILES
filesize=4k
bs=4k
openfiles=1
[delete]
ioengine=filedelete
rw=read
directory=\$M/scratch/meta
nrfiles=$NFILES
filesize=4k
bs=4k
openfiles=1
JOBS
cd /tmp
if ! /usr/bin/fio --minimal /tmp/kb.fio >/tmp/kb.out 2>&1; then
	echo "FSG: FAIL fio: \$(tail -n 5 /tmp/kb.out)"
fi
awk -F';' '\$1 == 3 {
    printf "FSG-BENCH: job=%s rkbs=%s riops=%s wkbs=%s wiops=%s\\n",
    \$3, \$7, \$8, \$48, \$49 }' /tmp/kb.out
rm -rf \$M/scratch/kb.seqw \$M/scratch/kb.randw \$M/scratch/meta
EOF

append_base="console=ttyS0 quiet panic=-1 fsg.msize=512000"
append_base="$append_base fsg.workload=script fsg.script=kbench.guest.sh"
r=1
while [ $r -le $ROUNDS ]; do
	if [ $((r % 2)) -eq 1 ]; then
		order="fsgoferd diod"
	else
		order="diod fsgoferd"
	fi
	for s in $order; do
		if ! kern_server_start $s "$EXP" "$KW/server-$s.log"; then
			echo "kbench: $s: $KERN_WHY"
			continue
		fi
		t=$(date +%s)
		kern_boot initrd.gz "$append_base fsg.port=$KERN_PORT fsg.aname=$KERN_ANAME" \
		    console-$s-$r.log $((SECS * 10 + 600))
		rc=$?
		kern_server_stop
		# KVM that failed its probe once will fail again: skip it.
		[ "$KERN_ACCEL" = tcg ] && FSG_KERNEL_ACCEL=tcg
		echo "kbench: round $r $s: guest $(($(date +%s) - t)) s ($KERN_ACCEL)"
		[ $rc -eq 0 ] || echo "kbench: $s: $KERN_WHY"
		if grep -q -e '^FSG: FAIL' -e '^FSG-RESULT: FAIL' \
		    console-$s-$r.log; then
			echo "kbench: $s round $r failed; console tail:"
			tail -n 25 console-$s-$r.log
			echo "kbench: server log tail:"
			tail -n 5 "$KW/server-$s.log"
		fi
		sed -n "s,^FSG-BENCH: ,label=$s ,p" console-$s-$r.log |
		    tr -d '\r' | tee -a "$RES" | sed 's/^/  /'
	done
	r=$((r + 1))
done
kern_qemu_stop

awk '
function median(key,    n, i, j, a, t) {
	n = cnt[key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = val[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	delete kv
	for (i = 1; i <= NF; i++) {
		p = index($i, "=")
		if (p > 0)
			kv[substr($i, 1, p - 1)] = substr($i, p + 1)
	}
	j = kv["job"]; s = kv["label"]
	if (!(j in seen)) {
		seen[j] = 1
		order[++nj] = j
	}
	if (j ~ /^seq/)
		v = (kv["rkbs"] + kv["wkbs"]) / 1024
	else
		v = kv["riops"] + kv["wiops"]
	k = j SUBSEP s
	val[k, ++cnt[k]] = v
}
END {
	printf "\nkernel client (fio in a QEMU guest; median of %d rounds)\n", \
	    '"$ROUNDS"'
	printf "%-10s %12s %12s %6s  %s\n", "job", "fsgoferd", "diod", \
	    "ratio", "unit"
	for (i = 1; i <= nj; i++) {
		j = order[i]
		f = median(j SUBSEP "fsgoferd")
		d = median(j SUBSEP "diod")
		printf "%-10s %12s %12s %6s  %s\n", j, \
		    (f == "" ? "-" : sprintf("%.1f", f)), \
		    (d == "" ? "-" : sprintf("%.1f", d)), \
		    (f == "" || d + 0 == 0 ? "-" : sprintf("%.2f", f / d)), \
		    (j ~ /^seq/ ? "MB/s" : "ops/s")
	}
}' "$RES"
rc=0
[ -s "$RES" ] || { echo "kbench: no results"; rc=1; }
[ -n "${BENCH_DIR:-}" ] || [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"
exit $rc
