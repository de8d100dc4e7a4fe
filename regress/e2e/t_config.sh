#! /usr/bin/env atf-sh
#
# fsgoferd.conf: -n -f checks a file (exit 0, or exit 1 with exactly
# "file:line: message" for each error), and a daemon started with only
# -f serves what the file says, read-only exports included.

. "$(atf_get_srcdir)/e2e.subr"

# cfg_bad WANT: "fsgoferd -n -f bad.conf" must exit 1, print nothing on
# stdout, and on stderr exactly the lines WANT; it binds nothing.
cfg_bad()
{
	printf '%s\n' "$1" >want
	atf_check -s exit:1 -o empty -e file:want timeout 10 \
	    "$E2E_DAEMON" -n -f bad.conf
	atf_check test ! -e "$E2E_SOCK"
}

# A few good lines, so that an error's line number is not just 1.
cfg_head()
{
	cat <<EOF
# test configuration
workers 4

EOF
}

atf_test_case good
good_head()
{
	atf_set descr "A file using every statement passes -n, which" \
	    "binds no socket and writes no pidfile"
}
good_body()
{
	e2e_init
	mkdir export other
	cat >good.conf <<EOF
# every statement
msize 65560
workers 2
pidfile "$E2E_DIR/pid"	# trailing comment
limit maxconn 10 maxfids 100
limit maxreqs 16 outbuf 65536 idle 5
listen on unix "$E2E_SOCK" mode 0660 owner $(id -un):$(id -gn)
listen on tcp 127.0.0.1 port 0
listen on tcp ::1 port 0
allow 127.0.0.0/8
allow ::1
export "data" path "$E2E_EXPORT" read-only allow-devices \\
    identity trusted
export other path $E2E_DIR/other read-write abort-write no-dir-cache
export "with \\"quotes\\" # and hash" path "$E2E_DIR/other"
EOF
	atf_check -s exit:0 -o empty -e inline:"configuration OK\n" \
	    "$E2E_DAEMON" -n -f good.conf
	atf_check test ! -e "$E2E_SOCK"
	atf_check test ! -e pid
	# the command line adds to the file (another export, another name)
	atf_check -s exit:0 -o empty -e inline:"configuration OK\n" \
	    "$E2E_DAEMON" -n -f good.conf -e "more=$E2E_EXPORT,nodircache"
	# and an export name used in both is refused
	atf_check -s exit:1 -o empty -e save:err \
	    "$E2E_DAEMON" -n -f good.conf -e "data=$E2E_EXPORT"
	atf_check -o inline:"fsgoferd: export \"data=$E2E_EXPORT\": aname given twice\n" \
	    sed -n 's,^/.*/fsgoferd: ,fsgoferd: ,;1p' err
}

