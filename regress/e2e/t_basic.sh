#! /usr/bin/env atf-sh
#
# The read side of 9P2000.L against a running daemon, message by message
# with p9c: version, attach, walk, getattr, lopen/read, readdir,
# readlink, statfs, clunk, bad fids, unsupported messages.

. "$(atf_get_srcdir)/e2e.subr"

atf_test_case version cleanup
version_head()
{
	atf_set descr "Tversion: msize clamp, 'unknown' for other" \
	    "versions, and a new Tversion clunks every fid"
}
version_body()
{
	e2e_tree_small
	e2e_start -m 65536 -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >v.in <<EOF
version 8192
version 1000000000
version 4096
version 8192 9P2000.u
attach 0 root $E2E_EXPORT
version 8192 9P2000
version 8192 garbage
version 8192 ""
version 8192 9p2000.l
version 100
version 8192
attach 0 root $E2E_EXPORT
walk 0 1 file
getattr 1 SIZE
version 8192
getattr 1 SIZE
getattr 0 SIZE
walk 0 2
attach 0 root $E2E_EXPORT
walk 0 1 file
getattr 1 SIZE
EOF
	cat >v.out <<EOF
Rversion 8192 9P2000.L
Rversion 65536 9P2000.L
Rversion 4096 9P2000.L
Rversion 8192 unknown
Rlerror EPROTO
Rversion 8192 unknown
Rversion 8192 unknown
Rversion 8192 unknown
Rversion 8192 unknown
Rversion 100 unknown
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rgetattr size=6
Rversion 8192 9P2000.L
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rattach dir
Rwalk 1 file
Rgetattr size=6
EOF
	e2e_p9c v
}
version_cleanup()
{
	e2e_stop
}

atf_test_case attach cleanup
attach_head()
{
	atf_set descr "Tattach: several exports on one connection, empty" \
	    "aname is the first export, unknown anames fail, Tauth says" \
	    "ENOENT (no authentication needed)"
}
attach_body()
{
	e2e_init
	mkdir a b
	: >a/in-a
	: >b/in-b
	e2e_start -e "$E2E_DIR/a" -e "b=$E2E_DIR/b" -l "unix:$E2E_SOCK"
	cat >a.in <<EOF
version
attach 0 root $E2E_DIR/a
walk 0 1 in-a
attach 2 root b
walk 2 3 in-b
walk 2 4 in-a
attach 5 root ""
walk 5 6 in-a
attach 7 root nosuch
attach 7 root $E2E_DIR/b
attach 7 root $E2E_DIR
getattr 7
attach 0 root b
walk 0 8 in-a
auth 9 root b
getattr 9
attach 10 nobody b
walk 10 11 in-b
EOF
	cat >a.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rattach dir
Rwalk 1 file
Rlerror ENOENT
Rattach dir
Rwalk 1 file
Rlerror ENOENT
Rlerror ENOENT
Rlerror ENOENT
Rlerror EBADF
Rlerror EBADF
Rwalk 1 file
Rlerror ENOENT
Rlerror EBADF
Rattach dir
Rwalk 1 file
EOF
	e2e_p9c a
}
attach_cleanup()
{
	e2e_stop
}

