#! /usr/bin/env atf-sh
#
# One slow client must not stall the others: while one connection
# writes 1 GiB through Twrite and fsyncs it, every request of another
# connection (getattr, read, walk, clunk) is answered within a bound
# and keeps being answered while the fsync runs (no speed is asserted,
# only the absence of a stall), and the big file arrives whole.  Nor
# may the last close of an unlinked file that frees many extents.

. "$(atf_get_srcdir)/e2e.subr"

S_SIZE=1073741824	# 1 GiB
S_BOUND=2000		# ms any one reply to the other client may take
S_MINFSYNC=200		# ms: an fsync this long must see others served
S_ROUNDS=6000		# the other client's rounds at most (about 15 ms each)
S_DURING=1		# rounds the other client gets answered meanwhile: a
			# daemon stalled behind the fsync answers none

atf_test_case big_write cleanup
big_write_head()
{
	atf_set descr "A 1 GiB write and fsync on one connection; another" \
	    "connection's requests all come back within 2 s meanwhile," \
	    "and some while the fsync runs"
	atf_set timeout 600
}
big_write_body()
{
	e2e_tree_small
	avail=$(df -Pk "$E2E_DIR" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt $((3 * S_SIZE / 1024)) ] ||
	    atf_skip "less than 3 GiB free in $E2E_DIR"
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"

	cat >w.in <<EOF
version 524312
attach 0 root $E2E_EXPORT
walk 0 1
lcreate 1 big RDWR 0644
writefill 1 0 $S_SIZE 0x5a
clock
fsync 1
clock
getattr 1 SIZE
clunk 1
EOF
	cat >w.out <<EOF
Rversion 524312 9P2000.L
Rattach dir
Rwalk 0
Rlcreate file 0
Rwrite $S_SIZE
Rfsync
Rgetattr size=$S_SIZE
Rclunk
EOF
	# The other client: one connection for the whole run, asking for
	# getattrs of the big file itself and of the root, and a read,
	# walk and clunk of small files: the daemon answers some of these
	# on its loop thread, the others need a worker, so both kinds are
	# checked.  "within 0" adds "late: N ms" after each reply that
	# took N > 0 ms; "clock" says when, on the writer's clock too.
	# Its output goes to tmpfs where there is one: a file created on
	# the export's file system during a 1 GiB fsync would wait for the
	# journal, and that is the host's stall, not the daemon's.
	{
		echo "within 0 version"
		echo "within 0 attach 0 root $E2E_EXPORT"
		echo "within 0 walk 0 1 big"
		echo "within 0 walk 0 2 file"
		echo "within 0 lopen 2 RDONLY"
		i=0
		while [ $i -lt $S_ROUNDS ]; do
			echo "within 0 getattr 1 MODE"
			echo "within 0 read 2 0 100"
			echo "within 0 walk 0 3 dir one"
			echo "within 0 clunk 3"
			echo "within 0 getattr 0 MODE"
			echo "clock"
			echo "sleep 10"
			i=$((i + 1))
		done
	} >g.in
	{
		printf 'Rversion 8192 9P2000.L\nRattach dir\n'
		printf 'Rwalk 1 file\nRwalk 1 file\nRlopen file 0\n'
		i=0
		while [ $i -lt $S_ROUNDS ]; do
			printf 'Rgetattr mode=0100644\nRread 6 hello\\n\n'
			printf 'Rwalk 2 dir file\nRclunk\n'
			printf 'Rgetattr mode=040755\n'
			i=$((i + 1))
		done
	} >g.out
	gdir=$E2E_DIR
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		gdir=$(mktemp -d /dev/shm/t_stall.XXXXXX) || gdir=$E2E_DIR
		echo "$gdir" >gdir.path
	fi

	start=$(date +%s)
	"$E2E_P9C" -t 300 "$E2E_ADDR" <w.in >w.got 2>w.err &
	wpid=$!
	echo $wpid >writer.pid
	# Wait until the big write is under way.
	i=0
	while [ ! -s "$E2E_EXPORT/big" ]; do
		kill -0 $wpid 2>/dev/null || break
		i=$((i + 1))
		[ $i -lt 300 ] || atf_fail "the writer did not start in 30 s"
		sleep 0.1
	done
	"$E2E_P9C" -t 60 "$E2E_ADDR" <g.in >"$gdir/g.got" 2>"$gdir/g.err" &
	gpid=$!
	echo $gpid >poller.pid
	wait $wpid
	wstatus=$?
	rm -f writer.pid
	end=$(date +%s)
	# The poller must have lasted the whole write: still running.
	kill -0 $gpid 2>/dev/null ||
	    atf_fail "the other client ended before the writer (raise" \
	    "S_ROUNDS)"
	kill $gpid
	wait $gpid
	rm -f poller.pid
	cp "$gdir/g.got" "$gdir/g.err" .
	grep -v '^clock ' w.got >w.cmp
	atf_check -o file:w.out cat w.cmp
	atf_check -o empty cat w.err
	atf_check_equal 0 $wstatus
	atf_check -o empty cat g.err
	grep '^late: ' g.got >lat.all
	grep '^clock ' g.got >clock.all
	# What the other client got: a prefix of what it would get in
	# full, since it was stopped when the writer was done.
	grep -v '^late: \|^clock ' g.got >g.cmp
	head -n "$(wc -l <g.cmp | tr -d ' ')" g.out >g.want
	atf_check -o file:g.want cat g.cmp
	rounds=$(wc -l <clock.all | tr -d ' ')
	f0=$(sed -n 's/^clock //p' w.got | sed -n 1p)
	f1=$(sed -n 's/^clock //p' w.got | sed -n 2p)
	fsyncms=$((f1 - f0))
	maxms=$(sed 's/^late: \([0-9]*\) ms$/\1/' lat.all | sort -n |
	    tail -n 1)
	# Rounds of replies that came while the fsync ran; the margins
	# keep out a round that ended just as the fsync was being sent or
	# its reply came.
	during=$(awk -v a="$((f0 + 50))" -v b="$((f1 - 20))" \
	    '$2 > a && $2 < b' clock.all | wc -l | tr -d ' ')
	echo "write+fsync took $((end - start)) s (fsync $fsyncms ms);" \
	    "the other client: $rounds rounds, slowest reply ${maxms:-0} ms," \
	    "$during rounds answered during the fsync"
	[ "$rounds" -ge 1 ] || atf_fail "the other client got no round done"
	[ "${maxms:-0}" -lt $S_BOUND ] ||
	    atf_fail "the other client waited ${maxms} ms for a reply"
	# Served while the fsync ran, not queued behind it.
	if [ $fsyncms -ge $S_MINFSYNC ] && [ "$during" -lt $S_DURING ]; then
		atf_fail "only $during rounds answered during an" \
		    "fsync of $fsyncms ms: the other client was stalled"
	fi
	atf_check -o inline:"$S_SIZE\n" stat -c %s "$E2E_EXPORT/big"
	# Every byte is the fill byte 'Z' (0x5a).
	atf_check -o inline:"0\n" -x "tr -d Z <'$E2E_EXPORT/big' | wc -c"
	rm -f "$E2E_EXPORT/big"
	e2e_healthy file 6
}
big_write_cleanup()
{
	for f in writer.pid poller.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	if [ -s gdir.path ]; then
		rm -rf "$(cat gdir.path)"
	fi
	e2e_stop
	rm -f export/big
}

