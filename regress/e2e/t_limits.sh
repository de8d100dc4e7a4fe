#! /usr/bin/env atf-sh
#
# The attacker exhausts limits from one client while another keeps
# working: connections, fids, pipelined reads never read back, clients
# vanishing with replies queued, half-sent frames, hundreds of idle
# half-frame connections, msize out of range, and a flood of garbage
# over many connections.  The daemon must stay up, bounded in memory,
# and answer the well-behaved client promptly.

. "$(atf_get_srcdir)/e2e.subr"
. "$(atf_get_srcdir)/attack.subr"

lim_tree()
{
	e2e_tree_small
	head -c 4194304 /dev/zero >"$E2E_EXPORT/big"
}

# A fresh client gets version, attach, walk, getattr.
lim_ok()
{
	e2e_alive
	e2e_healthy file 6
}

# lim_reads N FID COUNT: a p9c "raw" line with N Tread frames (tags
# 1..N) on FID at offset 0 for COUNT bytes.
lim_reads()
{
	awk -v n="$1" -v fid="$2" -v cnt="$3" '
	function le(v, w,	s, i) {
		s = ""
		for (i = 0; i < w; i++) {
			s = s sprintf("%02x", v % 256)
			v = int(v / 256)
		}
		return s
	}
	BEGIN {
		printf "raw "
		for (t = 1; t <= n; t++)
			printf "%s", le(23, 4) "74" le(t, 2) le(fid, 4) \
			    le(0, 8) le(cnt, 4)
		printf "\n"
	}'
}

# The well-behaved client: N getattrs, each answered within 2 s.
lim_prompt()
{
	{
		echo "timeout 2000"
		echo version
		echo "attach 0 root $E2E_EXPORT"
		i=0
		while [ $i -lt "$1" ]; do
			echo "getattr 0 MODE"
			echo "sleep ${2:-100}"
			i=$((i + 1))
		done
	} >prompt.in
	{
		echo "Rversion 8192 9P2000.L"
		echo "Rattach dir"
		i=0
		while [ $i -lt "$1" ]; do
			echo "Rgetattr mode=040755"
			i=$((i + 1))
		done
	} >prompt.out
	e2e_p9c prompt
}

atf_test_case maxconn cleanup
maxconn_head()
{
	atf_set descr "-o maxconn=3: the 4th connection is closed while the" \
	    "first three work; after one closes, a new one works"
}
maxconn_body()
{
	lim_tree
	e2e_start_default -o maxconn=3
	cat >mc.in <<EOF
version
attach 0 root $E2E_EXPORT
conn 1
version
attach 0 root $E2E_EXPORT
conn 2
version
attach 0 root $E2E_EXPORT
conn 3
expect-close 3000
conn 0
getattr 0 MODE
conn 1
getattr 0 MODE
conn 2
getattr 0 MODE
close 1
sleep 500
conn 4
version
attach 0 root $E2E_EXPORT
getattr 0 MODE
conn 5
expect-close 3000
EOF
	cat >mc.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rversion 8192 9P2000.L
Rattach dir
Rversion 8192 9P2000.L
Rattach dir
closed
Rgetattr mode=040755
Rgetattr mode=040755
Rgetattr mode=040755
Rversion 8192 9P2000.L
Rattach dir
Rgetattr mode=040755
closed
EOF
	e2e_p9c mc
	lim_ok
}
maxconn_cleanup()
{
	e2e_stop
}

atf_test_case maxfids cleanup
maxfids_head()
{
	atf_set descr "-o maxfids=5: the 6th fid gets an error, the others" \
	    "keep working, a clunk frees a slot; another connection has" \
	    "its own count"
}
maxfids_body()
{
	lim_tree
	e2e_start_default -o maxfids=5
	cat >mf.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
walk 0 2 dir
walk 0 3 empty
walk 0 4 dir sub
walk 0 5 file
getattr 5
attach 6 root $E2E_EXPORT
xattrwalk 1 7 ""
getattr 1 SIZE
getattr 4 MODE
clunk 2
walk 0 5 file
getattr 5 SIZE
walk 0 6
conn 1
version
attach 0 root $E2E_EXPORT
walk 0 1 file
walk 0 2 dir
walk 0 3 empty
walk 0 4 file
getattr 4 SIZE
EOF
	e2e_p9c_save mf
	sed -n '7,10p' mf.got >refused.got
	grep -c '^Rlerror ' refused.got >refused.n || true
	atf_check_equal 4 "$(cat refused.n)"
	sed -e '7,10d' mf.got >rest.got
	cat >rest.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rwalk 1 dir
Rwalk 1 file
Rwalk 2 dir dir
Rgetattr size=6
Rgetattr mode=040755
Rclunk
Rwalk 1 file
Rgetattr size=6
Rlerror $(sed -n 's/^Rlerror //p' refused.got | head -n 1)
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rwalk 1 dir
Rwalk 1 file
Rwalk 1 file
Rgetattr size=6
EOF
	atf_check -o file:rest.out cat rest.got
	lim_ok
}
maxfids_cleanup()
{
	e2e_stop
}

