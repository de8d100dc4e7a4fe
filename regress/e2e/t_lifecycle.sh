#! /usr/bin/env atf-sh
#
# Life cycle under load: SIGTERM and SIGINT stop accepting, let work in
# flight end, close clients and exit 0 within a bound, removing the
# pidfile and the unix socket; SIGHUP keeps serving; inetd mode (-i)
# and systemd socket activation (LISTEN_FDS) serve clients.

. "$(atf_get_srcdir)/e2e.subr"
. "$(atf_get_srcdir)/attack.subr"

lc_tree()
{
	e2e_tree_small
	head -c 4194304 /dev/zero >"$E2E_EXPORT/big"
}

# lc_stop_by SIG: with a client busy (pipelined 1 MiB reads) and
# another idle, SIG makes the daemon exit 0 within 10 s, remove its
# pidfile and socket, and close both clients.
lc_stop_by()
{
	lc_tree
	e2e_start_default -m 1048600
	dpid=$(cat daemon.pid)
	cat >busy.in <<EOF
version 1048600
attach 0 root $E2E_EXPORT
walk 0 1 big
lopen 1 RDONLY
pipeline 400 readn 1 0 1048576
EOF
	cat >idle.in <<EOF
version
attach 0 root $E2E_EXPORT
expect-close 15000
EOF
	"$E2E_P9C" -t 20 "$E2E_ADDR" <idle.in >idle.got 2>&1 &
	ipid=$!
	"$E2E_P9C" -t 20 "$E2E_TCP" <busy.in >busy.got 2>&1 &
	bpid=$!
	sleep 0.3
	t0=$(date +%s%N)
	kill "-$1" "$dpid"
	i=0
	while kill -0 "$dpid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 120 ] || atf_fail "still running 12 s after SIG$1"
		sleep 0.1
	done
	wait "$dpid"
	st=$?
	t1=$(date +%s%N)
	echo "SIG$1: exit $st after $(((t1 - t0) / 1000000)) ms" >&2
	cat log >&2
	atf_check_equal 0 "$st"
	[ ! -e pid ] || atf_fail "pidfile left after SIG$1"
	[ ! -e "$E2E_SOCK" ] || atf_fail "unix socket left after SIG$1"
	grep -q 'stopping' log || atf_fail "no \"stopping\" in the log"
	grep -q 'stopped' log || atf_fail "no \"stopped\" in the log"
	wait "$ipid" "$bpid"
	atf_check -o inline:'Rversion 8192 9P2000.L\nRattach dir\nclosed\n' \
	    cat idle.got
	# the busy client got some replies, then the connection closed
	sed -n 1,4p busy.got >busy.head
	atf_check -o inline:'Rversion 1048600 9P2000.L\nRattach dir\nRwalk 1 file\nRlopen file 0\n' \
	    cat busy.head
	grep -v '^Rread 1048576$' busy.got | sed 1,4d | sort -u >busy.rest
	case "$(cat busy.rest)" in
	""|closed) ;;
	*)	atf_fail "busy client: $(cat busy.rest | tr '\n' ' ')" ;;
	esac
	# nothing listens any more
	printf 'version\n' >v.in
	atf_check -s not-exit:0 -o empty -e not-empty \
	    "$E2E_P9C" "$E2E_TCP" <v.in
	rm -f daemon.pid
}

atf_test_case sigterm cleanup
sigterm_head()
{
	atf_set descr "SIGTERM with clients busy: exit 0 within 10 s," \
	    "pidfile and socket removed, clients closed, listener gone"
	atf_set timeout 60
}
sigterm_body()
{
	lc_stop_by TERM
}
sigterm_cleanup()
{
	e2e_stop
}

atf_test_case sigint cleanup
sigint_head()
{
	atf_set descr "SIGINT as SIGTERM"
	atf_set timeout 60
}
sigint_body()
{
	lc_stop_by INT
}
sigint_cleanup()
{
	e2e_stop
}

atf_test_case sighup cleanup
sighup_head()
{
	atf_set descr "SIGHUP: the daemon keeps running, logs it, and a" \
	    "connection open across it keeps working"
}
sighup_body()
{
	lc_tree
	e2e_start_default
	cat >hup.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
sleep 1500
getattr 1 SIZE
EOF
	cat >hup.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rgetattr size=6
EOF
	"$E2E_P9C" -t 20 "$E2E_ADDR" <hup.in >hup.got 2>&1 &
	cpid=$!
	sleep 0.5
	kill -HUP "$(cat daemon.pid)"
	kill -HUP "$(cat daemon.pid)"
	sleep 0.5
	e2e_alive
	wait "$cpid"
	atf_check -o file:hup.out cat hup.got
	grep -q 'HUP' log || atf_fail "SIGHUP not logged"
	e2e_healthy file 6
	[ -s pid ] && [ -S "$E2E_SOCK" ] ||
	    atf_fail "pidfile or socket gone after SIGHUP"
}
sighup_cleanup()
{
	e2e_stop
}

