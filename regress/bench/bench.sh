#!/bin/sh
# fsgoferd against diod, with the project's own 9P client (p9bench), on
# one export and the same kind of listener (TCP on 127.0.0.1).  Run by
# `make -f Makefile.linux bench`:
#
#	sh regress/bench/bench.sh BUILDDIR
#
# Every workload runs on both servers in turn, A B then B A, for
# BENCH_ROUNDS rounds; the tables show medians.  The depth-1 rows (one
# request in flight, as every syscall of a kernel client's application
# waits for one reply) run on nullsrv too, a server that answers without
# doing anything: the round trip's cost on this machine.  After the
# rounds, one short run of each depth-1 row per server counts the
# server's system calls (perf stat's raw_syscalls:sys_enter, or
# strace -c -f when perf cannot), divided by the requests p9bench sent.
# Then, unless BENCH_KERNEL=0, kbench.sh does the same through the
# Linux kernel client in a QEMU guest with fio.
#
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECS (3, per run),
# BENCH_DIR (work dir; default a fresh /tmp/fsgbench.XXXXXX, removed at
# the end unless BENCH_KEEP=1), BENCH_KERNEL (1), BENCH_ONLY (a
# space-separated list of workload names to run), BENCH_SYSCOUNT (auto:
# perf, else strace; or perf, strace, none), BENCH_SCSECS (1, per
# counted run), FSGOFERD, P9BENCH, NULLSRV.

set -u
B=${1:-obj}
HERE=$(cd "$(dirname "$0")" && pwd)
FSGOFERD=${FSGOFERD:-$B/fsgoferd}
P9BENCH=${P9BENCH:-$B/regress/bench/p9bench}
NULLSRV=${NULLSRV:-$B/regress/bench/nullsrv}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS:-3}
SCSECS=${BENCH_SCSECS:-1}
MSIZE=1048600