atf_test_case walk cleanup
walk_head()
{
	atf_set descr "Twalk: clone, 16 names, 17 refused, partial walks," \
	    "'..' clamped at the root, bad names refused, symlinks not" \
	    "followed"
}
walk_body()
{
	e2e_tree_small
	# d1/d2/.../d17, so that 17 names fail for their number alone
	p=$E2E_EXPORT
	names=
	frame17=
	dirs16=
	i=1
	while [ $i -le 17 ]; do
		p=$p/d$i
		mkdir "$p"
		[ $i -le 16 ] && names="$names d$i" && dirs16="$dirs16 dir"
		frame17="$frame17 s:d$i"
		i=$((i + 1))
	done
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >w.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1
getattr 1 MODE
walk 0 2$names
frame Twalk u32:0 u32:3 u16:17$frame17
getattr 3
walk 0 4 dir nosuch more
getattr 4
walk 0 4 nosuch
walk 0 4 dir sub deep
getattr 4 SIZE
walk 0 5 .. ..
getattr 0 MODE
getattr 5 MODE
samefile 0 5
walk 0 6 dir .. .. file
getattr 6 SIZE
walk 0 7 dir sub
walk 7 8 .. .. .. ..
getattr 8 MODE
samefile 0 8
walk 0 9 a/b
walk 0 9 ""
walk 0 13 .
samefile 0 13
walk 0 9 /
walk 0 14 dir .
walk 0 9 dir ""
walk 0 9 dir/sub
getattr 9
walk 0 9 link
walk 0 10 dirlink one
getattr 10
walk 0 10 outside
walk 0 11 dangling
walk 0 12 file deep
walk 1 1 dir
getattr 1 MODE
walk 1 1 sub
walk 1 1 nosuch
getattr 1 MODE
lopen 5 RDONLY
readdir 5 sort
EOF
	{
		cat <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
Rgetattr mode=040755
Rwalk 16$dirs16
Rlerror EPROTO
Rlerror EBADF
Rwalk 1 dir
Rlerror EBADF
Rlerror ENOENT
Rwalk 3 dir dir file
Rgetattr size=10
Rwalk 2 dir dir
Rgetattr mode=040755
Rgetattr mode=040755
same
Rwalk 4 dir dir dir file
Rgetattr size=6
Rwalk 2 dir dir
Rwalk 4 dir dir dir dir
Rgetattr mode=040755
same
Rlerror EINVAL
Rlerror EINVAL
Rwalk 1 dir
same
Rlerror EINVAL
Rwalk 2 dir dir
Rlerror EINVAL
Rlerror EINVAL
Rlerror EBADF
Rwalk 1 symlink
Rwalk 1 symlink
Rlerror EBADF
Rwalk 1 symlink
Rwalk 1 symlink
Rwalk 1 file
Rwalk 1 dir
Rgetattr mode=040755
Rwalk 1 dir
Rlerror ENOENT
Rgetattr mode=040755
Rlopen dir 0
EOF
		e2e_hostls "$E2E_EXPORT"
	} >w.out
	e2e_p9c w
}
walk_cleanup()
{
	e2e_stop
}

atf_test_case getattr cleanup
getattr_head()
{
	atf_set descr "Tgetattr of files, directories, symlinks, a FIFO:" \
	    "what lstat says on the host"
}
getattr_body()
{
	e2e_tree_small
	mkfifo "$E2E_EXPORT/fifo"
	chmod 640 "$E2E_EXPORT/fifo"
	touch -d '2001-02-03 04:05:06.123456789' "$E2E_EXPORT/file"
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >g.in <<EOF
version
attach 0 root $E2E_EXPORT
getattr 0
walk 0 1 file
getattr 1
walk 0 2 dir
getattr 2
walk 0 3 link
getattr 3
walk 0 4 empty
getattr 4
walk 0 5 dangling
getattr 5
walk 0 6 dir one
getattr 6
walk 0 7 fifo
getattr 7
getattr 1 MTIME|SIZE
getattr 1 0
EOF
	{
		printf 'Rversion 8192 9P2000.L\nRattach dir\n'
		e2e_hostattr "$E2E_EXPORT"
		for f in file:file dir:dir link:symlink empty:file \
		    dangling:symlink dir/one:file fifo:file; do
			# every component but the last is a directory
			n=$(echo "${f%:*}" | tr / ' ' | wc -w | tr -d ' ')
			types=
			j=1
			while [ $j -lt "$n" ]; do
				types="$types dir"
				j=$((j + 1))
			done
			echo "Rwalk $n$types ${f#*:}"
			e2e_hostattr "$E2E_EXPORT/${f%:*}"
		done
		echo "Rgetattr size=6 mtime=$(stat -c %.9Y "$E2E_EXPORT/file")"
		echo "Rgetattr"
	} >g.out
	e2e_p9c g
}
getattr_cleanup()
{
	e2e_stop
}