# A file of U_FRAGS one-byte extents, on disk: freeing its blocks is
# the slow part of its last close once it has no name (0.7 s on ext4
# for 10,000 on an idle machine this was written on, 6 s on a busy one).
U_FRAGS=10000
U_BOUND=100		# ms another client's request may take
U_MINCLOSE=300		# ms: a faster close shows nothing
U_ROUNDS=150		# the other client's getattrs, 20 ms apart

u_frag()
{
	perl -e '
		use IO::Handle;
		open(my $fh, "+>", $ARGV[0]) or die "$ARGV[0]: $!";
		for (my $i = 0; $i < $ARGV[1]; $i++) {
			sysseek($fh, $i * 8192, 0) or die;
			syswrite($fh, "x", 1) == 1 or die;
		}
		$fh->sync or die "fsync: $!";
		close($fh) or die;
	    ' "$1" $U_FRAGS || atf_fail "cannot make $1"
}

# Start the other client: each of its requests timed, getattrs of the
# root for about 3 s, and wait (bounded) until it is attached.  Its
# output goes to tmpfs where there is one, out of the way of the file
# system that frees the blocks.
u_poll_start()
{
	{
		echo "within $U_BOUND version"
		echo "within $U_BOUND attach 0 root $E2E_EXPORT"
		i=0
		while [ $i -lt $U_ROUNDS ]; do
			echo "within $U_BOUND getattr 0 MODE"
			echo "sleep 20"
			i=$((i + 1))
		done
	} >p.in
	{
		printf 'Rversion 8192 9P2000.L\nRattach dir\n'
		i=0
		while [ $i -lt $U_ROUNDS ]; do
			echo "Rgetattr mode=040755"
			i=$((i + 1))
		done
	} >p.out
	if [ ! -s gdir.path ]; then
		gdir=$E2E_DIR
		if [ -d /dev/shm ] && [ -w /dev/shm ]; then
			gdir=$(mktemp -d /dev/shm/t_stall.XXXXXX) ||
			    gdir=$E2E_DIR
		fi
		echo "$gdir" >gdir.path
	fi
	gdir=$(cat gdir.path)
	rm -f "$gdir/p.got"
	"$E2E_P9C" -t 60 "$E2E_ADDR" <p.in >"$gdir/p.got" 2>p.err &
	echo $! >poller.pid
	i=0
	while ! grep -q '^Rattach' "$gdir/p.got" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt $E2E_WAIT ] ||
		    atf_fail "the other client did not attach"
		sleep 0.1
	done
}

