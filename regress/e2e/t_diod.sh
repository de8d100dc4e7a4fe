#! /usr/bin/env atf-sh
#
# diod's own client tools (diodls, diodcat) as an independent 9P2000.L
# client: they must see the tree exactly as ls and cat see it on the
# host, over TCP and over the unix socket.

. "$(atf_get_srcdir)/e2e.subr"

# diodls/diodcat against the running daemon; $D_SRV is HOST:PORT or
# the socket path, the aname is the export's path.
d_ls()
{
	diodls -t 60 -s "$D_SRV" -a "$E2E_EXPORT" "$@"
}

d_cat()
{
	diodcat -t 60 -s "$D_SRV" -a "$E2E_EXPORT" "$@"
}

# The names diodls should print for a host directory (no . and ..).
host_names()
{
	(cd "$1" && ls -A) | LC_ALL=C sort
}

# "MODE NLINK USER GROUP SIZE NAME" for every regular file and
# directory in host directory $1, and the same fields from diodls -l.
host_long()
{
	find "$1" -mindepth 1 -maxdepth 1 \( -type f -o -type d \) \
	    -printf '%M %n %u %g %s %f\n' | LC_ALL=C sort -k 6
}

diod_long()
{
	# diodls -l: mode nlink user group size month day time name; the
	# mode may carry a trailing '.' (no ACL/context information).  Only
	# the names host_long printed: diodls shows symlinks as '-'.
	awk '{ print $6 }' long.want >long.names
	d_ls -l "$1" | awk 'NR == FNR { want[$0] = 1; next }
	    ($NF in want) { sub(/\.$/, "", $1);
	    print $1, $2, $3, $4, $5, $NF }' long.names - |
	    LC_ALL=C sort -k 6
}

diod_start()
{
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0 -l "unix:$E2E_SOCK"
	[ -n "$E2E_PORT" ] || atf_fail "no TCP listener in the log"
}

# Run the same checks over TCP and the unix socket.
d_both()
{
	for D_SRV in "127.0.0.1:$E2E_PORT" "$E2E_SOCK"; do
		"$@"
	done
}

atf_test_case small_tree cleanup
small_tree_head()
{
	atf_set descr "diodls and diodcat see a mixed tree as ls and cat do"
	atf_set require.progs "diodls diodcat"
}
small_tree_checks()
{
	host_names "$E2E_EXPORT" >names.want
	d_ls / | LC_ALL=C sort >names.got
	atf_check -o file:names.want cat names.got
	host_names "$E2E_EXPORT/dir" >names.want
	d_ls /dir | LC_ALL=C sort >names.got
	atf_check -o file:names.want cat names.got
	host_names "$E2E_EXPORT/dir/sub" >names.want
	d_ls /dir/sub | LC_ALL=C sort >names.got
	atf_check -o file:names.want cat names.got
	atf_check -o empty d_ls_emptydir
	host_long "$E2E_EXPORT" >long.want
	diod_long / >long.got
	atf_check -o file:long.want cat long.got
	host_long "$E2E_EXPORT/dir" >long.want
	diod_long /dir >long.got
	atf_check -o file:long.want cat long.got
	host_names "$E2E_EXPORT/odd" >names.want
	d_ls /odd | LC_ALL=C sort >names.got
	atf_check -o file:names.want cat names.got
	for f in file empty dir/one dir/sub/deep "odd/with space" \
	    "odd/$(printf 'caf\303\251')"; do
		atf_check -o file:"$E2E_EXPORT/$f" diodcat -t 60 \
		    -s "$D_SRV" -a "$E2E_EXPORT" "/$f"
	done
	atf_check -s not-exit:0 -o empty -e not-empty diodcat -t 60 \
	    -s "$D_SRV" -a "$E2E_EXPORT" /nonexistent
	atf_check -s not-exit:0 -o empty -e not-empty diodcat -t 60 \
	    -s "$D_SRV" -a /not/exported /file
}
small_tree_body()
{
	e2e_tree_small
	mkdir "$E2E_EXPORT/odd"
	printf 'spaced out\n' >"$E2E_EXPORT/odd/with space"
	printf 'accent\n' >"$E2E_EXPORT/odd/$(printf 'caf\303\251')"
	printf '%s\n' '-dash' >"$E2E_EXPORT/odd/-dash"
	diod_start
	# atf_check needs a program, so wrap the empty directory listing
	cat >d_ls_emptydir <<EOF
#!/bin/sh
exec diodls -t 60 -s "\$D_SRV" -a "$E2E_EXPORT" /emptydir
EOF
	chmod +x d_ls_emptydir
	PATH=$(pwd):$PATH
	export D_SRV
	d_both small_tree_checks
	e2e_alive
}
small_tree_cleanup()
{
	e2e_stop
}