atf_test_case read cleanup
read_head()
{
	atf_set descr "Tlopen and Tread: offsets, end of file, unopened" \
	    "fids, directories, a file larger than msize"
}
read_body()
{
	e2e_tree_small
	head -c 1048577 /dev/urandom >"$E2E_EXPORT/big"
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >r.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
read 1 0 10
lopen 1 RDONLY
read 1 0 100
read 1 2 2
read 1 5 100
read 1 6 10
read 1 1000 10
read 1 0 0
walk 0 2 empty
lopen 2 RDONLY
read 2 0 10
walk 0 3 dir sub deep
lopen 3 RDONLY
read 3 0 100
walk 0 4 dir
lopen 4 RDONLY
read 4 0 10
walk 0 5 big
lopen 5 RDONLY
readfile 5 $E2E_DIR/big.copy
readfile 5 $E2E_DIR/big.copy2 1000
EOF
	cat >r.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EBADF
Rlopen file 0
Rread 6 hello\n
Rread 2 ll
Rread 1 \n
Rread 0
Rread 0
Rread 0
Rwalk 1 file
Rlopen file 0
Rread 0
Rwalk 3 dir dir file
Rlopen file 0
Rread 10 deep file\n
Rwalk 1 dir
Rlopen dir 0
Rlerror EISDIR
Rwalk 1 file
Rlopen file 0
Rread 1048577
Rread 1048577
EOF
	e2e_p9c r
	atf_check cmp "$E2E_EXPORT/big" big.copy
	atf_check cmp "$E2E_EXPORT/big" big.copy2
}
read_cleanup()
{
	e2e_stop
}

atf_test_case read_large cleanup
read_large_head()
{
	atf_set descr "Large Treads (answered from a mapping of the file):" \
	    "one after another on one tag, four at once while the client" \
	    "reads nothing, over unix and TCP; every byte checked"
}
# The expected reply line of p9c's "read" of COUNT bytes at OFF from the
# text file lines (whole lines): the count, then the text with each
# newline as \n.
read_large_line()
{
	tail -c +$(($1 + 1)) "$E2E_EXPORT/lines" | head -c "$2" >part
	printf 'Rread %s ' "$(wc -c <part | tr -d ' ')"
	awk 'BEGIN { ORS = "" } { print $0 "\\n" }' part
	echo
}
read_large_body()
{
	e2e_init
	mkdir -p "$E2E_EXPORT"
	# 8 MiB of printable text, so reply lines can be compared whole.
	seq -f %07.0f 0 1048575 >"$E2E_EXPORT/lines"
	e2e_start -m 1048600 -e "$E2E_EXPORT" -l "unix:$E2E_SOCK" \
	    -l tcp:127.0.0.1:0
	cat >r.in <<EOF
version 1048600
attach 0 root $E2E_EXPORT
walk 0 1 lines
lopen 1 RDONLY
readfile 1 $E2E_DIR/copy
async read 1 0 1048576
async read 1 1048576 1048576
async read 1 3000000 1048576
async read 1 8000000 1048576
sleep 300
wait
getattr 1 SIZE
EOF
	{
		printf 'Rversion 1048600 9P2000.L\nRattach dir\n'
		printf 'Rwalk 1 file\nRlopen file 0\nRread 8388608\n'
		read_large_line 0 1048576
		read_large_line 1048576 1048576
		read_large_line 3000000 1048576
		read_large_line 8000000 1048576
		echo 'Rgetattr size=8388608'
	} >r.out
	# Over unix the socket takes about 200 KiB at once, so each reply
	# goes out in parts; over TCP mostly whole.
	for addr in "$E2E_ADDR" "$E2E_TCP"; do
		rm -f copy
		atf_check -o file:r.out "$E2E_P9C" -t 20 "$addr" <r.in
		atf_check cmp "$E2E_EXPORT/lines" copy
	done
	e2e_healthy lines 8388608
}
read_large_cleanup()
{
	e2e_stop
}

