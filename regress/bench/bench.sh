#!/bin/sh
# fsgoferd against diod, with the project's own 9P client (p9bench), on
# one export and the same kind of listener (TCP on 127.0.0.1).  Run by
# `make -f Makefile.linux bench`:
#
#	sh regress/bench/bench.sh BUILDDIR
#
# Every workload runs on both servers in turn, A B then B A, for
# BENCH_ROUNDS rounds; the tables show medians.  Then, unless
# BENCH_KERNEL=0, kbench.sh does the same through the Linux kernel
# client in a QEMU guest with fio.
#
# Knobs (environment): BENCH_ROUNDS (3), BENCH_SECS (3, per run),
# BENCH_DIR (work dir; default a fresh /tmp/fsgbench.XXXXXX, removed at
# the end unless BENCH_KEEP=1), BENCH_KERNEL (1), BENCH_ONLY (a
# space-separated list of workload names to run), FSGOFERD, P9BENCH.

set -u
B=${1:-obj}
HERE=$(cd "$(dirname "$0")" && pwd)
FSGOFERD=${FSGOFERD:-$B/fsgoferd}
P9BENCH=${P9BENCH:-$B/regress/bench/p9bench}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECS:-3}
MSIZE=1048600

case $FSGOFERD in /*) ;; *) FSGOFERD=$(pwd)/$FSGOFERD ;; esac
case $P9BENCH in /*) ;; *) P9BENCH=$(pwd)/$P9BENCH ;; esac
[ -x "$FSGOFERD" ] || { echo "bench: no $FSGOFERD (build first)"; exit 1; }
[ -x "$P9BENCH" ] || { echo "bench: no $P9BENCH (build first)"; exit 1; }
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

FSG_PID= DIOD_PID= FSG_PORT= DIOD_PORT=

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
	FSG_PID= DIOD_PID=
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
	esac
}

# run server label p9bench-args...: one run, one result line in RES.
run()
{
	local srv=$1 lab=$2 port pid out
	shift 2

	alive "$srv" || return 1
	if [ "$srv" = fsgoferd ]; then
		port=$FSG_PORT pid=$FSG_PID
	else
		port=$DIOD_PORT pid=$DIOD_PID
	fi
	# The -nc workloads: fsgoferd's export without the listing cache,
	# which reads the directory for every listing as diod does.
	case $lab/$srv in
	*-nc/fsgoferd)	set -- "$@" -n nocache ;;
	esac
	if out=$("$P9BENCH" -a tcp:127.0.0.1:$port -n "$EXP" -d "$EXP" \
	    -m $MSIZE -p $pid -l "$lab/$srv" "$@" 2>&1); then
		echo "round=${ROUND:-0} $out" >>"$RES"
		echo "  $out"
	else
		echo "  FAILED $lab/$srv: $out"
		echo "label=$lab/$srv failed=1" >>"$RES"
	fi
}

# The workloads: name, then p9bench arguments.
WORKLOADS="getattr-c1q1:-w:getattr:-c:1:-q:1
getattr-c1:-w:getattr:-c:1:-q:16
getattr-c4:-w:getattr:-c:4:-q:16
walkclunk:-w:walkclunk:-c:1:-q:16
randread4k:-w:randread4k:-c:1:-q:16
seqread1m:-w:seqread1m:-c:1:-q:4
write4k:-w:write4k:-c:1:-q:16
write1m:-w:write1m:-c:1:-q:4
create:-w:create:-c:1:-q:16:-U:remove
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

echo "bench: work dir $W; $(nproc) CPUs; $(uname -sr)"
echo "bench: fsgoferd $FSGOFERD; diod" \
    "$(dpkg-query -W -f='${Version}' diod 2>/dev/null || echo '(version unknown)')"
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
r=1
while [ $r -le $ROUNDS ]; do
	ROUND=$r
	echo "bench: round $r of $ROUNDS"
	if [ $((r % 2)) -eq 1 ]; then
		order="fsgoferd diod"
	else
		order="diod fsgoferd"
	fi
	for wl in $WORKLOADS; do
		name=${wl%%:*}
		selected "$name" || continue
		args=$(echo "${wl#*:}" | tr : ' ')
		[ "$name" = seqread1m ] && tcpstream
		for s in $order; do
			# shellcheck disable=SC2086
			run $s "$name" -t "$SECS" $args
		done
	done
	r=$((r + 1))
done
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
