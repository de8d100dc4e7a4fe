#! /usr/bin/env atf-sh
#
# Hostile frames, sent with p9c raw/frame.  A frame whose size cannot be
# right (under 7, over msize) ends the connection; a well-framed but
# malformed message gets Rlerror EPROTO and the session goes on.  After
# every case the daemon must be alive and serve a new connection.

. "$(atf_get_srcdir)/e2e.subr"

# Each case: a small tree, a daemon on a unix socket and TCP.
mal_start()
{
	e2e_tree_small
	head -c 100000 /dev/urandom >"$E2E_EXPORT/big"
	e2e_many "$E2E_EXPORT/many" 2000
	e2e_start_default
}

atf_test_case size_small cleanup
size_small_head()
{
	atf_set descr "A size field under 7 closes the connection"
}
size_small_body()
{
	mal_start
	cat >m.in <<EOF
version
raw u32:6 u8:100 u16:0
expect-close
conn 1
version
raw u32:0
expect-close
conn 2
raw u32:3 00 00 00
expect-close
conn 3
version
attach 0 root $E2E_EXPORT
raw 01000000
expect-close
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
closed
Rversion 8192 9P2000.L
closed
closed
Rversion 8192 9P2000.L
Rattach dir
closed
EOF
	e2e_p9c m
	e2e_healthy file 6
	e2e_p9c m "$E2E_TCP"
	e2e_healthy file 6
}
size_small_cleanup()
{
	e2e_stop
}

atf_test_case size_large cleanup
size_large_head()
{
	atf_set descr "A size field over the negotiated msize (or over" \
	    "the pre-version limit) closes the connection; exactly msize" \
	    "is a frame"
}
size_large_body()
{
	mal_start
	cat >m.in <<EOF
version 8192
raw u32:8193 u8:118 u16:1 u32:1 u64:0 u32:8170 fill:8170:41
expect-close
conn 1
version 8192
raw ffffffff 76 0100
expect-close
conn 2
raw u32:1000000 u8:100 u16:65535
expect-close
conn 3
version 8192
frame Twrite u32:1 u64:0 u32:8169 fill:8169:41
attach 0 root $E2E_EXPORT
walk 0 1 file
getattr 1 SIZE
conn 4
version 4096
raw u32:4097 u8:24 u16:1 u32:0 u64:0x3fff fill:4078:00
expect-close
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
closed
Rversion 8192 9P2000.L
closed
closed
Rversion 8192 9P2000.L
Rlerror EBADF
Rattach dir
Rwalk 1 file
Rgetattr size=6
Rversion 4096 9P2000.L
closed
EOF
	e2e_p9c m
	e2e_healthy file 6
}
size_large_cleanup()
{
	e2e_stop
}

atf_test_case string_overrun cleanup
string_overrun_head()
{
	atf_set descr "Strings whose length runs past the frame, or holding" \
	    "NUL, and trailing bytes: Rlerror EPROTO, nothing done"
}
string_overrun_body()
{
	mal_start
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT
frame Twalk u32:0 u32:1 u16:1 u16:100 6669
frame Twalk u32:0 u32:1 u16:1 u16:65535
frame Twalk u32:0 u32:1 u16:2 s:dir u16:4 737562
frame Tattach u32:5 u32:0xffffffff s:root u16:200 2f
frame Tattach u32:5 u32:0xffffffff s:root
frame Twalk u32:0 u32:1 u16:1 "s:fi\\x00le"
frame Tclunk u32:0 ff
frame Tclunk u32:0 00000000
frame Tgetattr u32:0
frame Tversion u32:8192 u16:9 39
getattr 1
getattr 5
getattr 0 MODE
walk 0 1 file
getattr 1 SIZE
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EBADF
Rlerror EBADF
Rgetattr mode=040755
Rwalk 1 file
Rgetattr size=6
EOF
	e2e_p9c m
	e2e_healthy file 6
}
string_overrun_cleanup()
{
	e2e_stop
}