# Every request of the other client came back within U_BOUND ms.
u_poll_check()
{
	wait "$(cat poller.pid)"
	rm -f poller.pid
	cp "$(cat gdir.path)/p.got" .
	atf_check -o file:p.out cat p.got
	atf_check -o empty cat p.err
}

atf_test_case unlinked_close cleanup
unlinked_close_head()
{
	atf_set descr "The last close of an unlinked file of many extents," \
	    "by Tclunk or by a disconnect, does not hold up another" \
	    "client: each of its requests comes back within 100 ms"
	atf_set require.progs perl
	atf_set timeout 300
}
unlinked_close_body()
{
	e2e_tree_small
	u_frag "$E2E_EXPORT/frag1"
	u_frag "$E2E_EXPORT/frag2"
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"

	# Open frag1, unlink it, clunk it: "late: N ms" says how long the
	# clunk took, the close included.
	cat >c.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 frag1
lopen 1 RDONLY
unlinkat 0 frag1
within 0 clunk 1
EOF
	u_poll_start
	"$E2E_P9C" -t 120 "$E2E_ADDR" <c.in >c.got 2>c.err ||
	    atf_fail "p9c failed: $(cat c.err)"
	u_poll_check
	took=$(sed -n 's/^late: \([0-9]*\) ms$/\1/p' c.got)
	echo "the clunk took ${took:-0} ms"
	[ "${took:-0}" -ge $U_MINCLOSE ] ||
	    atf_skip "the close took ${took:-0} ms here: too fast to" \
	    "show a stall"
	printf 'Rversion 8192 9P2000.L\nRattach dir\nRwalk 1 file\n' >c.out
	printf 'Rlopen file 0\nRunlinkat\nRclunk\n' >>c.out
	atf_check -o file:c.out grep -v '^late: ' c.got

	# A disconnect drops the open fid of frag2, unlinked meanwhile.
	sed 's/frag1/frag2/; /clunk/d' c.in >d.in
	sed '/Rclunk/d' c.out >d.out
	u_poll_start
	"$E2E_P9C" -t 120 "$E2E_ADDR" <d.in >d.got 2>d.err ||
	    atf_fail "p9c failed: $(cat d.err)"
	u_poll_check
	atf_check -o file:d.out cat d.got
	e2e_healthy file 6
}
unlinked_close_cleanup()
{
	[ -s poller.pid ] && kill "$(cat poller.pid)" 2>/dev/null
	if [ -s gdir.path ]; then
		rm -rf "$(cat gdir.path)"
	fi
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case big_write
	atf_add_test_case unlinked_close
}
