#! /usr/bin/env atf-sh
#
# Open, unlink, keep using: fids whose file was unlinked (by this
# client or another) still serve getattr, read, write, setattr and
# fsync, as package managers and editors expect.  The name-based
# operations on them say the name is gone.

. "$(atf_get_srcdir)/e2e.subr"

atf_test_case file cleanup
file_head()
{
	atf_set descr "A file unlinked through another fid and another" \
	    "connection: getattr, read, write, setattr (size, mode, times)," \
	    "fsync and locks on the open fids still work"
}
file_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	attr=$(e2e_hostattr "$E2E_EXPORT/file" |
	    sed 's/ nlink=1 / nlink=0 /')
	cat >u.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lopen 1 RDWR
walk 0 2 file
lopen 2 RDONLY
walk 0 3 file
conn 1
version
attach 0 root $E2E_EXPORT
unlinkat 0 file
conn 0
getattr 1
getattr 2
getattr 3 NLINK|SIZE
read 1 0 100
write 1 6 more
read 2 0 100
setattr 1 size=3
getattr 2 SIZE
read 2 0 100
setattr 1 size=5
read 2 0 100
setattr 1 mode=0600
getattr 2 MODE
setattr 3 mode=0640
getattr 3 MODE
setattr 1 atime=1000000000 mtime=1100000000
getattr 3 ATIME|MTIME
setattr 3 mtime=1200000000.5
getattr 1 MTIME
fsync 1
fsync 2
fsync 1 1
fsync 3
lock 1 wr 0 0
lock 2 rd 0 0
getlock 2 rd 0 0
walk 0 4 file
remove 3
rename 1 0 back
link 0 2 back
walk 0 5
getattr 1 NLINK
EOF
	cat >u.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rwalk 1 file
Rlopen file 0
Rwalk 1 file
Rversion 8192 9P2000.L
Rattach dir
Runlinkat
$attr
$attr
Rgetattr nlink=0 size=6
Rread 6 hello\\n
Rwrite 4
Rread 10 hello\\nmore
Rsetattr
Rgetattr size=3
Rread 3 hel
Rsetattr
Rread 5 hel\\x00\\x00
Rsetattr
Rgetattr mode=0100600
Rsetattr
Rgetattr mode=0100640
Rsetattr
Rgetattr atime=1000000000.000000000 mtime=1100000000.000000000
Rsetattr
Rgetattr mtime=1200000000.500000000
Rfsync
Rfsync
Rfsync
Rlerror EBADF
Rlock ok
Rlock blocked
Rgetlock wr 0 0
Rlerror ENOENT
Rlerror ENOENT
Rlerror ENOENT
Rlerror ENOENT
Rwalk 0
Rgetattr nlink=0
EOF
	e2e_p9c u
	# Linux's linkat(2) cannot give an unlinked file a name again.
	atf_check test ! -e "$E2E_EXPORT/file"
	atf_check test ! -e "$E2E_EXPORT/back"
}
file_cleanup()
{
	e2e_stop
}

atf_test_case truncate_other_fid cleanup
truncate_other_fid_head()
{
	atf_set descr "Tsetattr of the size of an unlinked file through a" \
	    "read-only or an unopened fid (the daemon must reopen the" \
	    "unlinked file for writing)"
}
truncate_other_fid_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >t.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lopen 1 RDWR
walk 0 2 file
lopen 2 RDONLY
walk 0 3 file
unlinkat 0 file
setattr 2 size=2
getattr 1 SIZE
setattr 3 size=1
read 1 0 100
setattr 3 size=4
read 2 0 100
EOF
	cat >t.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rwalk 1 file
Rlopen file 0
Rwalk 1 file
Runlinkat
Rsetattr
Rgetattr size=2
Rsetattr
Rread 1 h
Rsetattr
Rread 4 h\\x00\\x00\\x00
EOF
	e2e_p9c t
}
truncate_other_fid_cleanup()
{
	e2e_stop
}

atf_test_case unlinked_gone cleanup
unlinked_gone_head()
{
	atf_set descr "Without Tlink the unlinked file is gone from the host" \
	    "once its fids are clunked; the daemon keeps nothing open"
}
unlinked_gone_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >g.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1
lcreate 1 tmp RDWR 0600
write 1 0 scratch
unlinkat 0 tmp
read 1 0 100
getattr 1 NLINK|SIZE
fsync 1
clunk 1
EOF
	cat >g.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
Rlcreate file 0
Rwrite 7
Runlinkat
Rread 7 scratch
Rgetattr nlink=0 size=7
Rfsync
Rclunk
EOF
	e2e_p9c g
	atf_check test ! -e "$E2E_EXPORT/tmp"
	# No descriptor of the daemon still points at a deleted file.
	pid=$(cat pid)
	if [ -d "/proc/$pid/fd" ]; then
		atf_check -s exit:1 -o empty -x \
		    "ls -l /proc/$pid/fd | grep '(deleted)'"
	fi
}
unlinked_gone_cleanup()
{
	e2e_stop
}

atf_test_case directory cleanup
directory_head()
{
	atf_set descr "An open directory removed by another client: getattr" \
	    "works, readdir finds nothing, creating in it fails cleanly"
}
directory_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >d.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 emptydir
lopen 1 RDONLY
walk 0 2 emptydir
conn 1
version
attach 0 root $E2E_EXPORT
unlinkat 0 emptydir REMOVEDIR
conn 0
getattr 1 MODE|NLINK
readdir 1
fsync 1
mkdir 2 x 0755
lcreate 2 x RDWR 0644
remove 2
EOF
	cat >d.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 dir
Rlopen dir 0
Rwalk 1 dir
Rversion 8192 9P2000.L
Rattach dir
Runlinkat
Rgetattr mode=040755 nlink=0
Rreaddir 0
Rfsync
Rlerror ENOENT
Rlerror ENOENT
Rlerror ENOENT
EOF
	e2e_p9c d
	atf_check test ! -e "$E2E_EXPORT/emptydir"
	e2e_healthy file 6
}
directory_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case file
	atf_add_test_case truncate_other_fid
	atf_add_test_case unlinked_gone
	atf_add_test_case directory
}