atf_test_case nwname cleanup
nwname_head()
{
	atf_set descr "Twalk with 17 names, or a name count larger than the" \
	    "names present: Rlerror, no new fid"
}
nwname_body()
{
	mal_start
	names=
	i=0
	while [ $i -lt 17 ]; do
		names="$names s:dir"
		i=$((i + 1))
	done
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT
frame Twalk u32:0 u32:1 u16:17$names
getattr 1
frame Twalk u32:0 u32:1 u16:65535
frame Twalk u32:0 u32:1 u16:3 s:dir s:sub
frame Twalk u32:0 u32:1 u16:1 s:dir s:sub
getattr 1
walk 0 1 dir sub
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rlerror EPROTO
Rlerror EBADF
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rlerror EBADF
Rwalk 2 dir dir
EOF
	e2e_p9c m
	e2e_healthy file 6
}
nwname_cleanup()
{
	e2e_stop
}

atf_test_case truncated cleanup
truncated_head()
{
	atf_set descr "A frame cut short, then the client goes away: the" \
	    "daemon drops the connection and serves others"
}
truncated_body()
{
	mal_start
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT
raw u32:100 u8:110 u16:1 u32:0
close
conn 1
raw 0500
close 1
conn 2
version
raw u32:30 u8:24
conn 3
version
attach 0 root $E2E_EXPORT
walk 0 1 file
getattr 1 SIZE
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rversion 8192 9P2000.L
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rgetattr size=6
EOF
	e2e_p9c m
	e2e_healthy file 6
}
truncated_cleanup()
{
	e2e_stop
}

atf_test_case huge_count cleanup
huge_count_head()
{
	atf_set descr "Tread and Treaddir with count 2^32-1 are clamped to" \
	    "msize; Twrite whose count disagrees with its frame is refused"
}
huge_count_body()
{
	mal_start
	cat >m.in <<EOF
version 8192
attach 0 root $E2E_EXPORT
walk 0 1 big
lopen 1 RDONLY
readn 1 0 4294967295
readn 1 99990 4294967295
readn 1 18446744073709551615 4294967295
walk 0 2 many
lopen 2 RDONLY
readdir1 2 0 4294967295
frame Twrite u32:1 u64:0 u32:4294967295 41
frame Twrite u32:1 u64:0 u32:2 41
frame Treaddir u32:2 u64:0 u32:0xffffffff ff
getattr 1 SIZE
EOF
	e2e_p9c_save m
	e2e_alive
	# p9c itself rejects replies over msize ("error: reply frame ...")
	atf_check -s exit:1 grep -q '^error' m.got
	atf_check_equal "Rversion 8192 9P2000.L" "$(sed -n 1p m.got)"
	n=$(sed -n 's/^Rread \([0-9]*\)$/\1/p' m.got | head -n 1)
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -le $((8192 - 11)) ] ||
	    atf_fail "Rread count ${n:-missing}, want 1..8181"
	atf_check_equal "Rread 10" "$(sed -n 6p m.got)"
	# past the end of the file, even at offset 2^64-1: nothing
	case "$(sed -n 7p m.got)" in
	"Rread 0"|"Rlerror EINVAL"|"Rlerror EOVERFLOW") ;;
	*)	atf_fail "read at offset 2^64-1: $(sed -n 7p m.got)" ;;
	esac
	n=$(sed -n 's/^Rreaddir \([0-9]*\)$/\1/p' m.got)
	# at least 8192 - 11 - (24 + 5) bytes of 29..29+4 byte entries
	[ -n "$n" ] && [ "$n" -ge 200 ] && [ "$n" -le 400 ] ||
	    atf_fail "Rreaddir entries ${n:-missing}, want a full msize"
	tail -n 4 m.got >tail.got
	cat >tail.want <<EOF
Rlerror EPROTO
Rlerror EPROTO
Rlerror EPROTO
Rgetattr size=100000
EOF
	atf_check -o file:tail.want cat tail.got
	e2e_healthy file 6
}
huge_count_cleanup()
{
	e2e_stop
}

