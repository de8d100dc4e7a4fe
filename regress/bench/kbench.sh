#!/bin/sh
# The second table of `make -f Makefile.linux bench`: fsgoferd against
# diod through the Linux kernel 9p client.  A QEMU guest (the kernel
# test's harness, regress/kernel/*.subr) mounts both servers, which run
# side by side on one export, with the same options (trans=tcp,
# version=9p2000.L, msize=512000, cache=none) and runs fio inside, each
# job on one server and then on the other: sequential 1 MiB read and write,
# random 4 KiB read and write, and file create/stat/delete (fio's
# filecreate, filestat and filedelete engines).  fio is dynamically
# linked: it and its libraries go into a second cpio archive appended to
# the harness's initramfs.
#
#	sh regress/bench/kbench.sh BUILDDIR
#
# Knobs: KBENCH_ROUNDS (6), KBENCH_SECS (5, per fio job), KBENCH_FILES
# (500, for the metadata jobs), KBENCH_JOBS (which of seqread seqwrite
# randread randwrite create stat delete; all by default), BENCH_DIR (work
# dir, shared with bench.sh), FSGOFERD, and kernel.subr's FSG_KERNEL_*
# (accelerator, ...).

set -u
B=${1:-obj}
HERE=$(cd "$(dirname "$0")" && pwd)
KDIR=$HERE/../kernel
[ -f "$KDIR/kernel.subr" ] || KDIR=$HERE/../../regress/kernel
FSGOFERD=${FSGOFERD:-$B/fsgoferd}
case $FSGOFERD in /*) ;; *) FSGOFERD=$(pwd)/$FSGOFERD ;; esac
export FSGOFERD
ROUNDS=${KBENCH_ROUNDS:-6}
SECS=${KBENCH_SECS:-5}
NFILES=${KBENCH_FILES:-500}
JOBS=${KBENCH_JOBS:-seqread seqwrite randread randwrite create stat delete}
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

# Both servers run side by side and every guest mounts both: fsgoferd
# where guest.init mounts (/mnt), diod on /mnt2 with the same options.
# Each fio job runs on one server and right after on the other, A B in
# odd jobs and B A in even ones, and the other way round in the next
# round, so that a busy host slows both alike instead of whichever guest
# it happened to hit.
kern_server_start fsgoferd "$EXP" "$KW/server-fsgoferd.log" ||
    { echo "kbench: fsgoferd: $KERN_WHY"; exit 1; }
FSG_SPID=$KERN_SERVER_PID FSG_KPORT=$KERN_PORT FSG_KANAME=$KERN_ANAME
rm -f server.pid		# kern_server_stop is diod's below
if ! kern_server_start diod "$EXP" "$KW/server-diod.log"; then
	echo "kbench: diod: $KERN_WHY"
	kill "$FSG_SPID"
	exit 1
fi
DIOD_KPORT=$KERN_PORT DIOD_KANAME=$KERN_ANAME

# kb_jobs first second: one fio job per workload on each server.
kb_jobs()
{
	local i=0 job srv m order

	for job in $JOBS; do
		i=$((i + 1))
		if [ $((i % 2)) -eq 1 ]; then
			order="$1 $2"
		else
			order="$2 $1"
		fi
		for srv in $order; do
			case $srv in
			fsgoferd) m='$M' ;;
			*) m='$M2' ;;
			esac
			echo "[$job.$srv]"
			case $job in
			seqread|randread)
				echo "filename=$m/bench.64m" ;;
			seqwrite)
				echo "filename=$m/scratch/kb.seqw.$srv" ;;
			randwrite)
				echo "filename=$m/scratch/kb.randw.$srv" ;;
			*)
				echo "directory=$m/scratch/meta.$srv" ;;
			esac
			case $job in
			seqread)	printf 'rw=read\nbs=1m\nsize=64m\n' ;;
			seqwrite)	printf 'rw=write\nbs=1m\nsize=64m\n' ;;
			randread)	printf 'rw=randread\nbs=4k\nsize=64m\n' ;;
			randwrite)	printf 'rw=randwrite\nbs=4k\nsize=16m\n' ;;
			create)		printf 'ioengine=filecreate\nrw=write\ncreate_on_open=1\n' ;;
			stat)		printf 'ioengine=filestat\nrw=read\n' ;;
			delete)		printf 'ioengine=filedelete\nrw=read\n' ;;
			esac
			case $job in
			seq*|rand*)
				printf 'time_based\nruntime=%s\n' "$SECS" ;;
			*)
				printf 'nrfiles=%s\nfilesize=4k\nbs=4k\nopenfiles=1\n' \
				    "$NFILES" ;;
			esac
		done
	done
}

# The guest side: guest.init runs it with the mount point as $1.  One
# fio process runs every job in turn (stonewall): starting fio with its
# many libraries costs seconds under TCG.
for first in fsgoferd diod; do
	if [ $first = fsgoferd ]; then
		jobs=$(kb_jobs fsgoferd diod)
	else
		jobs=$(kb_jobs diod fsgoferd)
	fi
	cat >"$EXP/kbench.guest.$first.sh" <<EOF
M=\$1
M2=/mnt2
mkdir -p \$M2
if ! mount -t 9p -o trans=tcp,port=$DIOD_KPORT,version=9p2000.L,msize=512000,cache=none,aname=$DIOD_KANAME 10.0.2.2 \$M2; then
	echo "FSG: FAIL mount diod on \$M2"
	exit 1
fi
mkdir -p \$M/scratch/meta.fsgoferd \$M2/scratch/meta.diod
cat >/tmp/kb.fio <<JOBS
[global]
thread
ioengine=psync
stonewall
$jobs
JOBS
cd /tmp
if ! /usr/bin/fio --minimal /tmp/kb.fio >/tmp/kb.out 2>&1; then
	echo "FSG: FAIL fio: \$(tail -n 5 /tmp/kb.out)"
fi
awk -F';' '\$1 == 3 {
    split(\$3, js, ".")
    printf "FSG-BENCH: label=%s job=%s rkbs=%s riops=%s wkbs=%s wiops=%s\\n",
    js[2], js[1], \$7, \$8, \$48, \$49 }' /tmp/kb.out
rm -rf \$M/scratch/kb.seqw.* \$M/scratch/kb.randw.* \$M/scratch/meta.*
umount \$M2
EOF
done

r=1
while [ $r -le $ROUNDS ]; do
	if [ $((r % 2)) -eq 1 ]; then
		first=fsgoferd
	else
		first=diod
	fi
	append="console=ttyS0 quiet panic=-1 fsg.msize=512000"
	append="$append fsg.workload=script fsg.script=kbench.guest.$first.sh"
	append="$append fsg.port=$FSG_KPORT fsg.aname=$FSG_KANAME"
	t=$(date +%s)
	kern_boot initrd.gz "$append" console-$r.log $((SECS * 20 + 900))
	rc=$?
	# KVM that failed its probe once will fail again: skip it.
	[ "$KERN_ACCEL" = tcg ] && FSG_KERNEL_ACCEL=tcg
	echo "kbench: round $r ($first first in odd jobs): guest" \
	    "$(($(date +%s) - t)) s ($KERN_ACCEL)"
	[ $rc -eq 0 ] || echo "kbench: round $r: $KERN_WHY"
	if grep -q -e '^FSG: FAIL' -e '^FSG-RESULT: FAIL' console-$r.log; then
		echo "kbench: round $r failed; console tail:"
		tail -n 25 console-$r.log
		echo "kbench: server log tails:"
		tail -n 5 "$KW/server-fsgoferd.log" "$KW/server-diod.log"
	fi
	sed -n "s,^FSG-BENCH: ,round=$r ,p" console-$r.log | tr -d '\r' |
	    tee -a "$RES" | sed 's/^/  /'
	kill -0 "$FSG_SPID" 2>/dev/null ||
	    echo "kbench: fsgoferd (pid $FSG_SPID) died during round $r"
	r=$((r + 1))
done
kern_server_stop
kill "$FSG_SPID" 2>/dev/null
wait "$FSG_SPID" 2>/dev/null
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
	byround[j, s, kv["round"]] = v
	rounds[kv["round"]] = 1
}
# The median of the per-round ratios: each round runs a job on both
# servers back to back, so a guest that is slower in one round than in
# another (TCG is) slows both sides of that round alike.
function paired(j,    r, n, a, i, t) {
	n = 0
	for (r in rounds)
		if ((j, "fsgoferd", r) in byround && (j, "diod", r) in byround &&
		    byround[j, "diod", r] + 0 > 0)
			a[++n] = byround[j, "fsgoferd", r] / byround[j, "diod", r]
	if (n == 0)
		return ""
	for (r = 2; r <= n; r++)
		for (i = r; i > 1 && a[i - 1] > a[i]; i--) {
			t = a[i]; a[i] = a[i - 1]; a[i - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	printf "\nkernel client (fio in a QEMU guest; median of %d rounds)\n", \
	    '"$ROUNDS"'
	printf "%-10s %12s %12s %6s %7s  %s\n", "job", "fsgoferd", "diod", \
	    "ratio", "paired", "unit"
	low = ""
	for (i = 1; i <= nj; i++) {
		j = order[i]
		f = median(j SUBSEP "fsgoferd")
		d = median(j SUBSEP "diod")
		q = paired(j)
		printf "%-10s %12s %12s %6s %7s  %s\n", j, \
		    (f == "" ? "-" : sprintf("%.1f", f)), \
		    (d == "" ? "-" : sprintf("%.1f", d)), \
		    (f == "" || d + 0 == 0 ? "-" : sprintf("%.2f", f / d)), \
		    (q == "" ? "-" : sprintf("%.2f", q)), \
		    (j ~ /^seq/ ? "MB/s" : "ops/s")
		if (f == "" || d + 0 == 0 || f / d < 1.0 || q == "" || q < 1.0)
			low = low " " j
	}
	print "(ratio: of the medians; paired: the median over the rounds" \
	    " of fsgoferd/diod within a round)"
	printf "target (issue 5): every job >= 1.0 by both: %s\n", \
	    (low == "" ? "met" : "MISSED:" low)
}' "$RES"
rc=0
[ -s "$RES" ] || { echo "kbench: no results"; rc=1; }
[ -n "${BENCH_DIR:-}" ] || [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$W"
exit $rc