atf_test_case errors
errors_head()
{
	atf_set descr "Each kind of error: exit 1 and exactly" \
	    "'file:line: message' with the right line"
}
errors_body()
{
	e2e_init
	mkdir export

	{ cfg_head; echo "frobnicate yes"; } >bad.conf
	cfg_bad 'bad.conf:4: unknown keyword "frobnicate"'

	{ cfg_head; echo "workers 4x"; } >bad.conf
	cfg_bad 'bad.conf:4: workers "4x": not a number from 1 to 256'

	{ cfg_head; echo "msize 100"; } >bad.conf
	cfg_bad 'bad.conf:4: msize "100": not a number from 4096 to 16777216'

	{ cfg_head; echo "limit maxconn 0"; } >bad.conf
	cfg_bad 'bad.conf:4: maxconn "0": not a number from 1 to 1000000'

	{ cfg_head; echo "limit bogus 1"; } >bad.conf
	cfg_bad 'bad.conf:4: unknown limit "bogus"'

	{ cfg_head; echo "export data read-only"; } >bad.conf
	cfg_bad 'bad.conf:4: export "data": missing path'

	{ cfg_head; echo "export data path"; } >bad.conf
	cfg_bad 'bad.conf:4: export path expected'

	{ cfg_head; echo "export data path $E2E_EXPORT identity user trust-user no-such-user-here"; } >bad.conf
	cfg_bad 'bad.conf:4: trust-user "no-such-user-here": no such user'

	{ cfg_head; echo "export data path $E2E_EXPORT identity user trust-group"; } >bad.conf
	cfg_bad 'bad.conf:4: group name expected'

	{ cfg_head; echo "export data path $E2E_EXPORT trust-group 0"; } >bad.conf
	cfg_bad 'bad.conf:4: export "data": trust-user and trust-group need identity user'

	{ cfg_head; echo "export data path srv/data"; } >bad.conf
	cfg_bad 'bad.conf:4: export path "srv/data": path must be absolute'

	{ cfg_head; echo "export data path $E2E_DIR/nonexistent"; } >bad.conf
	cfg_bad "bad.conf:4: export \"$E2E_DIR/nonexistent\": No such file or directory"

	{ cfg_head; echo "listen on tcp 127.0.0.256 port 564"; } >bad.conf
	cfg_bad 'bad.conf:4: listen on tcp "127.0.0.256": not a numeric IPv4 or IPv6 address'

	{ cfg_head; echo "listen on tcp 127.0.0.1 port 65536"; } >bad.conf
	cfg_bad 'bad.conf:4: port "65536": not a number from 0 to 65535'

	{ cfg_head; echo "listen on unix relative/sock"; } >bad.conf
	cfg_bad 'bad.conf:4: listen on unix "relative/sock": the path must be absolute, short and free of commas'

	{ cfg_head; echo "listen on udp 127.0.0.1 port 1"; } >bad.conf
	cfg_bad 'bad.conf:4: "unix" or "tcp" expected after listen on'

	{ cfg_head; echo "allow 10.0.0.0/33"; } >bad.conf
	cfg_bad 'bad.conf:4: allow "10.0.0.0/33": expected ADDRESS or ADDRESS/BITS'

	{
		cfg_head
		echo "export data path $E2E_EXPORT"
		echo "export other path $E2E_EXPORT"
		echo "export data path $E2E_EXPORT read-only"
	} >bad.conf
	cfg_bad 'bad.conf:6: export "data": name already used on line 4'

	{ cfg_head; echo "pidfile \"$E2E_DIR/pid"; } >bad.conf
	cfg_bad 'bad.conf:4: unterminated quoted string'

	{ cfg_head; echo "workers 4 5"; } >bad.conf
	cfg_bad 'bad.conf:4: unexpected "5"'

	# a continued line counts where its words are
	{
		cfg_head
		echo "export data \\"
		echo "    path $E2E_EXPORT bogus"
	} >bad.conf
	cfg_bad 'bad.conf:5: export "data": unexpected "bogus"'

	# every error in the file is reported, in line order
	printf 'workers 0\n"quoted"\n\nuser "\n' >bad.conf
	cfg_bad 'bad.conf:1: workers "0": not a number from 1 to 256
bad.conf:2: keyword expected, not a quoted string
bad.conf:4: unterminated quoted string'

	# a missing file, and a file with no export and no -e
	atf_check -s exit:1 -o empty -e match:'nonexistent.conf: No such file' \
	    "$E2E_DAEMON" -n -f nonexistent.conf
	cfg_head >empty.conf
	atf_check -s exit:1 -o empty -e match:'nothing to serve' \
	    "$E2E_DAEMON" -n -f empty.conf
}