atf_test_case unknown_type cleanup
unknown_type_head()
{
	atf_set descr "Unknown message types get Rlerror and the" \
	    "connection stays usable"
}
unknown_type_body()
{
	mal_start
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT
frame 200
frame 0 00112233
frame 255 fill:1000:ff
frame 99 u32:0
getattr 0 MODE
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rgetattr mode=040755
EOF
	e2e_p9c m
	e2e_healthy file 6
}
unknown_type_cleanup()
{
	e2e_stop
}

atf_test_case before_version cleanup
before_version_head()
{
	atf_set descr "Garbage before Tversion: an impossible size closes" \
	    "the connection; a framed message gets Rlerror, and Tversion" \
	    "still works afterwards"
}
before_version_body()
{
	mal_start
	cat >m.in <<EOF
raw "s:GET / HTTP/1.0\r\n\r\n"
expect-close
conn 1
raw "t:GET / HTTP/1.0\r\n\r\n"
expect-close
conn 2
attach 0 root $E2E_EXPORT
frame Twalk u32:0 u32:1 u16:0
frame 200
version
attach 0 root $E2E_EXPORT
getattr 0 MODE
conn 3
raw u32:8193 u8:100 u16:65535 u32:8192 u16:8180 fill:8180:41
expect-close
EOF
	cat >m.out <<EOF
closed
closed
Rlerror EPROTO
Rlerror EPROTO
Rlerror EOPNOTSUPP
Rversion 8192 9P2000.L
Rattach dir
Rgetattr mode=040755
closed
EOF
	e2e_p9c m
	e2e_healthy file 6
}
before_version_cleanup()
{
	e2e_stop
}

atf_test_case nofid cleanup
nofid_head()
{
	atf_set descr "NOFID as the new fid of Tattach, Twalk, Txattrwalk," \
	    "or as the fid of Tclunk, Tread, Twrite, Tremove, Treaddir, is" \
	    "refused (it must not walk a fid in place or crash)"
}
nofid_body()
{
	mal_start
	cat >m.in <<EOF
version
attach nofid root $E2E_EXPORT
attach 0 root $E2E_EXPORT
walk 0 nofid dir
walk 0 nofid
xattrwalk 0 nofid ""
getattr 0 MODE
clunk nofid
read nofid 0 1
write nofid 0 x
remove nofid
readdir1 nofid 0 100
getattr 0 MODE
walk 0 1 file
getattr 1 SIZE
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rlerror EBADF
Rattach dir
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rgetattr mode=040755
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rgetattr mode=040755
Rwalk 1 file
Rgetattr size=6
EOF
	e2e_p9c m
	e2e_healthy file 6
}
nofid_cleanup()
{
	e2e_stop
}

atf_test_case flood cleanup
flood_head()
{
	atf_set descr "Many pipelined requests, flushes of unknown tags," \
	    "and a client that vanishes with requests in flight"
}
flood_body()
{
	mal_start
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 big
lopen 1 RDONLY
pipeline 300 readn 1 0 100
flush 4000
async readn 1 0 8000
flush last
wait
pipeline 50 walk 0 nofid
conn 1
version
attach 0 root $E2E_EXPORT
walk 0 1 big
lopen 1 RDONLY
async readn 1 0 8000
async readn 1 0 8000
async readn 1 0 8000
close
EOF
	e2e_p9c_save m
	atf_check_equal 300 "$(grep -c '^Rread 100$' m.got)"
	atf_check_equal 50 "$(grep -c '^Rlerror EBADF$' m.got)"
	atf_check_equal 2 "$(grep -c '^Rflush$' m.got)"
	# the flushed read: answered before its Rflush, or never
	case "$(grep -v '^Rread 100$' m.got | sed -n 6,7p | tr '\n' ' ')" in
	"Rflush Rread 8000 "|"Rflush flushed ") ;;
	*)	atf_fail "flush: $(cat m.got | tr '\n' ' ')" ;;
	esac
	e2e_healthy file 6
}
flood_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case size_small
	atf_add_test_case size_large
	atf_add_test_case string_overrun
	atf_add_test_case nwname
	atf_add_test_case truncated
	atf_add_test_case huge_count
	atf_add_test_case unknown_type
	atf_add_test_case before_version
	atf_add_test_case nofid
	atf_add_test_case flood
}
