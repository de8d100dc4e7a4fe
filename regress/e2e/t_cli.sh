#! /usr/bin/env atf-sh
#
# The command line: bad arguments exit 1 with one line saying what is
# wrong followed by the usage; a good start-up logs the exports, the
# listeners and a mount command line that works.

. "$(atf_get_srcdir)/e2e.subr"

# cli_bad WANT ARGS...: fsgoferd ARGS must exit 1, print nothing on
# stdout, and on stderr exactly the line WANT, then the usage.  Under
# timeout(1): a daemon that wrongly starts fails the test, not hangs it.
cli_bad()
{
	want=$1
	shift
	atf_check -s exit:1 -o empty -e save:err timeout 10 "$E2E_DAEMON" "$@"
	# getopt(3) names the program by argv[0], the daemon by its name
	atf_check_equal "$want" "$(sed -n 's,^/.*/fsgoferd: ,fsgoferd: ,;1p' err)"
	sed -n '2,$p' err >usage.got
	atf_check -o file:usage.want cat usage.got
}

# The usage text, as the daemon prints it after any bad argument.
cli_usage()
{
	atf_check -s exit:1 -o empty -e save:usage.all "$E2E_DAEMON" -Z
	sed -n '2,$p' usage.all >usage.want
	atf_check -s exit:0 grep -q '^usage: fsgoferd ' usage.want
	atf_check -s exit:0 grep -q -- '-e ' usage.want
	atf_check -s exit:0 grep -q -- '-l ' usage.want
}

atf_test_case bad_options
bad_options_head()
{
	atf_set descr "Unknown options, stray arguments, bad numbers and" \
	    "nothing to serve: exit 1, one error line, then usage"
}
bad_options_body()
{
	e2e_init
	mkdir export
	cli_usage
	cli_bad "fsgoferd: invalid option -- 'Z'" -Z -e "$E2E_EXPORT"
	cli_bad "fsgoferd: option requires an argument -- 'e'" -e
	cli_bad "fsgoferd: unexpected argument \"extra\"" -n \
	    -e "$E2E_EXPORT" -l "unix:$E2E_SOCK" extra
	cli_bad "fsgoferd: nothing to serve: give at least one -e export" \
	    -n -l "unix:$E2E_SOCK"
	atf_check -s exit:1 -o empty -e save:err "$E2E_DAEMON" -n -m 100 \
	    -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	atf_check -s exit:0 grep -q '^fsgoferd: msize "100": not a number' err
	atf_check -s exit:1 -o empty -e save:err "$E2E_DAEMON" -n -w zero \
	    -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	atf_check -s exit:0 grep -q '^fsgoferd: workers "zero"' err
	atf_check test ! -e pid
}

atf_test_case bad_export
bad_export_head()
{
	atf_set descr "Relative, missing and non-directory export paths" \
	    "are refused at start-up"
}
bad_export_body()
{
	e2e_init
	mkdir export
	: >plainfile
	cli_usage
	cli_bad "fsgoferd: export \"export\": expected aname=/path or /path" \
	    -n -e export -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"x=export\": path must be absolute" \
	    -n -e x=export -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"x=./export\": path must be absolute" \
	    -n -e x=./export -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"$E2E_DIR/nonexistent\": No such file or directory" \
	    -n -e "$E2E_DIR/nonexistent" -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"$E2E_DIR/plainfile\": Not a directory" \
	    -n -e "$E2E_DIR/plainfile" -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"$E2E_EXPORT,bogus\": unknown option \"bogus\"" \
	    -n -e "$E2E_EXPORT,bogus" -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"a=$E2E_DIR\": aname given twice" \
	    -n -e "a=$E2E_EXPORT" -e "a=$E2E_DIR" -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: trust-user \"no-such-user-here\": no such user" \
	    -n -e "$E2E_EXPORT,user,trust-user=no-such-user-here" \
	    -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: trust-group \"no-such-group-here\": no such group" \
	    -n -e "$E2E_EXPORT,user,trust-group=no-such-group-here" \
	    -l "unix:$E2E_SOCK"
	cli_bad "fsgoferd: export \"$E2E_EXPORT,trust-user=0\": trust-user and trust-group need identity user" \
	    -n -e "$E2E_EXPORT,trust-user=0" -l "unix:$E2E_SOCK"
	# and a good one passes the check
	atf_check -s exit:0 -o empty -e inline:"configuration OK\n" \
	    "$E2E_DAEMON" -n -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
}