atf_test_case readdir cleanup
readdir_head()
{
	atf_set descr "Treaddir: 5,000 entries with small and large counts," \
	    "every entry exactly once; rereading from 0; unopened fid"
	atf_set timeout 300
}
readdir_body()
{
	e2e_tree_small
	e2e_many "$E2E_EXPORT/big" 5000
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >d.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 big
readdir 1
lopen 1 RDONLY
readdir 1 sort
readdir 1 sort
walk 0 2 big
lopen 2 RDONLY
readdir 2 60 sort
walk 0 3
lopen 3 RDONLY
# 40 bytes: one entry per reply (the longest root name needs 32)
readdir 3 40 sort
EOF
	{
		printf 'Rversion 8192 9P2000.L\nRattach dir\nRwalk 1 dir\n'
		printf 'Rlerror EBADF\nRlopen dir 0\n'
		e2e_hostls "$E2E_EXPORT/big"
		e2e_hostls "$E2E_EXPORT/big"
		printf 'Rwalk 1 dir\nRlopen dir 0\n'
		e2e_hostls "$E2E_EXPORT/big"
		printf 'Rwalk 0\nRlopen dir 0\n'
		e2e_hostls "$E2E_EXPORT"
	} >d.out
	e2e_p9c d
}
readdir_cleanup()
{
	e2e_stop
}

atf_test_case readlink cleanup
readlink_head()
{
	atf_set descr "Treadlink returns targets as opaque data"
}
readlink_body()
{
	e2e_tree_small
	ln -s 'a b\c' "$E2E_EXPORT/weird"
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >l.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 link
readlink 1
walk 0 2 outside
readlink 2
walk 0 3 dangling
readlink 3
walk 0 4 weird
readlink 4
walk 0 5 file
readlink 5
readlink 0
EOF
	cat >l.out <<'EOF'
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 symlink
Rreadlink file
Rwalk 1 symlink
Rreadlink ../../etc/passwd
Rwalk 1 symlink
Rreadlink nowhere
Rwalk 1 symlink
Rreadlink a\x20b\\c
Rwalk 1 file
Rlerror EINVAL
Rlerror EINVAL
EOF
	e2e_p9c l
}
readlink_cleanup()
{
	e2e_stop
}

atf_test_case statfs cleanup
statfs_head()
{
	atf_set descr "Tstatfs: the 9P magic or the host's type, and the" \
	    "host's name length"
}
statfs_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	printf 'version\nattach 0 root %s\nstatfs 0\nwalk 0 1 file\nstatfs 1\n' \
	    "$E2E_EXPORT" >s.in
	e2e_p9c_save s
	namelen=$(stat -f -c %l "$E2E_EXPORT")
	host=$(printf '0x%08x' "0x$(stat -f -c %t "$E2E_EXPORT")")
	line=$(sed -n 3p s.got)
	case "$line" in
	"Rstatfs type=0x01021997 namelen=$namelen") ;;
	"Rstatfs type=$host namelen=$namelen") ;;
	*)	atf_fail "unexpected statfs reply: $line (host type $host," \
		    "namelen $namelen)" ;;
	esac
	atf_check_equal "$line" "$(sed -n 5p s.got)"
	atf_check_equal 5 "$(wc -l <s.got | tr -d ' ')"
}
statfs_cleanup()
{
	e2e_stop
}

atf_test_case clunk cleanup
clunk_head()
{
	atf_set descr "Tclunk: a clunked fid is gone and its number free;" \
	    "fids walked from it live on"
}
clunk_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >c.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
clunk 1
getattr 1
clunk 1
read 1 0 1
walk 0 1 dir
getattr 1 MODE
walk 1 2 one
lopen 2 RDONLY
clunk 1
clunk 0
walk 0 3
getattr 2 SIZE
read 2 0 10
clunk 2
attach 0 root $E2E_EXPORT
getattr 0 MODE
EOF
	cat >c.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rclunk
Rlerror EBADF
Rlerror EBADF
Rlerror EBADF
Rwalk 1 dir
Rgetattr mode=040755
Rwalk 1 file
Rlopen file 0
Rclunk
Rclunk
Rlerror EBADF
Rgetattr size=1
Rread 1 x
Rclunk
Rattach dir
Rgetattr mode=040755
EOF
	e2e_p9c c
}
clunk_cleanup()
{
	e2e_stop
}