case $FSGOFERD in /*) ;; *) FSGOFERD=$(pwd)/$FSGOFERD ;; esac
case $P9BENCH in /*) ;; *) P9BENCH=$(pwd)/$P9BENCH ;; esac
case $NULLSRV in /*) ;; *) NULLSRV=$(pwd)/$NULLSRV ;; esac
[ -x "$FSGOFERD" ] || { echo "bench: no $FSGOFERD (build first)"; exit 1; }
[ -x "$P9BENCH" ] || { echo "bench: no $P9BENCH (build first)"; exit 1; }
[ -x "$NULLSRV" ] || { echo "bench: no $NULLSRV (build first)"; exit 1; }
command -v diod >/dev/null 2>&1 ||
    { echo "bench: diod not installed (apt-get install diod)"; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then
	W=$BENCH_DIR
	mkdir -p "$W" || exit 1
else
	W=$(mktemp -d /tmp/fsgbench.XXXXXX) || exit 1
fi
# diod, when it runs the kernel client's requests, cannot reach an
# export under mktemp's mode 0700 directory (the guest's mount fails).
chmod 755 "$W" || exit 1
W=$(cd "$W" && pwd -P)
EXP=$W/export
RES=$W/results.txt
mkdir -p "$EXP" || exit 1
: >"$RES"

FSG_PID= DIOD_PID= NULL_PID= FSG_PORT= DIOD_PORT= NULL_PORT= SC_PID=

# listening port: is something listening on 127.0.0.1:port?
listening()
{
	awk -v a="0100007F:$(printf '%04X' "$1")" \
	    '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

# start_fsgoferd log: fsgoferd on a free port (port 0, read from its log).
start_fsgoferd()
{
	local i p=

	"$FSGOFERD" -d -S -m $MSIZE -l tcp:127.0.0.1:0 -e "$EXP" \
	    -e "nocache=$EXP,nodircache" </dev/null >"$1" 2>&1 &
	FSG_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		p=$(sed -n 's/.*listening on tcp:127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
		    "$1" 2>/dev/null | head -n 1)
		[ -n "$p" ] && [ "$p" != 0 ] && listening "$p" && break
		kill -0 $FSG_PID 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$p" ] || ! listening "$p"; then
		echo "bench: fsgoferd did not start: $(tail -n 5 "$1")"
		return 1
	fi
	FSG_PORT=$p
}

# start_diod log: diod has no port 0, so try ports until one binds.
# -n: no authentication, -N: no user database (as root, like fsgoferd's
# trusted mode).  diod's msize is fixed at 64 KiB; the client asks for
# more and takes what it gets.
start_diod()
{
	local i j p

	p=$((30000 + $$ % 20000))
	for i in 1 2 3 4 5 6 7 8 9 10; do
		p=$((p + 11))
		listening $p && continue
		diod -f -n -N -L stderr -l 127.0.0.1:$p -e "$EXP" \
		    </dev/null >"$1" 2>&1 &
		DIOD_PID=$!
		j=0
		while [ $j -lt 50 ] && ! listening $p &&
		    kill -0 $DIOD_PID 2>/dev/null; do
			sleep 0.1
			j=$((j + 1))
		done
		if kill -0 $DIOD_PID 2>/dev/null && listening $p; then
			DIOD_PORT=$p
			return 0
		fi
		stop_pid $DIOD_PID
	done
	echo "bench: diod did not start: $(tail -n 5 "$1")"
	return 1
}

# start_null log: nullsrv on a free port, read from its first line.
start_null()
{
	local i p=

	"$NULLSRV" -m $MSIZE </dev/null >"$1" 2>&1 &
	NULL_PID=$!
	i=0
	while [ $i -lt 50 ]; do
		p=$(sed -n 's/.*listening on tcp:127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
		    "$1" 2>/dev/null | head -n 1)
		[ -n "$p" ] && listening "$p" && break
		kill -0 $NULL_PID 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$p" ] || ! listening "$p"; then
		echo "bench: nullsrv did not start: $(tail -n 5 "$1")"
		return 1
	fi
	NULL_PORT=$p
}

stop_pid()
{
	local i

	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
		sleep 0.2
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

cleanup()
{
	stop_pid "$FSG_PID"
	stop_pid "$DIOD_PID"
	stop_pid "$NULL_PID"
	stop_pid "$SC_PID"
	FSG_PID= DIOD_PID= NULL_PID= SC_PID=
}
trap 'cleanup; exit 1' INT TERM HUP

# alive server: restart a server that died, and say so (it counts).
alive()
{
	case $1 in
	fsgoferd)
		kill -0 "$FSG_PID" 2>/dev/null && return 0
		echo "bench: fsgoferd (pid $FSG_PID) died; log tail:"
		tail -n 5 "$W/fsgoferd.log"
		cat "$W/fsgoferd.log" >>"$W/fsgoferd.dead.log"
		start_fsgoferd "$W/fsgoferd.log"
		;;
	diod)
		kill -0 "$DIOD_PID" 2>/dev/null && return 0
		echo "bench: diod (pid $DIOD_PID) died; log tail:"
		tail -n 5 "$W/diod.log"
		cat "$W/diod.log" >>"$W/diod.dead.log"
		start_diod "$W/diod.log"
		;;
	null)
		kill -0 "$NULL_PID" 2>/dev/null && return 0
		echo "bench: nullsrv (pid $NULL_PID) died; log tail:"
		tail -n 5 "$W/null.log"
		start_null "$W/null.log"
		;;
	esac
}

# srvaddr server: set port and pid for that server.
srvaddr()
{
	case $1 in
	fsgoferd)	port=$FSG_PORT pid=$FSG_PID ;;
	diod)		port=$DIOD_PORT pid=$DIOD_PID ;;
	null)		port=$NULL_PORT pid=$NULL_PID ;;
	esac
}

# p9b server label tag p9bench-args...: run p9bench on that server,
# its output in out, labelled label/server plus tag.
p9b()
{
	local srv=$1 lab=$2 tag=$3 port pid
	shift 3

	srvaddr "$srv"
	# The -nc workloads: fsgoferd's export without the listing cache,
	# which reads the directory for every listing as diod does.
	case $lab/$srv in
	*-nc/fsgoferd)	set -- "$@" -n nocache ;;
	esac
	out=$("$P9BENCH" -a tcp:127.0.0.1:$port -n "$EXP" -d "$EXP" \
	    -m $MSIZE -p $pid -l "$lab/$srv$tag" "$@" 2>&1)
}

# run server label p9bench-args...: one run, one result line in RES.
run()
{
	local srv=$1 lab=$2 out
	shift 2

	alive "$srv" || return 1
	if p9b "$srv" "$lab" "" "$@"; then
		echo "round=${ROUND:-0} $out" >>"$RES"
		echo "  $out"
	else
		echo "  FAILED $lab/$srv: $out"
		echo "label=$lab/$srv failed=1" >>"$RES"
	fi
}

# The system call counter: perf stat on the raw_syscalls tracepoint
# (a counter in the kernel; the server runs at its own speed) when it
# works here, else strace -c -f (which stops the server at every call,
# so it runs several times slower, but counts the same calls).
SYSCOUNT=${BENCH_SYSCOUNT:-auto}
if [ "$SYSCOUNT" = auto ]; then
	if perf stat -x, -e raw_syscalls:sys_enter -o "$W/perf.probe" \
	    true >/dev/null 2>&1 &&
	    grep -q '^[0-9][0-9]*,.*raw_syscalls:sys_enter' "$W/perf.probe"
	then
		SYSCOUNT=perf
	elif command -v strace >/dev/null 2>&1; then
		SYSCOUNT=strace
	else
		SYSCOUNT=none
	fi
fi

# sc_start pid file: count the system calls of every thread of pid,
# present and future, into file; return once counting has begun.
sc_start()
{
	local i

	rm -f "$2" "$2.err"
	case $SYSCOUNT in
	perf)
		perf stat -x, -e raw_syscalls:sys_enter -p "$1" -o "$2" \
		    </dev/null 2>"$2.err" &
		SC_PID=$!
		;;
	strace)
		strace -c -f -p "$1" -o "$2" </dev/null 2>"$2.err" &
		SC_PID=$!
		;;
	esac
	i=0
	while [ $i -lt 50 ]; do
		kill -0 $SC_PID 2>/dev/null || break
		# perf holds its events open once they are set up (and
		# enables them right after); strace says it attached.
		case $SYSCOUNT in
		perf)	ls -l /proc/$SC_PID/fd 2>/dev/null |
			    grep -q perf_event && { sleep 0.1; return 0; } ;;
		strace)	grep -q attached "$2.err" && return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	echo "bench: $SYSCOUNT did not start: $(tail -n 3 "$2.err")"
	stop_pid "$SC_PID"
	SC_PID=
	return 1
}

# sc_stop file: stop counting, the total in SC_N.  Not in a subshell:
# only this shell can wait for the counter to write its file.
sc_stop()
{
	kill -INT "$SC_PID" 2>/dev/null
	wait "$SC_PID" 2>/dev/null
	SC_PID=
	case $SYSCOUNT in
	perf)	SC_N=$(awk -F, '$3 ~ /raw_syscalls:sys_enter/ &&
		    $1 ~ /^[0-9]+$/ { print $1 }' "$1") ;;
	strace)	SC_N=$(awk '$NF == "total" && $4 ~ /^[0-9]+$/ {
		    print $4 }' "$1") ;;
	esac
}

# count server label p9bench-args...: one run under the counter; the
# calls per request (timed and set-up ones: the counter sees both) and
# per operation go into RES.
count()
{
	local srv=$1 lab=$2 out n rc port pid
	shift 2

	alive "$srv" || return 1
	srvaddr "$srv"
	sc_start "$pid" "$W/sc.out" || return 1
	p9b "$srv" "$lab" -sc "$@"
	rc=$?
	sc_stop "$W/sc.out"
	n=$SC_N
	if [ $rc -ne 0 ] || [ -z "$n" ]; then
		echo "  FAILED counting $lab/$srv: $out"
		return 1
	fi
	out=$(echo "$out" | awk -v n="$n" -v m="$SYSCOUNT" '{
		for (i = 1; i <= NF; i++) {
			p = index($i, "=")
			kv[substr($i, 1, p - 1)] = substr($i, p + 1)
		}
		r = kv["reqs"] + kv["rpcs"]
		if (r == 0 || kv["ops"] == 0)
			exit 1
		printf "%s sc_calls=%d sc_per_req=%.2f sc_per_op=%.2f " \
		    "sc_method=%s\n", $0, n, n / r, n / r * kv["reqs"] / \
		    kv["ops"], m
	}') || { echo "  FAILED counting $lab/$srv: no requests"; return 1; }
	echo "$out" >>"$RES"
	echo "  $out"
}

# The workloads: name, then p9bench arguments.
WORKLOADS="getattr-c1q1:-w:getattr:-c:1:-q:1
getattr-c1:-w:getattr:-c:1:-q:16
getattr-c4:-w:getattr:-c:4:-q:16
walkclunk:-w:walkclunk:-c:1:-q:16
walkclunk-q1:-w:walkclunk:-c:1:-q:1
randread4k:-w:randread4k:-c:1:-q:16
randread4k-q1:-w:randread4k:-c:1:-q:1
seqread1m:-w:seqread1m:-c:1:-q:4
seqread1m-q1:-w:seqread1m:-c:1:-q:1
write4k:-w:write4k:-c:1:-q:16
write4k-q1:-w:write4k:-c:1:-q:1
write1m:-w:write1m:-c:1:-q:4
write1m-q1:-w:write1m:-c:1:-q:1
create:-w:create:-c:1:-q:16:-U:remove
create-q1:-w:create:-c:1:-q:1:-U:remove
readdir100k:-w:readdir:-N:100000:-c:1:-q:1
readdir10k:-w:readdir:-N:10000:-c:1:-q:1
readdir100k-nc:-w:readdir:-N:100000:-c:1:-q:1
readdir10k-nc:-w:readdir:-N:10000:-c:1:-q:1"

selected()
{
	[ -z "${BENCH_ONLY:-}" ] && return 0
	case " $BENCH_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# The depth-1 rows, and those of them nullsrv can run: it lists every
# directory as empty, so against it readdir would time four round trips
# and no listing.
depth1()
{
	case $1 in *q1|readdir*) return 0 ;; esac
	return 1
}

nullrow()
{
	case $1 in *q1) return 0 ;; esac
	return 1
}

echo "bench: work dir $W; $(nproc) CPUs; $(uname -sr)"
echo "bench: fsgoferd $FSGOFERD; diod" \
    "$(dpkg-query -W -f='${Version}' diod 2>/dev/null || echo '(version unknown)')"
echo "bench: system calls counted by $SYSCOUNT"
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s)

# Test files first (64 MiB file, 100,000- and 10,000-entry directories),
# made on the host so no server is timed doing it.
for n in 100000 10000; do
	"$P9BENCH" -w setup -d "$EXP" -N $n || exit 1
done
[ -f "$EXP/.d100000.done" ] && [ -f "$EXP/.d10000.done" ] &&
    [ "$(stat -c %s "$EXP/bench.64m")" = 67108864 ] ||
    { echo "bench: cannot make the test files in $EXP"; exit 1; }
sync

# Memory: 1,000 idle attached connections on freshly started servers.
echo "bench: idle connections (fresh servers)"
start_fsgoferd "$W/fsgoferd.log" || exit 1
start_diod "$W/diod.log" || { cleanup; exit 1; }
sleep 0.5
run fsgoferd idle -w idle -c 1000 -t 2
run diod idle -w idle -c 1000 -t 2
cleanup

# The loopback ceiling for seqread1m, measured in each round right
# before seqread1m runs, so both see the machine in the same state.
tcpstream()
{
	local out

	out=$("$P9BENCH" -w tcpstream -t "$SECS" -l "tcpstream/tcp") &&
	    echo "round=$ROUND $out" >>"$RES" && echo "  $out"
}

start_fsgoferd "$W/fsgoferd.log" || exit 1
start_diod "$W/diod.log" || { cleanup; exit 1; }
start_null "$W/null.log" || { cleanup; exit 1; }
r=1
while [ $r -le $ROUNDS ]; do
	ROUND=$r
	echo "bench: round $r of $ROUNDS"
	if [ $((r % 2)) -eq 1 ]; then
		order="fsgoferd diod null"
	else
		order="null diod fsgoferd"
	fi
	for wl in $WORKLOADS; do
		name=${wl%%:*}
		selected "$name" || continue
		args=$(echo "${wl#*:}" | tr : ' ')
		[ "$name" = seqread1m ] && tcpstream
		for s in $order; do
			[ $s = null ] && ! nullrow "$name" && continue
			# shellcheck disable=SC2086
			run $s "$name" -t "$SECS" $args
		done
	done
	r=$((r + 1))
done
if [ "$SYSCOUNT" != none ]; then
	echo "bench: system calls per request, depth 1, $SCSECS s runs"
	for wl in $WORKLOADS; do
		name=${wl%%:*}
		selected "$name" && depth1 "$name" || continue
		args=$(echo "${wl#*:}" | tr : ' ')
		for s in fsgoferd diod null; do
			[ $s = null ] && ! nullrow "$name" && continue
			# shellcheck disable=SC2086
			count $s "$name" -t "$SCSECS" $args
		done
	done
fi
cleanup
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "$(($(date +%s) - t0)) s"

sh "$HERE/table.sh" "$RES"
rc=$?

if [ "${BENCH_KERNEL:-1}" != 0 ]; then
	FSGOFERD=$FSGOFERD BENCH_DIR=$W sh "$HERE/kbench.sh" "$B" || rc=1
fi

[ "${BENCH_KEEP:-0}" = 1 ] || [ -n "${BENCH_DIR:-}" ] || rm -rf "$W"
exit $rc