atf_test_case bad_listen
bad_listen_head()
{
	atf_set descr "Bad listen specs are refused at start-up with the" \
	    "usage text; a good one the system refuses, with its reason alone"
}
bad_listen_body()
{
	e2e_init
	mkdir export
	cli_usage
	# -d, not -n: the real start-up path, which binds
	cli_bad "fsgoferd: foo:bar: listen spec must be unix:/path or tcp:HOST:PORT" \
	    -d -e "$E2E_EXPORT" -l foo:bar
	cli_bad "fsgoferd: tcp:127.0.0.1: expected tcp:HOST:PORT or tcp:[V6ADDR]:PORT" \
	    -d -e "$E2E_EXPORT" -l tcp:127.0.0.1
	cli_bad "fsgoferd: tcp:127.0.0.1:http: expected tcp:HOST:PORT or tcp:[V6ADDR]:PORT" \
	    -d -e "$E2E_EXPORT" -l tcp:127.0.0.1:http
	cli_bad "fsgoferd: tcp::: expected tcp:HOST:PORT or tcp:[V6ADDR]:PORT" \
	    -d -e "$E2E_EXPORT" -l tcp::
	# a port out of range: refused, whichever layer says so
	atf_check -s exit:1 -o empty -e save:err timeout 10 "$E2E_DAEMON" \
	    -d -e "$E2E_EXPORT" -l tcp:127.0.0.1:99999
	atf_check -s exit:0 grep -q '^fsgoferd: tcp:127.0.0.1:99999: ' err
	cli_bad "fsgoferd: relative/sock: socket path must be absolute and short" \
	    -d -e "$E2E_EXPORT" -l unix:relative/sock
	# A good spec the system refuses: the reason alone, no usage text.
	: >notasocket
	printf 'fsgoferd: %s/notasocket: exists and is not a socket\n' \
	    "$E2E_DIR" >want
	atf_check -s exit:1 -o empty -e save:err timeout 10 "$E2E_DAEMON" \
	    -d -e "$E2E_EXPORT" -l "unix:$E2E_DIR/notasocket"
	atf_check -o file:want sed 's,^/.*/fsgoferd: ,fsgoferd: ,' err
	atf_check test -f notasocket
	printf 'fsgoferd: %s/nodir/sock: No such file or directory\n' \
	    "$E2E_DIR" >want
	atf_check -s exit:1 -o empty -e save:err timeout 10 "$E2E_DAEMON" \
	    -d -e "$E2E_EXPORT" -l "unix:$E2E_DIR/nodir/sock"
	atf_check -o file:want sed 's,^/.*/fsgoferd: ,fsgoferd: ,' err
	# the check mode (-n) must find a bad listen spec too
	atf_check -s exit:1 -o empty -e not-empty timeout 10 "$E2E_DAEMON" \
	    -n -e "$E2E_EXPORT" -l unix:relative/sock
}

atf_test_case startup_log cleanup
startup_log_head()
{
	atf_set descr "The start-up log gives the version, names the export," \
	    "every listener with its real port, and a mount line; TERM stops" \
	    "the daemon and removes its pidfile"
}
startup_log_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0 -l "unix:$E2E_SOCK"
	[ -n "$E2E_PORT" ] && [ "$E2E_PORT" -gt 0 ] ||
	    atf_fail "no TCP port in the log"
	cat >log.want <<EOF
fsgoferd: serving $E2E_EXPORT as aname "$E2E_EXPORT" (read-write)
fsgoferd: listening on tcp:127.0.0.1:$E2E_PORT
fsgoferd: listening on unix:$E2E_SOCK
fsgoferd: mount with: mount -t 9p -o trans=tcp,port=$E2E_PORT,version=9p2000.L,aname=$E2E_EXPORT 127.0.0.1 /mnt
EOF
	grep -e 'serving' -e 'listening on' -e 'trans=tcp' log >log.got
	atf_check -o file:log.want cat log.got
	# the version (Makefile.srcs's VERSION) comes first
	atf_check -s exit:0 -o match:'^fsgoferd: version [0-9][0-9.]* starting$' \
	    sed -n 1p log
	atf_check_equal "$(cat daemon.pid)" "$(cat pid)"
	# the advertised port and socket both serve
	cat >p.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
getattr 1 SIZE
EOF
	printf 'Rversion 8192 9P2000.L\nRattach dir\nRwalk 1 file\nRgetattr size=6\n' >p.out
	e2e_p9c p "tcp:127.0.0.1:$E2E_PORT"
	e2e_p9c p "unix:$E2E_SOCK"
	# TERM: a clean exit, status 0, pidfile gone
	kill -TERM "$(cat pid)"
	i=0
	while kill -0 "$(cat daemon.pid)" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || atf_fail "fsgoferd ignored SIGTERM"
		sleep 0.1
	done
	atf_check test ! -e pid
	atf_check -s exit:0 grep -q 'fsgoferd: stopped$' log
}
startup_log_cleanup()
{
	e2e_stop
}

atf_test_case named_exports cleanup
named_exports_head()
{
	atf_set descr "aname=/path exports and the ro option show in the log"
}
named_exports_body()
{
	e2e_tree_small
	mkdir other
	e2e_start -e "main=$E2E_EXPORT" -e "other=$E2E_DIR/other,ro" \
	    -l "unix:$E2E_SOCK"
	cat >log.want <<EOF
fsgoferd: serving $E2E_EXPORT as aname "main" (read-write)
fsgoferd: serving $E2E_DIR/other as aname "other" (read-only)
fsgoferd: listening on unix:$E2E_SOCK
fsgoferd: mount with: mount -t 9p -o trans=unix,version=9p2000.L,aname=main $E2E_SOCK /mnt
EOF
	grep -e 'serving' -e 'listening on' -e 'mount with' log >log.got
	atf_check -o file:log.want cat log.got
}
named_exports_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case bad_options
	atf_add_test_case bad_export
	atf_add_test_case bad_listen
	atf_add_test_case startup_log
	atf_add_test_case named_exports
}