atf_test_case big_dir cleanup
big_dir_head()
{
	atf_set descr "diodls lists a directory of 5,000 entries: every" \
	    "name, each once"
	atf_set require.progs "diodls"
	atf_set timeout 300
}
big_dir_checks()
{
	d_ls /big >big.raw
	LC_ALL=C sort big.raw >big.got
	atf_check -o file:big.want cat big.got
	atf_check_equal 5000 "$(wc -l <big.raw | tr -d ' ')"
	atf_check -o empty -x "LC_ALL=C sort big.raw | uniq -d"
}
big_dir_body()
{
	e2e_init
	mkdir -p "$E2E_EXPORT"
	e2e_many "$E2E_EXPORT/big" 4990
	i=0
	while [ $i -lt 10 ]; do
		mkdir "$E2E_EXPORT/big/dir$i"
		i=$((i + 1))
	done
	host_names "$E2E_EXPORT/big" >big.want
	diod_start
	d_both big_dir_checks
}
big_dir_cleanup()
{
	e2e_stop
}

atf_test_case dir_changes cleanup
dir_changes_head()
{
	atf_set descr "Directories listed again after they changed on the" \
	    "host show the change, also when their last listing was kept"
	atf_set require.progs "diodls"
	atf_set timeout 300
}
dir_changes_check()
{
	host_names "$E2E_EXPORT/$1" >"$1.want"
	d_ls "/$1" | LC_ALL=C sort >"$1.got"
	atf_check -o file:"$1.want" cat "$1.got"
}
dir_changes_body()
{
	e2e_init
	mkdir -p "$E2E_EXPORT"
	for d in c0 c1 c2 c3 c4; do
		e2e_many "$E2E_EXPORT/$d" 300
	done
	diod_start
	D_SRV=127.0.0.1:$E2E_PORT
	# Settled (the daemon keeps listings of directories unchanged for
	# a while), then listed twice: taken, then from what was kept.
	sleep 3
	for d in c0 c1 c2 c3 c4; do
		dir_changes_check $d
		dir_changes_check $d
	done
	: >"$E2E_EXPORT/c0/new"
	rm "$E2E_EXPORT/c1/$(ls "$E2E_EXPORT/c1" | head -n 1)"
	mv "$E2E_EXPORT/c2/$(ls "$E2E_EXPORT/c2" | head -n 1)" \
	    "$E2E_EXPORT/c2/renamed"
	mv "$E2E_EXPORT/c3/$(ls "$E2E_EXPORT/c3" | head -n 1)" \
	    "$E2E_EXPORT/c4/"
	for d in c0 c1 c2 c3 c4; do
		dir_changes_check $d
	done
	d_ls /c2 | grep -qx renamed || atf_fail "c2/renamed not listed"
	e2e_alive
}
dir_changes_cleanup()
{
	e2e_stop
}

atf_test_case big_file cleanup
big_file_head()
{
	atf_set descr "diodcat reads a 20 MiB random file intact, with the" \
	    "default, a small and a large msize (512 KiB reads, answered" \
	    "from a mapping of the file, each on the tag of the last)," \
	    "also four at once, three times"
	atf_set require.progs "diodcat sha256sum"
	atf_set timeout 300
}
big_file_checks()
{
	atf_check_equal "$want" "$(d_cat /rand | sha256sum)"
	atf_check_equal "$want" "$(d_cat -m 8192 /rand | sha256sum)"
	atf_check_equal "$want" "$(d_cat -m 1048600 /rand | sha256sum)"
	# Four at once: with the CPUs busy, the next Tread (same tag) can
	# arrive before the worker that sent the last reply is done.
	for round in 1 2 3; do
		pids=
		for i in 1 2 3 4; do
			(d_cat -m 1048600 /rand | sha256sum >sum.$i) &
			pids="$pids $!"
		done
		wait $pids	# not the daemon, also a child of this shell
		for i in 1 2 3 4; do
			atf_check_equal "$want" "$(cat sum.$i)"
		done
	done
}
big_file_body()
{
	e2e_init
	mkdir -p "$E2E_EXPORT"
	head -c 20971520 /dev/urandom >"$E2E_EXPORT/rand"
	want=$(sha256sum <"$E2E_EXPORT/rand")
	diod_start
	d_both big_file_checks
	e2e_alive
}
big_file_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case small_tree
	atf_add_test_case big_dir
	atf_add_test_case dir_changes
	atf_add_test_case big_file
}