# A client pipelines N 1 MiB reads and never reads a reply, for S
# seconds; meanwhile another must be answered promptly; the daemon's
# peak RSS must stay under MAX KiB; then the first vanishes with its
# replies queued.
lim_flood()
{
	n=$1
	max=$2
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 big"
		echo "lopen 1 RDONLY"
		lim_reads "$n" 1 1048576
		echo "sleep 8000"
	} >flood.in
	pid=$(e2e_pid)
	base=$(atk_rss "$pid")
	"$E2E_P9C" -t 20 "$E2E_ADDR" <flood.in >flood.got 2>flood.err &
	fpid=$!
	sleep 1
	lim_prompt 20 250
	peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' \
	    "/proc/$pid/status")
	wait $fpid
	echo "RSS: $base KiB before, peak $peak KiB" >&2
	cat >flood.want <<EOF
Rversion 1048600 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
EOF
	atf_check -o file:flood.want cat flood.got
	[ "$peak" -lt "$max" ] ||
	    atf_fail "daemon peak RSS $peak KiB, limit $max KiB"
	lim_ok
}

atf_test_case throttle_default cleanup
throttle_default_head()
{
	atf_set descr "4000 pipelined 1 MiB Treads never read back, default" \
	    "limits, msize 1 MiB: RSS stays under 200 MiB, another client" \
	    "is answered promptly, the vanishing client harms nobody"
	atf_set timeout 120
}
throttle_default_body()
{
	lim_tree
	e2e_start_default -m 1048600
	lim_flood 4000 204800
}
throttle_default_cleanup()
{
	e2e_stop
}

atf_test_case throttle_limits cleanup
throttle_limits_head()
{
	atf_set descr "The same flood with -o maxreqs=8,outbuf=65536: RSS" \
	    "under 64 MiB"
	atf_set timeout 120
}
throttle_limits_body()
{
	lim_tree
	e2e_start_default -m 1048600 -o maxreqs=8,outbuf=65536
	lim_flood 4000 65536
}
throttle_limits_cleanup()
{
	e2e_stop
}

# lim_pasteof N FID: a p9c "raw" line with N Tread frames on FID, 1000
# to an item, all at 1 TiB (past the end: each reply is 11 bytes),
# asking alternately 4 KiB (answered on the loop) and 256 KiB (on a
# worker).  Tags go round 1..60000: at most maxreqs are ever in flight.
lim_pasteof()
{
	awk -v n="$1" -v fid="$2" '
	function le(v, w,	s, i) {
		s = ""
		for (i = 0; i < w; i++) {
			s = s sprintf("%02x", v % 256)
			v = int(v / 256)
		}
		return s
	}
	BEGIN {
		printf "raw"
		for (t = 0; t < n; t++) {
			if (t % 1000 == 0)
				printf " "
			printf "%s", le(23, 4) "74" le(t % 60000 + 1, 2) \
			    le(fid, 4) le(1099511627776, 8) \
			    le(t % 2 ? 262144 : 4096, 4)
		}
		printf "\n"
	}'
}

# lim_small N MS: a client sends N Treads past the end (lim_pasteof)
# with MS ms to send them all and never reads a reply; then it says
# "sent", reads one reply, and holds the connection 3 s.  Meanwhile
# the daemon's RSS must stay under 64 MiB and another client must be
# answered promptly.
lim_small()
{
	{
		echo "timeout $2"
		echo "version 524312"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 big"
		echo "lopen 1 RDONLY"
		lim_pasteof "$1" 1
		echo "echo sent"
		echo "timeout 5000"
		echo "recv"
		echo "sleep 3000"
	} >small.in
	pid=$(e2e_pid)
	"$E2E_P9C" -t 90 "$E2E_ADDR" <small.in >small.got 2>small.err &
	fpid=$!
	i=0
	while [ $i -lt 900 ] && ! grep -q '^sent$' small.got; do
		kill -0 $fpid 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^sent$' small.got ||
	    atf_fail "the flood did not end: $(cat small.got small.err)"
	lim_prompt 5
	now=$(atk_rss "$pid")
	wait $fpid
	peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' \
	    "/proc/$pid/status")
	echo "RSS: $now KiB during the flood, peak $peak KiB" >&2
	[ "$now" -lt 65536 ] && [ "$peak" -lt 65536 ] ||
	    atf_fail "daemon RSS $now KiB, peak $peak KiB, limit 65536 KiB"
}

