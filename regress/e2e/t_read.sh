#! /usr/bin/env atf-sh
#
# Large reads, which the daemon sends from windows on the file (a
# mapping, mapwin.c) rather than from a buffer: the bytes are the
# file's at every offset and depth of pipelining, the windows go when
# the fid does, and a file cut short on the host while its bytes wait
# in the output buffer costs the client zeros, not its connection.

. "$(atf_get_srcdir)/e2e.subr"

R_SIZE=3146962		# 3 MiB and 1234 bytes

# r_data: a file whose bytes say where they are (a period of 62).
r_data()
{
	e2e_tree_small
	yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ |
	    tr -d '\n' | head -c $R_SIZE >"$E2E_EXPORT/data"
	atf_check_equal $R_SIZE "$(stat -c %s "$E2E_EXPORT/data")"
}

# r_want OFFSET COUNT: the Rread line p9c prints for that read.
r_want()
{
	local n=$2

	[ $(($1 + n)) -le $R_SIZE ] || n=$((R_SIZE - $1))
	printf 'Rread %d %s\n' $n "$(tail -c +$(($1 + 1)) "$E2E_EXPORT/data" |
	    head -c $n)"
}

# r_maps: how many mappings of the data file the daemon has.
r_maps()
{
	grep -c " $E2E_EXPORT/data\$" /proc/"$(e2e_pid)"/maps
}

atf_test_case windows cleanup
windows_head()
{
	atf_set descr "Pipelined and one-at-a-time large reads return the" \
	    "file's bytes at aligned, unaligned and short offsets; the file" \
	    "is mapped while its fid is open and unmapped after the clunk"
}
windows_body()
{
	r_data
	e2e_start_default -m 1048600
	[ -r /proc/"$(e2e_pid)"/maps ] || atf_skip "no /proc here"
	cat >in <<EOF
version 1048600
attach 0 root $E2E_EXPORT
walk 0 1 data
lopen 1 RDONLY
pipeline 6 read 1 0 1048576
pipeline 6 read 1 1048583 1048576
pipeline 3 read 1 3145728 1048576
read 1 2097152 65537
readfile 1 $(pwd)/whole
EOF
	"$E2E_P9C" -t 60 "$E2E_TCP" <in >got 2>&1 ||
	    atf_fail "client failed: $(tail -c 300 got)"
	{
		echo "Rversion 1048600 9P2000.L"
		echo "Rattach dir"
		echo "Rwalk 1 file"
		echo "Rlopen file 0"
		for i in 1 2 3 4 5 6; do r_want 0 1048576; done
		for i in 1 2 3 4 5 6; do r_want 1048583 1048576; done
		for i in 1 2 3; do r_want 3145728 1048576; done
		r_want 2097152 65537
		echo "Rread $R_SIZE"
	} >want
	# The lines are megabytes long: compare them by number first.
	atf_check_equal "$(wc -l <want)" "$(wc -l <got)"
	cmp -s want got || atf_fail "wrong bytes: line $(cmp want got |
	    sed -n 's/.* line \([0-9]*\)$/\1/p')"
	cmp "$E2E_EXPORT/data" whole || atf_fail "readfile got other bytes"
	# Served from a window, and the window stays while the fid is open.
	cat >hold.in <<EOF
version 1048600
attach 0 root $E2E_EXPORT
walk 0 1 data
lopen 1 RDONLY
pipeline 4 readn 1 0 1048576
sleep 1000
clunk 1
sleep 1000
EOF
	"$E2E_P9C" -t 60 "$E2E_TCP" <hold.in >hold.got 2>&1 &
	cpid=$!
	sleep 0.5
	open=$(r_maps)
	sleep 1
	closed=$(r_maps)
	wait $cpid || atf_fail "client failed: $(cat hold.got)"
	atf_check_equal 4 "$(grep -c '^Rread 1048576$' hold.got)"
	[ "$open" -ge 1 ] || atf_fail "no window on the file while open"
	atf_check_equal 0 "$closed"
	e2e_healthy file 6
}
windows_cleanup()
{
	e2e_stop
}

atf_test_case shrunk_while_queued cleanup
shrunk_while_queued_head()
{
	atf_set descr "A file the host truncates while megabytes of replies" \
	    "from its window wait for a client that does not read: every" \
	    "reply keeps its length, the missing bytes come as zeros, the" \
	    "connection stays and the log says what happened"
}
shrunk_while_queued_body()
{
	r_data
	e2e_start_default -m 1048600
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 data"
		echo "lopen 1 RDONLY"
		i=0
		while [ $i -lt 24 ]; do
			echo "async readn 1 0 1048576"
			i=$((i + 1))
		done
		# Not reading: the replies wait in the daemon.
		echo "sleep 2000"
		echo "wait"
		echo "read 1 0 16"
		echo "getattr 1 SIZE"
	} >in
	"$E2E_P9C" -t 60 "$E2E_TCP" <in >got 2>&1 &
	cpid=$!
	sleep 1
	: >"$E2E_EXPORT/data"
	wait $cpid || atf_fail "client failed: $(tail -n 5 got)"
	# Replies queued before the cut keep their length; reads the
	# daemon took up after it (it stops reading requests while so many
	# bytes wait) find the file empty.
	sed -n 5,28p got >replies
	full=$(grep -c '^Rread 1048576$' replies)
	atf_check_equal 24 $((full + $(grep -c '^Rread 0$' replies)))
	[ "$full" -ge 2 ] || atf_fail "only $full replies before the cut"
	atf_check_equal "Rread 0" "$(sed -n 29p got)"
	grep -q '^Rgetattr .*size=0' got ||
	    atf_fail "connection lost: $(tail -n 3 got)"
	grep -q 'a file shrank while being sent' log ||
	    atf_fail "no window was cut short: $(tail -n 5 log)"
	e2e_healthy file 6
}
shrunk_while_queued_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case windows
	atf_add_test_case shrunk_while_queued
}