atf_test_case badfid cleanup
badfid_head()
{
	atf_set descr "Every message on an unknown fid, or NOFID where a" \
	    "fid is needed, gets EBADF"
}
badfid_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >b.in <<EOF
version
attach 0 root $E2E_EXPORT
getattr 99
walk 99 100
walk 99 100 file
lopen 99 RDONLY
read 99 0 1
write 99 0 x
readdir1 99 0 100
readlink 99
statfs 99
fsync 99
setattr 99 mode=0644
xattrwalk 99 100 ""
xattrcreate 99 user.x 1
lock 99 wr 0 0
getlock 99 wr 0 0
lcreate 99 x RDWR 0644
mkdir 99 x 0755
symlink 99 x y
mknod 99 x S_IFIFO|0644 0 0
link 0 99 x
link 99 0 x
rename 99 0 x
rename 0 99 x
renameat 99 a 0 b
renameat 0 a 99 b
unlinkat 99 x
remove 99
clunk 99
getattr 100
walk 0 nofid dir
getattr 0 MODE
attach nofid root $E2E_EXPORT
getattr nofid
clunk nofid
getattr 0 MODE
EOF
	{
		printf 'Rversion 8192 9P2000.L\nRattach dir\n'
		i=0
		while [ $i -lt 30 ]; do
			echo "Rlerror EBADF"
			i=$((i + 1))
		done
		printf 'Rgetattr mode=040755\n'
		printf 'Rlerror EBADF\nRlerror EBADF\nRlerror EBADF\n'
		printf 'Rgetattr mode=040755\n'
	} >b.out
	e2e_p9c b
	atf_check test ! -e "$E2E_EXPORT/x"
}
badfid_cleanup()
{
	e2e_stop
}

atf_test_case unsupported cleanup
unsupported_head()
{
	atf_set descr "9P2000 and 9P2000.u messages, R-messages and unknown" \
	    "types get a clean Rlerror and the session goes on"
}
unsupported_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >u.in <<EOF
version
attach 0 root $E2E_EXPORT
frame 112 u32:0 u8:0
frame 114 u32:0 s:x u32:0644 u8:0
frame 124 u32:0
frame 126 u32:0 u16:0
frame 116 u32:0 u64:0
frame 6 u32:0
frame 7 u32:1
frame 101 u32:8192 s:9P2000.L
frame 105 u8:128 u32:0 u64:0
frame 0
frame 255 0102030405
auth 1 root $E2E_EXPORT
getattr 0 MODE
EOF
	cat >u.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EPROTO
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror EOPNOTSUPP
Rlerror ENOENT
Rgetattr mode=040755
EOF
	e2e_p9c u
	e2e_alive
}
unsupported_cleanup()
{
	e2e_stop
}

atf_test_case name_too_long cleanup
name_too_long_head()
{
	atf_set descr "A name of 256 bytes is ENAMETOOLONG, as Linux says, in" \
	    "every request that takes one; 255 bytes is a good name"
}
name_too_long_body()
{
	e2e_tree_small
	n255=$(printf '%0255d' 0 | tr 0 a)
	n256=${n255}b
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK"
	cat >nl.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 $n256
walk 0 1 dir $n256
walk 0 2
lcreate 2 $n256 RDWR 0644
mkdir 0 $n256 0755
symlink 0 $n256 file
mknod 0 $n256 S_IFIFO|0644 0 0
walk 0 3 file
link 0 3 $n256
rename 3 0 $n256
renameat 0 file 0 $n256
renameat 0 $n256 0 x
unlinkat 0 $n256
unlinkat 0 $n256 REMOVEDIR
mkdir 0 $n255 0755
walk 0 4 $n255
EOF
	cat >nl.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rwalk 0
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rwalk 1 file
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rlerror ENAMETOOLONG
Rmkdir dir
Rwalk 1 dir
EOF
	e2e_p9c nl
	[ -d "$E2E_EXPORT/$n255" ] || atf_fail "no 255-byte directory"
	atf_check -o inline:"hello\n" cat "$E2E_EXPORT/file"
}
name_too_long_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case version
	atf_add_test_case attach
	atf_add_test_case walk
	atf_add_test_case getattr
	atf_add_test_case read
	atf_add_test_case read_large
	atf_add_test_case readdir
	atf_add_test_case readlink
	atf_add_test_case statfs
	atf_add_test_case clunk
	atf_add_test_case badfid
	atf_add_test_case unsupported
	atf_add_test_case name_too_long
}