# AddressSanitizer keeps 256 MiB of freed blocks (resident, since they
# were used) to catch late uses; the flood frees a small block or two
# per reply, which would fill it.  A smaller quarantine, in sanitizer
# builds only, lets the RSS bound measure the daemon, not the sanitizer.
lim_small_asan()
{
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
}

atf_test_case small_replies cleanup
small_replies_head()
{
	atf_set descr "150,000 Treads past the end never read back: each" \
	    "11-byte reply must not pin a msize-class buffer; RSS stays" \
	    "under 64 MiB and another client is answered promptly"
	atf_set timeout 180
}
small_replies_body()
{
	lim_small_asan
	lim_tree
	e2e_start_default
	lim_small 150000 60000
	cat >small.want <<EOF
Rversion 524312 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
sent
Rread 0
EOF
	atf_check -o file:small.want cat small.got
	lim_ok
}
small_replies_cleanup()
{
	e2e_stop
}

atf_test_case small_replies_limit cleanup
small_replies_limit_head()
{
	atf_set descr "400,000 such Treads against -o outbuf=4194304, past" \
	    "it: the daemon stops reading (the client cannot send the rest" \
	    "in 20 s) but keeps the connection; RSS stays under 64 MiB and" \
	    "another client is answered promptly"
	atf_set timeout 300
}
small_replies_limit_body()
{
	lim_small_asan
	lim_tree
	e2e_start_default -o outbuf=4194304
	lim_small 400000 20000
	cat >small.want <<EOF
Rversion 524312 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
timeout
sent
Rread 0
EOF
	atf_check -o file:small.want cat small.got
	lim_ok
}
small_replies_limit_cleanup()
{
	e2e_stop
}

atf_test_case vanish cleanup
vanish_head()
{
	atf_set descr "Clients that send many large reads and close at once" \
	    "(replies queued, workers busy) do not kill the daemon"
}
vanish_body()
{
	lim_tree
	e2e_start_default -m 1048600
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 big"
		echo "lopen 1 RDONLY"
		lim_reads 500 1 1048576
		echo "sleep 50"
	} >v.in
	i=0
	pids=
	while [ $i -lt 10 ]; do
		"$E2E_P9C" -t 20 "$E2E_ADDR" <v.in >/dev/null 2>&1 &
		pids="$pids $!"
		"$E2E_P9C" -t 20 "$E2E_TCP" <v.in >/dev/null 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	# not a bare wait: the daemon is a child of this shell too
	wait $pids
	sleep 1
	lim_ok
	lim_prompt 5
}
vanish_cleanup()
{
	e2e_stop
}

atf_test_case idle cleanup
idle_head()
{
	atf_set descr "-o idle=2: half a frame then silence is closed after" \
	    "about 2 s; a connection idle between frames stays open"
}
idle_body()
{
	lim_tree
	e2e_start_default -o idle=2
	cat >quiet.in <<EOF
version
attach 0 root $E2E_EXPORT
sleep 5000
getattr 0 MODE
EOF
	cat >quiet.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rgetattr mode=040755
EOF
	"$E2E_P9C" -t 20 "$E2E_ADDR" <quiet.in >quiet.got 2>&1 &
	qpid=$!
	cat >half.in <<EOF
version
attach 0 root $E2E_EXPORT
raw u32:100 u8:110 u16:1 u32:0
expect-close 10000
conn 1
raw 0500
expect-close 10000
EOF
	cat >half.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
closed
closed
EOF
	t0=$(date +%s%N)
	e2e_p9c half
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	echo "two half frames closed after $ms ms" >&2
	# two timeouts one after the other: 2 s each, give or take
	[ "$ms" -ge 3000 ] && [ "$ms" -le 8000 ] ||
	    atf_fail "half frames closed after $ms ms, want about 4000"
	wait $qpid
	atf_check -o file:quiet.out cat quiet.got
	lim_ok
}
idle_cleanup()
{
	e2e_stop
}