atf_test_case inetd cleanup
inetd_head()
{
	atf_set descr "-i: the connection on stdin is served (launched by" \
	    "systemd-socket-activate --inetd, one daemon per connection)," \
	    "and the daemon exits when it closes"
	atf_set require.progs systemd-socket-activate
}
inetd_body()
{
	lc_tree
	systemd-socket-activate --accept --inetd -l "$E2E_DIR/isock" \
	    "$E2E_DAEMON" -i -e "$E2E_EXPORT" >log 2>&1 &
	echo $! >activate.pid
	i=0
	while [ ! -S "$E2E_DIR/isock" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "no socket from systemd-socket-activate"
		sleep 0.1
	done
	E2E_ADDR=unix:$E2E_DIR/isock
	cat >in.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 dir sub deep
lopen 1 RDONLY
read 1 0 100
frame 200
getattr 0 MODE
EOF
	cat >in.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 3 dir dir file
Rlopen file 0
Rread 10 deep file\\n
Rlerror EOPNOTSUPP
Rgetattr mode=040755
EOF
	e2e_p9c in
	# a second connection gets its own daemon; garbage ends only it
	printf 'raw u32:3 00\nexpect-close\n' >bad.in
	echo closed >bad.out
	e2e_p9c bad
	e2e_p9c in
	sleep 0.5
	# every inetd daemon is gone once its connection closed
	n=$(pgrep -f "^$E2E_DAEMON -i -e $E2E_EXPORT" | wc -l)
	atf_check_equal 0 "$n"
}
inetd_cleanup()
{
	[ -s activate.pid ] && kill "$(cat activate.pid)" 2>/dev/null
	return 0
}

atf_test_case socket_activation cleanup
socket_activation_head()
{
	atf_set descr "LISTEN_FDS: a bound socket passed as fd 3 is served"
	atf_set require.progs systemd-socket-activate
}
socket_activation_body()
{
	lc_tree
	# it execs the daemon in place: that pid is the daemon's
	systemd-socket-activate -l "$E2E_DIR/asock" \
	    "$E2E_DAEMON" -d -p "$E2E_DIR/pid" -e "$E2E_EXPORT" \
	    >log 2>&1 &
	echo $! >daemon.pid
	i=0
	while [ ! -S "$E2E_DIR/asock" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "no socket from systemd-socket-activate"
		sleep 0.1
	done
	E2E_ADDR=unix:$E2E_DIR/asock
	e2e_healthy file 6
	e2e_healthy file 6
	grep -q 'listening on unix:.*asock (inherited)' log ||
	    atf_fail "the inherited socket was not announced"
	! grep -q '(null)' log || atf_fail "the log prints a null path"
	[ -s pid ] && [ "$(cat pid)" = "$(cat daemon.pid)" ] ||
	    atf_fail "pidfile"
	# not its socket to remove, and no listener of its own
	[ ! -e /var/run/fsgoferd.sock ] ||
	    [ "$(stat -c %Y /var/run/fsgoferd.sock)" -lt \
	    "$(stat -c %Y "$E2E_DIR/asock")" ] ||
	    atf_fail "it also bound the default socket"
}
socket_activation_cleanup()
{
	e2e_stop
}

# The scheduling policy (field 41 of /proc/PID/task/TID/stat) of one
# thread: 0 the default, 3 SCHED_BATCH.  The fields are counted after
# the command name, which may hold spaces.
lc_policy()
{
	sed 's/^.*) //' "$1" | awk '{ print $39 }'
}

atf_test_case loop_sched cleanup
loop_sched_head()
{
	atf_set descr "Where the host has SCHED_BATCH, the event loop" \
	    "thread (and only it) runs without wake-up preemption; the" \
	    "workers keep the default policy"
}
loop_sched_body()
{
	e2e_tree_small
	e2e_start_default -v		# -v: the debug line below
	pid=$(e2e_pid)
	[ -r "/proc/$pid/task/$pid/stat" ] || atf_skip "no /proc here"
	loop=$(lc_policy "/proc/$pid/task/$pid/stat")
	if grep -q 'event loop thread: no wake-up preemption' log; then
		[ "$loop" = 3 ] ||
		    atf_fail "the log says SCHED_BATCH, the loop has policy $loop"
	else
		[ "$loop" = 0 ] || atf_fail "loop policy $loop, nothing logged"
	fi
	n=0
	for t in /proc/$pid/task/*; do
		[ "${t##*/}" = "$pid" ] && continue
		p=$(lc_policy "$t/stat")
		[ "$p" = 0 ] || atf_fail "worker ${t##*/} has policy $p"
		n=$((n + 1))
	done
	[ $n -ge 1 ] || atf_fail "no worker threads found"
	# A client with one request at a time leaves it so throughout.
	{
		echo version
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 file"
		i=0
		while [ $i -lt 3000 ]; do
			echo "getattr 1 SIZE"
			i=$((i + 1))
		done
	} >one.in
	"$E2E_P9C" "$E2E_ADDR" <one.in >one.got 2>&1 &
	cpid=$!
	seen=
	while kill -0 "$cpid" 2>/dev/null; do
		seen="$seen $(lc_policy "/proc/$pid/task/$pid/stat")"
	done
	wait "$cpid" || atf_fail "client failed: $(tail -n 3 one.got)"
	atf_check_equal 3000 "$(grep -c '^Rgetattr size=6$' one.got)"
	for p in $seen; do
		[ "$p" = "$loop" ] ||
		    atf_fail "loop policy $p (not $loop) under a one-at-a-time client"
	done
	# Still serving.
	e2e_healthy file 6
}
loop_sched_cleanup()
{
	e2e_stop
}

atf_test_case loop_sched_bigio cleanup
loop_sched_bigio_head()
{
	atf_set descr "While a client pipelines 1 MiB writes, the event loop" \
	    "thread preempts as the default policy does (it moves their" \
	    "bytes); once they are done it is back under SCHED_BATCH"
}
loop_sched_bigio_body()
{
	lc_tree
	e2e_start_default -m 1048600 -v
	pid=$(e2e_pid)
	st=/proc/$pid/task/$pid/stat
	[ -r "$st" ] || atf_skip "no /proc here"
	grep -q 'event loop thread: no wake-up preemption' log ||
	    atf_skip "no SCHED_BATCH in this build"
	[ "$(lc_policy "$st")" = 3 ] || atf_fail "idle loop not SCHED_BATCH"
	# Large reads go out from windows on the file, on the loop itself;
	# large writes still go to the workers.  Sent all at once (raw),
	# answered after.
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 big"
		echo "lopen 1 WRONLY"
		i=1
		while [ $i -le 1500 ]; do
			echo "raw u32:1048599 u8:118 u16:$i u32:1 u64:0" \
			    "u32:1048576 fill:1048576:61"
			i=$((i + 1))
		done
		while [ $i -gt 1 ]; do
			echo "recv"
			i=$((i - 1))
		done
	} >busy.in
	# The loop switches only while pipelined writes wait for workers;
	# under ASan on a busy machine the workers can keep up with a loop
	# that reads each write alone, so one run may see no switch.  Three
	# runs that all see none are a broken switch.
	other=0
	tries=0
	while [ $other -eq 0 ] && [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		"$E2E_P9C" -t 60 "$E2E_TCP" <busy.in >busy.got 2>&1 &
		bpid=$!
		while kill -0 "$bpid" 2>/dev/null; do
			[ "$(lc_policy "$st")" = 0 ] && other=$((other + 1))
		done
		wait "$bpid" ||
		    atf_fail "the writing client failed: $(tail -n 3 busy.got)"
		atf_check_equal 1500 \
		    "$(grep -c '^Rwrite 1048576$' busy.got)"
	done
	[ $other -gt 0 ] ||
	    atf_fail "the loop never had the default policy during the" \
	    "writes, in $tries runs"
	echo "default policy in $other samples" >&2
	# Every write settled: back to no preemption.
	i=0
	while [ "$(lc_policy "$st")" != 3 ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || atf_fail "loop not back under SCHED_BATCH"
		sleep 0.1
	done
	e2e_healthy file 6
}
loop_sched_bigio_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case sigterm
	atf_add_test_case sigint
	atf_add_test_case sighup
	atf_add_test_case inetd
	atf_add_test_case socket_activation
	atf_add_test_case loop_sched
	atf_add_test_case loop_sched_bigio
}