atf_test_case serve cleanup
serve_head()
{
	atf_set descr "A daemon started with only -f serves the exports" \
	    "the file names, on its listeners, read-only where it says"
}
serve_body()
{
	e2e_tree_small
	mkdir rw
	cat >serve.conf <<EOF
listen on unix "$E2E_SOCK"
listen on tcp 127.0.0.1 port 0
export "ro" path "$E2E_EXPORT" read-only
export "rw" path "$E2E_DIR/rw"
EOF
	e2e_start -f serve.conf
	atf_check_equal "unix:$E2E_SOCK" "$E2E_ADDR"
	[ -n "$E2E_PORT" ] || atf_fail "no TCP listener from the file"
	grep -q "serving $E2E_EXPORT as aname \"ro\" (read-only)" log ||
	    atf_fail "the read-only export is not logged as such"
	# the same checks over the unix and the TCP listener
	for via in unix tcp; do
		cat >s.in <<EOF
version
attach 0 root ro
walk 0 1 file
lopen 1 RDONLY
read 1 0 100
lcreate 0 new-$via RDWR 0644
mkdir 0 newdir 0755
attach 2 root ""
walk 2 3 file
attach 4 root rw
lcreate 4 new-$via RDWR 0644
attach 5 root nosuch
EOF
		cat >s.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rread 6 hello\n
Rlerror EROFS
Rlerror EROFS
Rattach dir
Rwalk 1 file
Rattach dir
Rlcreate file 0
Rlerror ENOENT
EOF
		if [ $via = unix ]; then
			e2e_p9c s
		else
			e2e_p9c s "$E2E_TCP"
		fi
		atf_check test ! -e "$E2E_EXPORT/new-$via"
		atf_check test -f "rw/new-$via"
	done
	atf_check test ! -e "$E2E_EXPORT/newdir"
}
serve_cleanup()
{
	e2e_stop
}

atf_test_case override cleanup
override_head()
{
	atf_set descr "Command-line options override the file's values" \
	    "(-m) and add to its lists (-e, -l), wherever -f appears"
}
override_body()
{
	e2e_tree_small
	cat >o.conf <<EOF
msize 65536
listen on unix "$E2E_SOCK"
export "file" path "$E2E_EXPORT"
EOF
	e2e_start -m 16384 -f o.conf -e "cli=$E2E_EXPORT" -l tcp:127.0.0.1:0
	[ -n "$E2E_PORT" ] || atf_fail "the -l listener is missing"
	cat >o.in <<EOF
version 1000000
attach 0 root cli
attach 1 root file
attach 2 root ""
walk 2 3 file
EOF
	cat >o.out <<EOF
Rversion 16384 9P2000.L
Rattach dir
Rattach dir
Rattach dir
Rwalk 1 file
EOF
	e2e_p9c o
	e2e_p9c o "$E2E_TCP"
}
override_cleanup()
{
	e2e_stop
}

atf_test_case bind_error cleanup
bind_error_head()
{
	atf_set descr "A listener the file names that cannot be bound is" \
	    "one line, file:line and the cause, and exit 1"
}
bind_error_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0
	[ -n "$E2E_PORT" ] || atf_fail "no TCP port"
	# the port the first daemon holds
	{
		cfg_head
		echo "export data path \"$E2E_EXPORT\""
		echo "listen on tcp 127.0.0.1 port $E2E_PORT"
	} >busy.conf
	printf 'busy.conf:5: tcp:127.0.0.1:%s: %s\n' "$E2E_PORT" \
	    "Address already in use" >want
	atf_check -s exit:1 -o empty -e file:want timeout 10 \
	    "$E2E_DAEMON" -d -f busy.conf
	# a socket in a directory that does not exist
	{
		cfg_head
		echo "export data path \"$E2E_EXPORT\""
		echo "listen on unix \"$E2E_DIR/nodir/sock\""
	} >nodir.conf
	printf 'nodir.conf:5: %s/nodir/sock: No such file or directory\n' \
	    "$E2E_DIR" >want
	atf_check -s exit:1 -o empty -e file:want timeout 10 \
	    "$E2E_DAEMON" -d -f nodir.conf
	# the daemon holding the port still serves
	printf 'version 65536\nattach 0 root ""\n' >b.in
	printf 'Rversion 65536 9P2000.L\nRattach dir\n' >b.out
	e2e_p9c b "$E2E_TCP"
}
bind_error_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case good
	atf_add_test_case errors
	atf_add_test_case serve
	atf_add_test_case override
	atf_add_test_case bind_error
}