atf_test_case idle_trickle cleanup
idle_trickle_head()
{
	atf_set descr "-o idle=2: a frame trickled a byte every 0.4 s is" \
	    "closed about 2 s after it began, not kept open by each byte"
}
idle_trickle_body()
{
	lim_tree
	e2e_start_default -o idle=2
	{
		printf 'version\nattach 0 root %s\n' "$E2E_EXPORT"
		printf 'raw u32:100 u8:110 u16:1 u32:0\n'
		i=0
		while [ $i -lt 16 ]; do
			printf 'sleep 400\nraw 00\n'
			i=$((i + 1))
		done
		printf 'expect-close 300\n'
	} >trickle.in
	"$E2E_P9C" -t 30 "$E2E_ADDR" <trickle.in >trickle.got 2>&1
	cat trickle.got >&2
	# Sends after the close fail ("closed", once or more); a daemon
	# that restarts the timeout on every byte still has the connection
	# open 6.4 s in, and expect-close says "open".
	atf_check -o inline:"Rversion 8192 9P2000.L\nRattach dir\n" \
	    sed -n 1,2p trickle.got
	grep -q '^closed$' trickle.got ||
	    atf_fail "the trickled frame was never closed"
	if grep -q '^open$' trickle.got; then
		atf_fail "a frame trickled for 6.4 s was still open (idle=2)"
	fi
	lim_ok
}
idle_trickle_cleanup()
{
	e2e_stop
}

atf_test_case idle_many cleanup
idle_many_head()
{
	atf_set descr "300 connections holding half a frame cost little" \
	    "memory and all time out; a good client is served meanwhile"
	atf_set timeout 120
}
idle_many_body()
{
	lim_tree
	# idle=20: on a loaded machine starting 300 clients takes seconds,
	# and the first must not be timed out before the last has connected.
	e2e_start_default -o idle=20
	pid=$(e2e_pid)
	base=$(atk_rss "$pid")
	nfd0=$(ls "/proc/$pid/fd" | wc -l)
	printf 'raw u32:4000 u8:110 u16:1 u32:0\nexpect-close 30000\n' \
	    >h.in
	i=0
	pids=
	while [ $i -lt 300 ]; do
		"$E2E_P9C" -t 40 "$E2E_ADDR" <h.in >"h.$i.got" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	# wait until the daemon holds them all, at most until the first
	# could time out
	t0=$(date +%s)
	while [ $(($(ls "/proc/$pid/fd" | wc -l) - nfd0)) -lt 300 ]; do
		[ $(($(date +%s) - t0)) -lt 18 ] ||
		    atf_fail "the daemon never held 300 conns"
		sleep 0.05
	done
	held=$(atk_rss "$pid")
	t0=$(date +%s)
	lim_prompt 5
	wait $pids
	t1=$(date +%s)
	echo "RSS $base KiB idle, $held KiB with 300 half frames;" \
	    "all closed $((t1 - t0)) s later" >&2
	[ $((held - base)) -lt 30720 ] ||
	    atf_fail "300 half-frame connections cost $((held - base)) KiB"
	n=$(cat h.*.got | grep -c '^closed$')
	atf_check_equal 300 "$n"
	[ $((t1 - t0)) -le 30 ] ||
	    atf_fail "half-frame connections took $((t1 - t0)) s to close"
	lim_ok
}
idle_many_cleanup()
{
	e2e_stop
}

atf_test_case msize cleanup
msize_head()
{
	atf_set descr "msize range: a larger Tversion msize is clamped to" \
	    "-m; under 4096 the answer is \"unknown\""
}
msize_body()
{
	lim_tree
	e2e_start_default -m 65536
	cat >ms.in <<EOF
version 1048576
attach 0 root $E2E_EXPORT
getattr 0 MODE
conn 1
version 4095
version 4096
conn 2
version 0
version 65537
EOF
	cat >ms.out <<EOF
Rversion 65536 9P2000.L
Rattach dir
Rgetattr mode=040755
Rversion 4095 unknown
Rversion 4096 9P2000.L
Rversion 0 unknown
Rversion 65536 9P2000.L
EOF
	e2e_p9c ms
	# a frame over the clamped msize is not accepted
	cat >ms2.in <<EOF
version 1048576
raw u32:65537 u8:118 u16:1 u32:0 u64:0 u32:65514 fill:65514:41
expect-close
EOF
	cat >ms2.out <<EOF
Rversion 65536 9P2000.L
closed
EOF
	e2e_p9c ms2
	lim_ok
}
msize_cleanup()
{
	e2e_stop
}

