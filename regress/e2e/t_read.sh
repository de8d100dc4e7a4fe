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

# r_hold IN [MARK]: start p9c on the commands in IN, which end with
# "echo held"; return once it printed that, with its fids still open.
# r_more IN MARK: send more commands, wait until p9c printed MARK.
# r_release IN: let it clunk them and end.
r_hold()
{
	rm -f ctl
	mkfifo ctl
	"$E2E_P9C" -t 120 "$E2E_TCP" <ctl >got 2>&1 &
	cpid=$!
	exec 3>ctl
	r_more "$1" held
}
r_more()
{
	local i=0

	cat "$1" >&3
	until grep -q "^$2\$" got; do
		i=$((i + 1))
		[ $i -le 1200 ] || atf_fail "client stuck: $(tail -n 3 got)"
		kill -0 $cpid 2>/dev/null ||
		    atf_fail "client ended: $(tail -n 3 got)"
		sleep 0.1
	done
}
r_release()
{
	cat "$1" >&3
	exec 3>&-
	wait $cpid || atf_fail "client failed: $(tail -n 3 got)"
}

# r_vmsize: the daemon's address space, in kB.
r_vmsize()
{
	sed -n 's/^VmSize:[ 	]*\([0-9]*\) kB$/\1/p' /proc/"$(e2e_pid)"/status
}

atf_test_case shared_window cleanup
shared_window_head()
{
	atf_set descr "200 fids reading a 100-byte file with large counts" \
	    "share one window of a page, not 200 windows of 64 MiB"
}
shared_window_body()
{
	e2e_tree_small
	head -c 100 /dev/zero | tr '\0' x >"$E2E_EXPORT/small"
	e2e_start_default -m 1048600
	[ -r /proc/"$(e2e_pid)"/status ] || atf_skip "no /proc here"
	# The first read starts the workers (stacks, malloc arenas).
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		echo "walk 0 1 small"
		echo "lopen 1 RDONLY"
		echo "readn 1 0 1048576"
		echo "echo held"
	} >in
	r_hold in
	before=$(r_vmsize)
	{
		i=2
		while [ $i -le 200 ]; do
			echo "walk 0 $i small"
			echo "lopen $i RDONLY"
			echo "readn $i 0 1048576"
			i=$((i + 1))
		done
		echo "echo held2"
	} >more
	r_more more held2
	after=$(r_vmsize)
	maps=$(grep -c " $E2E_EXPORT/small\$" /proc/"$(e2e_pid)"/maps)
	{
		i=1
		while [ $i -le 200 ]; do
			echo "clunk $i"
			i=$((i + 1))
		done
	} >out
	r_release out
	atf_check_equal 200 "$(grep -c '^Rread 100$' got)"
	atf_check_equal 1 "$maps"
	# Before: 200 windows of 64 MiB, 12.8 GB.  Allowed: a malloc arena
	# (64 MiB of address space) for each of the 8 workers.
	[ $((after - before)) -lt 1048576 ] ||
	    atf_fail "address space grew by $((after - before)) kB"
	e2e_healthy file 6
}
shared_window_cleanup()
{
	e2e_stop
}

atf_test_case window_cap cleanup
window_cap_head()
{
	atf_set descr "Windows are capped: a client holding large reads on" \
	    "more files than the cap gets the later ones by pread, and" \
	    "the daemon's mappings stay below the cap"
}
window_cap_body()
{
	local n=1124	# MAPWIN_MAX and some

	e2e_tree_small
	mkdir "$E2E_EXPORT/many"
	i=1
	while [ $i -le $n ]; do
		echo "file $i" >"$E2E_EXPORT/many/f$i"
		i=$((i + 1))
	done
	e2e_start_default -m 1048600
	[ -r /proc/"$(e2e_pid)"/maps ] || atf_skip "no /proc here"
	{
		echo "version 1048600"
		echo "attach 0 root $E2E_EXPORT"
		i=1
		while [ $i -le $n ]; do
			echo "walk 0 $i many f$i"
			echo "lopen $i RDONLY"
			echo "read $i 0 1048576"
			i=$((i + 1))
		done
		echo "echo held"
	} >in
	r_hold in
	maps=$(grep -c " $E2E_EXPORT/many/" /proc/"$(e2e_pid)"/maps)
	{
		i=1
		while [ $i -le $n ]; do
			echo "clunk $i"
			i=$((i + 1))
		done
	} >out
	r_release out
	i=1
	while [ $i -le $n ]; do
		printf 'Rread %d file %d\\n\n' $((6 + ${#i})) $i
		i=$((i + 1))
	done >want
	grep '^Rread [0-9]* file' got >reads
	cmp -s want reads || atf_fail "wrong bytes: $(diff want reads |
	    head -n 4)"
	[ "$maps" -le 1024 ] || atf_fail "$maps mappings, the cap is 1024"
	[ "$maps" -ge 1000 ] || atf_fail "only $maps windows: not mapped?"
	atf_check_equal 0 "$(grep -c " $E2E_EXPORT/many/" \
	    /proc/"$(e2e_pid)"/maps)"
	e2e_healthy file 6
}
window_cap_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case windows
	atf_add_test_case shared_window
	atf_add_test_case window_cap
	atf_add_test_case shrunk_while_queued
}