atf_test_case garbage_flood cleanup
garbage_flood_head()
{
	atf_set descr "200 connections sending garbage (random bytes, random" \
	    "frames after Tversion) while a good client keeps working"
	atf_set timeout 180
}
garbage_flood_body()
{
	lim_tree
	e2e_start_default -o idle=3
	i=0
	while [ $i -lt 200 ]; do
		{
			case $((i % 4)) in
			0)	echo "raw $(od -An -tx1 -N 512 /dev/urandom |
				    tr -d ' \n')" ;;
			1)	echo version
				echo "attach 0 root $E2E_EXPORT"
				for t in 100 110 116 118 12 24 26 30 \
				    $((i % 256)); do
					echo "frame $t $(od -An -tx1 \
					    -N $((i % 60 + 1)) /dev/urandom |
					    tr -d ' \n')"
				done ;;
			2)	echo version
				echo "raw u32:$((i * 37 % 8000 + 7)) $(od -An \
				    -tx1 -N 300 /dev/urandom | tr -d ' \n')" ;;
			3)	echo "raw u32:4294967295 ff"
				echo "raw u32:8 00 0000 00" ;;
			esac
			echo "expect-close 5000"
		} >"g.$i.in"
		i=$((i + 1))
	done
	i=0
	pids=
	while [ $i -lt 200 ]; do
		"$E2E_P9C" -t 10 "$E2E_ADDR" <"g.$i.in" >/dev/null 2>&1 &
		pids="$pids $!"
		if [ $((i % 2)) -eq 1 ]; then
			"$E2E_P9C" -t 10 "$E2E_TCP" <"g.$i.in" >/dev/null 2>&1 &
			pids="$pids $!"
		fi
		i=$((i + 1))
	done
	lim_prompt 30 100
	wait $pids
	lim_ok
	lim_prompt 3
}
garbage_flood_cleanup()
{
	e2e_stop
}

atf_test_case big_frame cleanup
big_frame_head()
{
	atf_set descr "A large frame sent in pieces (one split inside its" \
	    "header) is assembled whole; one abandoned or left half-sent" \
	    "costs only its connection"
	atf_set timeout 60
}
big_frame_body()
{
	lim_tree
	e2e_start_default -o idle=2
	# Twrite of 100,000 bytes: 30,000 a, 40,000 b, 30,000 c, in four
	# sends 200 ms apart, the first only the size field
	{
		printf 'version 262144\nattach 0 root %s\n' "$E2E_EXPORT"
		printf 'walk 0 1\nlcreate 1 pieces RDWR 0644\n'
		printf 'raw u32:100023\nsleep 200\n'
		printf 'raw u8:118 u16:7 u32:1 u64:0 u32:100000 fill:30000:61\n'
		printf 'sleep 200\nraw fill:40000:62\nsleep 200\n'
		printf 'raw fill:30000:63\nrecv 5000\n'
		# the connection frames on after it
		printf 'getattr 1\nclunk 1\n'
	} >pieces.in
	atf_check -s exit:0 -o save:pieces.got -e empty \
	    "$E2E_P9C" -t 20 "$E2E_ADDR" <pieces.in
	atf_check -o inline:"Rwrite 100000\n" sed -n 5p pieces.got
	atf_check -o match:"^Rgetattr .*size=100000" sed -n 6p pieces.got
	atf_check -o inline:"Rclunk\n" sed -n 7p pieces.got
	{
		head -c 30000 /dev/zero | tr '\0' a
		head -c 40000 /dev/zero | tr '\0' b
		head -c 30000 /dev/zero | tr '\0' c
	} >pieces.want
	atf_check cmp pieces.want "$E2E_EXPORT/pieces"
	# Half a large frame, then the client goes away.
	{
		printf 'version 262144\nattach 0 root %s\n' "$E2E_EXPORT"
		printf 'raw u32:200023 u8:118 u16:7 u32:0 u64:0 u32:200000 '
		printf 'fill:50000:00\nclose\n'
	} >gone.in
	"$E2E_P9C" -t 20 "$E2E_ADDR" <gone.in >/dev/null 2>&1
	# Half a large frame, then nothing: closed after idle=2.
	{
		printf 'version 262144\nattach 0 root %s\n' "$E2E_EXPORT"
		printf 'raw u32:200023 u8:118 u16:7 u32:0 u64:0 u32:200000 '
		printf 'fill:50000:00\nexpect-close 6000\n'
	} >stuck.in
	"$E2E_P9C" -t 20 "$E2E_ADDR" <stuck.in >stuck.got 2>&1
	cat stuck.got >&2
	atf_check -o inline:"closed\n" sed -n 3p stuck.got
	lim_ok
}
big_frame_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case maxconn
	atf_add_test_case maxfids
	atf_add_test_case throttle_default
	atf_add_test_case throttle_limits
	atf_add_test_case small_replies
	atf_add_test_case small_replies_limit
	atf_add_test_case vanish
	atf_add_test_case idle
	atf_add_test_case idle_trickle
	atf_add_test_case idle_many
	atf_add_test_case msize
	atf_add_test_case garbage_flood
	atf_add_test_case big_frame
}
