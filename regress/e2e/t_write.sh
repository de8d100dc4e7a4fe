#! /usr/bin/env atf-sh
#
# The modifying side of 9P2000.L, message by message with p9c: every
# success is checked on the host (stat, cat, getfattr of the export),
# every error case by its exact errno on the wire.

. "$(atf_get_srcdir)/e2e.subr"

# The uid and gid a test attaches as and asks for; not the daemon's.
W_UID=1234
W_GID=4321

w_start()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l "unix:$E2E_SOCK" "$@"
}

# w_host FORMAT PATH EXPECTED: stat(1) of a host path in the export,
# never following a symlink.
w_host()
{
	atf_check -o inline:"$3\n" stat -c "$1" "$E2E_EXPORT/$2"
}

atf_test_case lcreate cleanup
lcreate_head()
{
	atf_set descr "Tlcreate: the fid becomes the open new file, owned" \
	    "by the attaching uid and the requested gid; write-only stays" \
	    "write-only to the client; EEXIST, ENOTDIR, ELOOP, EINVAL"
	atf_set require.user root
}
lcreate_body()
{
	w_start
	cat >c.in <<EOF
version
attach 0 root $E2E_EXPORT $W_UID
walk 0 1
lcreate 1 new WRONLY 0640 $W_GID
write 1 0 abc
read 1 0 10
getattr 1
lopen 1 RDONLY
walk 0 2
lcreate 2 new RDWR|EXCL 0644
lcreate 2 file RDWR|EXCL 0644
lcreate 2 dangling RDWR|EXCL 0644
lcreate 2 dir RDWR|EXCL 0644
getattr 2 MODE
lcreate 2 "" RDWR 0644
lcreate 2 a/b RDWR 0644
lcreate 2 .. RDWR 0644
lcreate 2 . RDWR 0644
lcreate 2 rw RDWR 0600 $W_GID
write 2 0 "hello world"
read 2 6 100
walk 0 3
lcreate 3 ro RDONLY 0444
read 3 0 10
write 3 0 x
walk 0 4 file
lcreate 4 x RDWR 0644
walk 0 5 link
lcreate 5 x RDWR 0644
walk 0 6 dirlink
lcreate 6 x RDWR 0644
walk 0 7 dir
lcreate 7 trunc RDWR|TRUNC|APPEND 0644
write 7 0 t
clunk 7
walk 0 8 dir trunc
getattr 8 SIZE
EOF
	cat >c.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
Rlcreate file 0
Rwrite 3
Rlerror EBADF
Rgetattr mode=0100640 uid=$W_UID gid=$W_GID nlink=1 size=3
Rlerror EINVAL
Rwalk 0
Rlerror EEXIST
Rlerror EEXIST
Rlerror EEXIST
Rlerror EEXIST
Rgetattr mode=040755
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rlcreate file 0
Rwrite 11
Rread 5 world
Rwalk 0
Rlcreate file 0
Rread 0
Rlerror EBADF
Rwalk 1 file
Rlerror ENOTDIR
Rwalk 1 symlink
Rlerror ELOOP
Rwalk 1 symlink
Rlerror ELOOP
Rwalk 1 dir
Rlcreate file 0
Rwrite 1
Rclunk
Rwalk 2 dir file
Rgetattr size=1
EOF
	e2e_p9c c
	w_host '%a %u %g %s %F' new "640 $W_UID $W_GID 3 regular file"
	atf_check -o inline:"abc" cat "$E2E_EXPORT/new"
	w_host '%a %u %g %s' rw "600 $W_UID $W_GID 11"
	atf_check -o inline:"hello world" cat "$E2E_EXPORT/rw"
	w_host '%a %u %s' ro "444 $W_UID 0"
	atf_check -o inline:"t" cat "$E2E_EXPORT/dir/trunc"
	# Nothing made through the dangling link or in the file/link fids.
	atf_check test ! -e "$E2E_EXPORT/nowhere"
	atf_check test ! -e "$E2E_EXPORT/x"
	atf_check test ! -e "$E2E_EXPORT/dir/x"
	atf_check -o inline:"hello\n" cat "$E2E_EXPORT/file"
}
lcreate_cleanup()
{
	e2e_stop
}

atf_test_case lcreate_existing cleanup
lcreate_existing_head()
{
	atf_set descr "Tlcreate without O_EXCL opens an existing file as" \
	    "open(2) does, never through a symlink and only what Tlopen" \
	    "opens; with O_EXCL EEXIST; on a read-only export only reading"
}
lcreate_existing_body()
{
	e2e_tree_small
	mkfifo "$E2E_EXPORT/fifo"
	printf 'truncate me' >"$E2E_EXPORT/t"
	mkdir "$E2E_DIR/ro"
	printf 'ro\n' >"$E2E_DIR/ro/f"
	e2e_start -e "$E2E_EXPORT" -e "ro=$E2E_DIR/ro,ro" -l "unix:$E2E_SOCK"
	cat >x.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1
lcreate 1 file RDWR 0600
read 1 0 100
write 1 5 !
getattr 1 MODE|SIZE
walk 0 2
lcreate 2 file RDWR|EXCL 0600
lcreate 2 link RDWR 0600
lcreate 2 dangling RDWR 0600
lcreate 2 dir RDONLY 0600
lcreate 2 fifo RDONLY 0600
lcreate 2 t WRONLY|TRUNC 0600
read 2 0 10
getattr 2 SIZE
attach 5 root ro
walk 5 6
lcreate 6 f RDONLY 0600
read 6 0 10
walk 5 7
lcreate 7 f WRONLY 0600
lcreate 7 f RDONLY|TRUNC 0600
lcreate 7 f RDONLY|EXCL 0600
lcreate 7 new RDONLY 0600
EOF
	cat >x.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
Rlcreate file 0
Rread 6 hello\\n
Rwrite 1
Rgetattr mode=0100644 size=6
Rwalk 0
Rlerror EEXIST
Rlerror ELOOP
Rlerror ELOOP
Rlerror EISDIR
Rlerror EPERM
Rlcreate file 0
Rlerror EBADF
Rgetattr size=0
Rattach dir
Rwalk 0
Rlcreate file 0
Rread 3 ro\\n
Rwalk 0
Rlerror EROFS
Rlerror EROFS
Rlerror EROFS
Rlerror EROFS
EOF
	e2e_p9c x
	atf_check -o inline:"hello!" cat "$E2E_EXPORT/file"
	w_host '%s %F' t "0 regular empty file"
	w_host '%F' fifo "fifo"
	atf_check test ! -e "$E2E_EXPORT/nowhere"
	atf_check test ! -e "$E2E_DIR/ro/new"
}
lcreate_existing_cleanup()
{
	e2e_stop
}

atf_test_case mkdir cleanup
mkdir_head()
{
	atf_set descr "Tmkdir: ownership, EEXIST, ENOTDIR, ELOOP, EINVAL"
	atf_set require.user root
}
mkdir_body()
{
	w_start
	cat >m.in <<EOF
version
attach 0 root $E2E_EXPORT $W_UID
mkdir 0 d 0750 $W_GID
mkdir 0 d 0755
mkdir 0 file 0755
mkdir 0 link 0755
mkdir 0 "" 0755
mkdir 0 .. 0755
walk 0 1 d
mkdir 1 e 0700
walk 1 2 e
getattr 2
walk 0 3 file
mkdir 3 x 0755
walk 0 4 dirlink
mkdir 4 x 0755
EOF
	cat >m.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rmkdir dir
Rlerror EEXIST
Rlerror EEXIST
Rlerror EEXIST
Rlerror EINVAL
Rlerror EINVAL
Rwalk 1 dir
Rmkdir dir
Rwalk 1 dir
Rgetattr mode=040700 uid=$W_UID gid=0 nlink=2 size=4096
Rwalk 1 file
Rlerror ENOTDIR
Rwalk 1 symlink
Rlerror ELOOP
EOF
	# a directory's size is the file system's business
	sz=$(stat -c %s "$E2E_EXPORT/emptydir")
	sed -i "s/size=4096/size=$sz/" m.out
	e2e_p9c m
	w_host '%a %u %g %F' d "750 $W_UID $W_GID directory"
	w_host '%a %u %g %F' d/e "700 $W_UID 0 directory"
	atf_check test ! -e "$E2E_EXPORT/x"
	atf_check test ! -e "$E2E_EXPORT/dir/x"
	atf_check test -L "$E2E_EXPORT/link"
}
mkdir_cleanup()
{
	e2e_stop
}

atf_test_case symlink cleanup
symlink_head()
{
	atf_set descr "Tsymlink: the target is stored verbatim and never" \
	    "resolved, even when it points out of the export"
	atf_set require.user root
}
symlink_body()
{
	w_start
	cat >s.in <<EOF
version
attach 0 root $E2E_EXPORT $W_UID
symlink 0 s ../../etc/passwd $W_GID
walk 0 1 s
getattr 1 MODE|UID|GID|SIZE
readlink 1
lopen 1 RDONLY
lopen 1 WRONLY
walk 0 2 s x
walk 1 3 x
symlink 0 abs /etc/shadow
walk 0 4 abs
readlink 4
symlink 0 "sp ace" "a b\\\\c"
walk 0 5 "sp ace"
readlink 5
symlink 0 s x
symlink 0 file x
symlink 0 t ""
symlink 0 "" x
symlink 0 a/b x
walk 0 6 file
symlink 6 t x
walk 0 7 dirlink
symlink 7 t x
EOF
	cat >s.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rsymlink symlink
Rwalk 1 symlink
Rgetattr mode=0120777 uid=$W_UID gid=$W_GID size=16
Rreadlink ../../etc/passwd
Rlerror ELOOP
Rlerror ELOOP
Rwalk 1 symlink
Rlerror ELOOP
Rsymlink symlink
Rwalk 1 symlink
Rreadlink /etc/shadow
Rsymlink symlink
Rwalk 1 symlink
Rreadlink a\\x20b\\\\c
Rlerror EEXIST
Rlerror EEXIST
Rlerror ENOENT
Rlerror EINVAL
Rlerror EINVAL
Rwalk 1 file
Rlerror ENOTDIR
Rwalk 1 symlink
Rlerror ELOOP
EOF
	e2e_p9c s
	atf_check -o inline:"../../etc/passwd\n" readlink "$E2E_EXPORT/s"
	atf_check -o inline:"/etc/shadow\n" readlink "$E2E_EXPORT/abs"
	atf_check -o inline:'a b\\c\n' readlink "$E2E_EXPORT/sp ace"
	w_host '%u %g %F' s "$W_UID $W_GID symbolic link"
	atf_check -o inline:"file\n" readlink "$E2E_EXPORT/link"
	atf_check test ! -e "$E2E_EXPORT/t"
	atf_check test ! -e "$E2E_EXPORT/dir/t"
}
symlink_cleanup()
{
	e2e_stop
}

atf_test_case link cleanup
link_head()
{
	atf_set descr "Tlink: a hard link (count 2 on the host), of a" \
	    "symlink too; EPERM on a directory, EEXIST, ENOTDIR"
}
link_body()
{
	w_start
	cat >l.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
link 0 1 hl
getattr 1 NLINK
link 0 1 hl
link 0 1 dir
walk 0 2 dir
link 2 1 inner
link 0 2 dl
walk 0 3 link
link 0 3 hlink
walk 0 4 dir one
link 4 1 x
walk 0 5 dirlink
link 5 1 x
link 0 1 ""
link 0 1 a/b
EOF
	cat >l.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlink
Rgetattr nlink=2
Rlerror EEXIST
Rlerror EEXIST
Rwalk 1 dir
Rlink
Rlerror EPERM
Rwalk 1 symlink
Rlink
Rwalk 2 dir file
Rlerror ENOTDIR
Rwalk 1 symlink
Rlerror ELOOP
Rlerror EINVAL
Rlerror EINVAL
EOF
	e2e_p9c l
	w_host '%h' file 3
	w_host '%h %F' hl "3 regular file"
	w_host '%h' dir/inner 3
	atf_check -o inline:"$(stat -c %i "$E2E_EXPORT/file")\n" \
	    stat -c %i "$E2E_EXPORT/hl"
	atf_check test ! -e "$E2E_EXPORT/dl"
	w_host '%h %F' hlink "2 symbolic link"
	atf_check -o inline:"file\n" readlink "$E2E_EXPORT/hlink"
}
link_cleanup()
{
	e2e_stop
}

atf_test_case mknod cleanup
mknod_head()
{
	atf_set descr "Tmknod: FIFOs, sockets and regular files; devices" \
	    "EPERM unless the export allows them"
}
mknod_body()
{
	w_start
	cat >n.in <<EOF
version
attach 0 root $E2E_EXPORT
mknod 0 fifo S_IFIFO|0640 0 0
mknod 0 sock S_IFSOCK|0600 0 0
mknod 0 reg S_IFREG|0644 0 0
mknod 0 chr S_IFCHR|0644 1 3
mknod 0 blk S_IFBLK|0644 7 0
mknod 0 fifo S_IFIFO|0640 0 0
mknod 0 file S_IFIFO|0640 0 0
mknod 0 lnk S_IFLNK|0777 0 0
mknod 0 dir2 S_IFDIR|0755 0 0
walk 0 1 fifo
getattr 1 MODE
lopen 1 RDONLY
walk 0 2 file
mknod 2 x S_IFIFO|0640 0 0
EOF
	cat >n.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rmknod file
Rmknod file
Rmknod file
Rlerror EPERM
Rlerror EPERM
Rlerror EEXIST
Rlerror EEXIST
Rlerror EINVAL
Rlerror EINVAL
Rwalk 1 file
Rgetattr mode=010640
Rlerror EPERM
Rwalk 1 file
Rlerror ENOTDIR
EOF
	e2e_p9c n
	w_host '%a %F' fifo "640 fifo"
	w_host '%a %F' sock "600 socket"
	w_host '%a %F' reg "644 regular empty file"
	for f in chr blk lnk dir2 x; do
		atf_check test ! -e "$E2E_EXPORT/$f"
		atf_check test ! -L "$E2E_EXPORT/$f"
	done
}
mknod_cleanup()
{
	e2e_stop
}

atf_test_case mknod_allowdev cleanup
mknod_allowdev_head()
{
	atf_set descr "Tmknod of devices on an allowdev export; the node is" \
	    "made but never opened or walked to"
	atf_set require.user root
}
mknod_allowdev_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT,allowdev" -l "unix:$E2E_SOCK"
	cat >d.in <<EOF
version
attach 0 root $E2E_EXPORT
mknod 0 chr S_IFCHR|0600 1 3
mknod 0 blk S_IFBLK|0600 7 0
walk 0 1 chr
getattr 1 MODE|RDEV
lopen 1 RDONLY
walk 0 2 blk
getattr 2 MODE|RDEV
lopen 2 RDONLY|NONBLOCK
remove 2
unlinkat 0 chr
EOF
	cat >d.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rmknod file
Rmknod file
Rwalk 1 file
Rgetattr mode=020600 rdev=259
Rlerror EPERM
Rwalk 1 file
Rgetattr mode=060600 rdev=1792
Rlerror EPERM
Rremove
Runlinkat
EOF
	e2e_p9c d
	atf_check test ! -e "$E2E_EXPORT/chr"
	atf_check test ! -e "$E2E_EXPORT/blk"
}
mknod_allowdev_cleanup()
{
	e2e_stop
}

atf_test_case special cleanup
special_head()
{
	atf_set descr "Device nodes, FIFOs and sockets made on the host are" \
	    "path-only fids without allowdev: walk, getattr, setattr, link," \
	    "rename, unlinkat and remove work; Tlopen is EPERM"
	atf_set require.user root
}
special_body()
{
	w_start
	mknod -m 0640 "$E2E_EXPORT/chr" c 1 3
	mknod -m 0640 "$E2E_EXPORT/blk" b 7 0
	mknod -m 0640 "$E2E_EXPORT/dir/fifo" p
	cat >s.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 chr
getattr 1 MODE|RDEV|NLINK
setattr 1 mode=0604 uid=$W_UID gid=$W_GID mtime=1000000000
getattr 1 MODE|UID|GID|MTIME
lopen 1 RDONLY
lopen 1 WRONLY
lopen 1 RDONLY|NONBLOCK
link 0 1 chr2
getattr 1 NLINK
walk 0 2 dir
rename 1 2 chr3
getattr 1 MODE|RDEV
walk 0 3 blk
getattr 3 MODE|RDEV
lopen 3 RDWR
renameat 0 blk 2 blk2
getattr 3 MODE|RDEV
walk 0 4 dir fifo
getattr 4 MODE
setattr 4 mode=0600
lopen 4 RDONLY|NONBLOCK
unlinkat 0 chr2
remove 3
remove 4
walk 0 5 dir chr3
getattr 5 MODE|UID|GID|NLINK
EOF
	cat >s.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rgetattr mode=020640 nlink=1 rdev=259
Rsetattr
Rgetattr mode=020604 uid=$W_UID gid=$W_GID mtime=1000000000.000000000
Rlerror EPERM
Rlerror EPERM
Rlerror EPERM
Rlink
Rgetattr nlink=2
Rwalk 1 dir
Rrename
Rgetattr mode=020604 rdev=259
Rwalk 1 file
Rgetattr mode=060640 rdev=1792
Rlerror EPERM
Rrenameat
Rgetattr mode=060640 rdev=1792
Rwalk 2 dir file
Rgetattr mode=010640
Rsetattr
Rlerror EPERM
Runlinkat
Rremove
Rremove
Rwalk 2 dir file
Rgetattr mode=020604 uid=$W_UID gid=$W_GID nlink=1
EOF
	e2e_p9c s
	w_host '%a %u %g %F %t:%T' dir/chr3 \
	    "604 $W_UID $W_GID character special file 1:3"
	for f in chr chr2 blk dir/blk2 dir/fifo; do
		atf_check test ! -e "$E2E_EXPORT/$f"
	done
}
special_cleanup()
{
	e2e_stop
}

atf_test_case rename cleanup
rename_head()
{
	atf_set descr "Trename of a file and a directory: the fid and every" \
	    "open fid below it stay valid, for this and other clients;" \
	    "EBUSY for the root, ENOTDIR, EINVAL"
}
rename_body()
{
	w_start
	cat >r.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lopen 1 RDONLY
walk 0 2 dir
rename 1 2 moved
getattr 1 SIZE
read 1 0 100
walk 0 3 dir sub deep
lopen 3 RDONLY
walk 0 4 dir
rename 4 0 newdir
read 3 0 100
getattr 3 SIZE
walk 4 5 sub deep
getattr 5 SIZE
rename 4 0 third
walk 0 6 third sub
rename 3 6 deep2
rename 5 6 deep3
rename 1 0 back
walk 0 7 back
rename 0 2 root
rename 7 1 x
walk 0 8 third
rename 8 8 inside
rename 7 0 ""
rename 7 0 a/b
rename 7 0 ..
conn 1
version
attach 0 root $E2E_EXPORT
walk 0 1 third
rename 1 0 fourth
conn 0
rename 8 0 fifth
read 3 0 100
remove 7
EOF
	cat >r.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rwalk 1 dir
Rrename
Rgetattr size=6
Rread 6 hello\\n
Rwalk 3 dir dir file
Rlopen file 0
Rwalk 1 dir
Rrename
Rread 10 deep file\\n
Rgetattr size=10
Rwalk 2 dir file
Rgetattr size=10
Rrename
Rwalk 2 dir dir
Rrename
Rrename
Rrename
Rwalk 1 file
Rlerror EBUSY
Rlerror ENOTDIR
Rwalk 1 dir
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 dir
Rrename
Rrename
Rread 10 deep file\\n
Rremove
EOF
	e2e_p9c r
	atf_check test ! -e "$E2E_EXPORT/file"
	atf_check test ! -e "$E2E_EXPORT/back"
	atf_check test ! -e "$E2E_EXPORT/dir"
	atf_check test ! -e "$E2E_EXPORT/newdir"
	atf_check test ! -e "$E2E_EXPORT/third"
	atf_check test ! -e "$E2E_EXPORT/fourth"
	# fid 5 was the same file as fid 3: it followed the rename to deep2
	atf_check -o inline:"deep file\n" cat "$E2E_EXPORT/fifth/sub/deep3"
	atf_check test ! -e "$E2E_EXPORT/fifth/sub/deep"
	atf_check test ! -e "$E2E_EXPORT/fifth/sub/deep2"
	atf_check test ! -e "$E2E_EXPORT/fifth/moved"
	atf_check test ! -e "$E2E_EXPORT/x"
}
rename_cleanup()
{
	e2e_stop
}

atf_test_case renameat cleanup
renameat_head()
{
	atf_set descr "Trenameat: files and directories, replacing; ENOENT," \
	    "ENOTEMPTY, EISDIR, ENOTDIR, EINVAL"
}
renameat_body()
{
	w_start
	mkdir "$E2E_EXPORT/full" "$E2E_EXPORT/full/x" "$E2E_EXPORT/d1"
	printf 'one\n' >"$E2E_EXPORT/d1/f"
	cat >a.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 dir
renameat 0 nosuch 0 x
renameat 0 file 1 f2
renameat 1 f2 0 empty
renameat 0 d1 0 full
renameat 0 d1 0 emptydir
renameat 0 empty 0 full
renameat 0 full 0 empty
renameat 0 link 0 l2
walk 0 2 empty
renameat 2 a 0 b
walk 0 3 dirlink
renameat 3 one 0 b
renameat 0 empty 0 ""
renameat 0 . 0 x
renameat 0 empty 0 ..
renameat 0 emptydir 1 sub
EOF
	cat >a.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 dir
Rlerror ENOENT
Rrenameat
Rrenameat
Rlerror ENOTEMPTY
Rrenameat
Rlerror EISDIR
Rlerror ENOTDIR
Rrenameat
Rwalk 1 file
Rlerror ENOTDIR
Rwalk 1 symlink
Rlerror ELOOP
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rlerror ENOTEMPTY
EOF
	e2e_p9c a
	atf_check test ! -e "$E2E_EXPORT/file"
	atf_check test ! -e "$E2E_EXPORT/dir/f2"
	atf_check -o inline:"hello\n" cat "$E2E_EXPORT/empty"
	atf_check test ! -e "$E2E_EXPORT/d1"
	atf_check -o inline:"one\n" cat "$E2E_EXPORT/emptydir/f"
	atf_check test -d "$E2E_EXPORT/full/x"
	atf_check -o inline:"file\n" readlink "$E2E_EXPORT/l2"
	atf_check test ! -L "$E2E_EXPORT/link"
	atf_check test -d "$E2E_EXPORT/dir/sub"
}
renameat_cleanup()
{
	e2e_stop
}

atf_test_case unlinkat cleanup
unlinkat_head()
{
	atf_set descr "Tunlinkat: files, symlinks (not their targets) and" \
	    "directories with AT_REMOVEDIR; ENOTEMPTY, EISDIR, ENOTDIR," \
	    "ENOENT, EINVAL"
}
unlinkat_body()
{
	w_start
	cat >u.in <<EOF
version
attach 0 root $E2E_EXPORT
unlinkat 0 emptydir REMOVEDIR
unlinkat 0 dir REMOVEDIR
unlinkat 0 dir
unlinkat 0 file REMOVEDIR
unlinkat 0 nosuch
unlinkat 0 nosuch REMOVEDIR
unlinkat 0 link
unlinkat 0 dirlink REMOVEDIR
unlinkat 0 dirlink
unlinkat 0 empty 0x100
unlinkat 0 ""
unlinkat 0 ..
unlinkat 0 dir/one
walk 0 1 file
unlinkat 1 x
walk 0 2 dir
unlinkat 2 one
unlinkat 0 file
EOF
	cat >u.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Runlinkat
Rlerror ENOTEMPTY
Rlerror EISDIR
Rlerror ENOTDIR
Rlerror ENOENT
Rlerror ENOENT
Runlinkat
Rlerror ENOTDIR
Runlinkat
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rlerror EINVAL
Rwalk 1 file
Rlerror ENOTDIR
Rwalk 1 dir
Runlinkat
Runlinkat
EOF
	e2e_p9c u
	for f in emptydir link dirlink file dir/one; do
		atf_check test ! -e "$E2E_EXPORT/$f"
		atf_check test ! -L "$E2E_EXPORT/$f"
	done
	atf_check test -d "$E2E_EXPORT/dir/sub"
	atf_check test -f "$E2E_EXPORT/empty"
}
unlinkat_cleanup()
{
	e2e_stop
}

atf_test_case remove cleanup
remove_head()
{
	atf_set descr "Tremove: removes a file or an empty directory, and" \
	    "clunks the fid whatever the result (EBADF afterwards)"
}
remove_body()
{
	w_start
	cat >v.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lopen 1 RDONLY
remove 1
getattr 1
read 1 0 1
walk 0 1 dir
remove 1
getattr 1
walk 0 2 emptydir
remove 2
clunk 2
walk 0 3 link
remove 3
walk 0 4 dir one
walk 0 5 dir one
remove 4
remove 5
getattr 5
walk 0 6
remove 6
getattr 6
remove 0
getattr 0
attach 0 root $E2E_EXPORT
getattr 0 MODE
EOF
	cat >v.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rremove
Rlerror EBADF
Rlerror EBADF
Rwalk 1 dir
Rlerror ENOTEMPTY
Rlerror EBADF
Rwalk 1 dir
Rremove
Rlerror EBADF
Rwalk 1 symlink
Rremove
Rwalk 2 dir file
Rwalk 2 dir file
Rremove
Rlerror ENOENT
Rlerror EBADF
Rwalk 0
Rlerror EBUSY
Rlerror EBADF
Rlerror EBUSY
Rlerror EBADF
Rattach dir
Rgetattr mode=040755
EOF
	e2e_p9c v
	for f in file emptydir link dir/one; do
		atf_check test ! -e "$E2E_EXPORT/$f"
		atf_check test ! -L "$E2E_EXPORT/$f"
	done
	atf_check test -d "$E2E_EXPORT/dir/sub"
	atf_check test -d "$E2E_EXPORT"
}
remove_cleanup()
{
	e2e_stop
}

atf_test_case write cleanup
write_head()
{
	atf_set descr "Twrite: EBADF unopened, read-only or on a directory;" \
	    "offsets, holes, truncation and append checked on the host"
}
write_body()
{
	w_start
	cat >w.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
write 1 0 x
lopen 1 RDONLY
write 1 0 x
walk 0 2 file
lopen 2 WRONLY
write 2 0 HELLO
write 2 10 end
read 2 0 5
walk 0 3 dir
lopen 3 RDONLY
write 3 0 x
walk 0 4 empty
lopen 4 RDWR|TRUNC
write 4 0 "two words"
read 4 4 100
walk 0 5 dir one
lopen 5 WRONLY|TRUNC
clunk 5
walk 0 6 dir sub deep
lopen 6 WRONLY|APPEND
write 6 0 more
write 0 0 x
EOF
	cat >w.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EBADF
Rlopen file 0
Rlerror EBADF
Rwalk 1 file
Rlopen file 0
Rwrite 5
Rwrite 3
Rlerror EBADF
Rwalk 1 dir
Rlopen dir 0
Rlerror EBADF
Rwalk 1 file
Rlopen file 0
Rwrite 9
Rread 5 words
Rwalk 2 dir file
Rlopen file 0
Rclunk
Rwalk 3 dir dir file
Rlopen file 0
Rwrite 4
Rlerror EBADF
EOF
	e2e_p9c w
	printf 'HELLO\n\0\0\0\0end' >want
	atf_check cmp want "$E2E_EXPORT/file"
	atf_check -o inline:"two words" cat "$E2E_EXPORT/empty"
	w_host %s dir/one 0
	atf_check -o inline:"deep file\nmore" cat "$E2E_EXPORT/dir/sub/deep"
}
write_cleanup()
{
	e2e_stop
}

atf_test_case fsync cleanup
fsync_head()
{
	atf_set descr "Tfsync: EBADF on an unopened fid, fine when open"
}
fsync_body()
{
	w_start
	cat >f.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
fsync 1
lopen 1 RDWR
fsync 1
fsync 1 1
walk 0 2 dir
fsync 2
lopen 2 RDONLY
fsync 2
fsync 0
clunk 1
fsync 1
EOF
	cat >f.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EBADF
Rlopen file 0
Rfsync
Rfsync
Rwalk 1 dir
Rlerror EBADF
Rlopen dir 0
Rfsync
Rlerror EBADF
Rclunk
Rlerror EBADF
EOF
	e2e_p9c f
}
fsync_cleanup()
{
	e2e_stop
}

atf_test_case setattr cleanup
setattr_head()
{
	atf_set descr "Tsetattr: mode, uid, gid, size up and down, explicit" \
	    "and current times, CTIME alone; unknown bits EPERM with no" \
	    "change; a symlink's times without touching its target"
	atf_set require.user root
}
setattr_body()
{
	w_start
	touch -h -d '2001-01-01 00:00:00' "$E2E_EXPORT/link"
	touch -d '2002-02-02 00:00:00' "$E2E_EXPORT/file"
	cat >a.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
setattr 1 mode=0600
getattr 1 MODE
setattr 1 uid=$W_UID gid=$W_GID
getattr 1 UID|GID
setattr 1 gid=0
getattr 1 UID|GID
setattr 1 size=100
getattr 1 SIZE
setattr 1 size=2
getattr 1 SIZE
setattr 1 atime=1000000000.5 mtime=1234567890.123456789
getattr 1 ATIME|MTIME
setattr 1 ctime
setattr 1 valid=0
setattr 1 mode=0777 valid=0x8001
setattr 1 mode=0777 valid=0x200
getattr 1 MODE
walk 0 2 link
setattr 2 atime=1100000000 mtime=1200000000.25
getattr 2 ATIME|MTIME
walk 0 3 dir
setattr 3 size=0
setattr 3 mode=0711
getattr 3 MODE
lopen 1 RDWR
setattr 1 size=1
read 1 0 10
setattr 1 mtime=now
EOF
	cat >a.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rsetattr
Rgetattr mode=0100600
Rsetattr
Rgetattr uid=$W_UID gid=$W_GID
Rsetattr
Rgetattr uid=$W_UID gid=0
Rsetattr
Rgetattr size=100
Rsetattr
Rgetattr size=2
Rsetattr
Rgetattr atime=1000000000.500000000 mtime=1234567890.123456789
Rsetattr
Rsetattr
Rlerror EPERM
Rlerror EPERM
Rgetattr mode=0100600
Rwalk 1 symlink
Rsetattr
Rgetattr atime=1100000000.000000000 mtime=1200000000.250000000
Rwalk 1 dir
Rlerror EISDIR
Rsetattr
Rgetattr mode=040711
Rlopen file 0
Rsetattr
Rread 1 h
Rsetattr
EOF
	before=$(date +%s)
	e2e_p9c a
	after=$(date +%s)
	w_host '%a %u %g %s' file "600 $W_UID 0 1"
	atf_check -o inline:"h" cat "$E2E_EXPORT/file"
	w_host '%.9X %.9Y' link "1100000000.000000000 1200000000.250000000"
	w_host '%a' dir 711
	m=$(stat -c %Y "$E2E_EXPORT/file")
	[ "$m" -ge "$before" ] && [ "$m" -le "$after" ] ||
	    atf_fail "mtime=now gave $m, not within [$before, $after]"
}
setattr_cleanup()
{
	e2e_stop
}

atf_test_case setattr_symlink_target cleanup
setattr_symlink_target_head()
{
	atf_set descr "Tsetattr of a symlink's times leaves its target alone"
}
setattr_symlink_target_body()
{
	w_start
	touch -d '2002-02-02 00:00:00.5' "$E2E_EXPORT/file"
	want=$(stat -c '%.9X %.9Y' "$E2E_EXPORT/file")
	cat >t.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 link
setattr 1 atime=1100000000 mtime=1200000000
setattr 1 mtime=now
walk 0 2 dangling
setattr 2 mtime=1300000000
EOF
	cat >t.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 symlink
Rsetattr
Rsetattr
Rwalk 1 symlink
Rsetattr
EOF
	e2e_p9c t
	atf_check -o inline:"$want\n" stat -c '%.9X %.9Y' "$E2E_EXPORT/file"
	w_host '%X' link 1100000000
	w_host '%Y' dangling 1300000000
	atf_check test ! -e "$E2E_EXPORT/nowhere"
}
setattr_symlink_target_cleanup()
{
	e2e_stop
}

atf_test_case xattr cleanup
xattr_head()
{
	atf_set descr "Txattrcreate + Twrite + Tclunk set user.x (seen by" \
	    "getfattr); Txattrwalk reads it and lists; size 0 removes;" \
	    "ENODATA, EEXIST, short writes"
	atf_set require.progs "getfattr setfattr"
}
xattr_body()
{
	e2e_init
	: >probe
	setfattr -n user.probe -v 1 probe 2>/dev/null ||
	    atf_skip "the file system of $(pwd) has no user xattrs"
	w_start
	setfattr -n user.host -v fromhost "$E2E_EXPORT/dir/one"
	cat >x.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
xattrcreate 1 user.x 5
read 1 0 5
write 1 0 hello
clunk 1
walk 0 2 file
xattrwalk 2 3 user.x
read 3 0 100
read 3 2 2
write 3 0 x
clunk 3
xattrwalk 2 3 ""
read 3 0 100
clunk 3
xattrwalk 2 3 user.nosuch
walk 0 4 dir one
xattrwalk 4 5 user.host
read 5 0 100
clunk 5
walk 0 6 file
xattrcreate 6 user.x 3 CREATE
write 6 0 abc
clunk 6
walk 0 6 file
xattrcreate 6 user.y 3 REPLACE
write 6 0 abc
clunk 6
walk 0 6 file
xattrcreate 6 user.short 4
write 6 0 ab
clunk 6
walk 0 6 file
xattrcreate 6 user.big 2
write 6 0 abc
clunk 6
walk 0 6 file
xattrcreate 6 user.x 0
clunk 6
xattrwalk 2 3 user.x
walk 0 7 file
xattrcreate 7 "" 1
clunk 7
EOF
	cat >x.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rxattrcreate
Rlerror EBADF
Rwrite 5
Rclunk
Rwalk 1 file
Rxattrwalk 5
Rread 5 hello
Rread 2 ll
Rlerror EBADF
Rclunk
Rxattrwalk 7
Rread 7 user.x\\x00
Rclunk
Rlerror ENODATA
Rwalk 2 dir file
Rxattrwalk 8
Rread 8 fromhost
Rclunk
Rwalk 1 file
Rxattrcreate
Rwrite 3
Rlerror EEXIST
Rwalk 1 file
Rxattrcreate
Rwrite 3
Rlerror ENODATA
Rwalk 1 file
Rxattrcreate
Rwrite 2
Rlerror EINVAL
Rwalk 1 file
Rxattrcreate
Rlerror ERANGE
Rlerror EINVAL
Rwalk 1 file
Rxattrcreate
Rclunk
Rlerror ENODATA
Rwalk 1 file
Rlerror EINVAL
Rclunk
EOF
	# user.x as set by the first clunk, before the rest removed it
	sed -n '1,/^clunk 1$/p' x.in >x1.in
	sed -n '1,7p' x.out >x1.out
	e2e_p9c x1
	atf_check -o inline:"hello" getfattr --absolute-names -n user.x \
	    --only-values "$E2E_EXPORT/file"
	e2e_p9c x
	atf_check -s not-exit:0 -o ignore -e ignore getfattr -n user.x \
	    "$E2E_EXPORT/file"
	for a in user.y user.short user.big; do
		atf_check -s not-exit:0 -o ignore -e ignore getfattr -n "$a" \
		    "$E2E_EXPORT/file"
	done
}
xattr_cleanup()
{
	e2e_stop
}

atf_test_case lock cleanup
lock_head()
{
	atf_set descr "Tlock/Tgetlock between two connections on one file:" \
	    "a write lock blocks the other (BLOCKED, never a hang, even with" \
	    "the BLOCK flag), getlock shows its range, unlock and clunk" \
	    "release it"
}
lock_body()
{
	w_start
	cat >k.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lock 1 wr 0 10
lopen 1 RDWR
conn 1
version
attach 0 root $E2E_EXPORT
walk 0 1 file
lopen 1 RDWR
conn 0
lock 1 wr 0 10
conn 1
lock 1 wr 5 10
within 2000 lock 1 wr 5 10 BLOCK
lock 1 rd 0 1
lock 1 wr 20 5
getlock 1 wr 0 0
getlock 1 rd 9 1
getlock 1 wr 10 10
conn 0
getlock 1 wr 20 1
getlock 1 wr 100 1
getlock 1 un 0 0
walk 0 2 file
lopen 2 RDWR
lock 2 wr 22 1
lock 1 un 0 10
conn 1
lock 1 wr 5 10
getlock 1 wr 0 0
clunk 1
conn 0
lock 2 wr 0 0
getlock 1 rd 0 0
lock 1 wr 0 0
lock 2 un 0 0
lock 1 wr 0 0
EOF
	cat >k.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EBADF
Rlopen file 0
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rlock ok
Rlock blocked
Rlock blocked
Rlock blocked
Rlock ok
Rgetlock wr 0 10
Rgetlock wr 0 10
Rgetlock un 10 10
Rgetlock wr 20 5
Rgetlock un 100 1
Rlerror EINVAL
Rwalk 1 file
Rlopen file 0
Rlock blocked
Rlock ok
Rlock ok
Rgetlock un 0 0
Rclunk
Rlock ok
Rgetlock wr 0 0
Rlock blocked
Rlock ok
Rlock ok
EOF
	e2e_p9c k
}

lock_cleanup()
{
	e2e_stop
}

atf_test_case flush cleanup
flush_head()
{
	atf_set descr "Tflush: of an unknown tag at once; of a request in" \
	    "flight, its reply (if any) comes before the Rflush, never after"
	atf_set timeout 300
}
flush_body()
{
	w_start
	cat >l.in <<EOF
version 524312
attach 0 root $E2E_EXPORT
flush 4242
walk 0 1
lcreate 1 big RDWR 0644
writefill 1 0 67108864 61
async fsync 1
async flush last
recv
recv
recv 1000
getattr 1 SIZE
EOF
	e2e_p9c_save l
	head -n 5 l.got >head.got
	cat >head.want <<EOF
Rversion 524312 9P2000.L
Rattach dir
Rflush
Rwalk 0
Rlcreate file 0
EOF
	atf_check -o file:head.want cat head.got
	atf_check -o inline:"Rwrite 67108864\n" sed -n 6p l.got
	order=$(sed -n '7,9p' l.got | tr '\n' ' ')
	case "$order" in
	"Rfsync Rflush timeout ") ;;
	"Rflush timeout timeout ") ;;	# cancelled: no reply at all
	*)	atf_fail "flushed request and Rflush out of order: $order" ;;
	esac
	atf_check -o inline:"Rgetattr size=67108864\n" sed -n 10p l.got
	w_host %s big 67108864
}
flush_cleanup()
{
	e2e_stop
}

atf_test_case auth cleanup
auth_head()
{
	atf_set descr "Tauth gets a clean ENOENT while authentication is" \
	    "off; the afid is not made and the session goes on"
}
auth_body()
{
	w_start
	cat >t.in <<EOF
version
auth 1 root $E2E_EXPORT
auth 1 root ""
getattr 1
attach 0 root $E2E_EXPORT
getattr 0 MODE
EOF
	cat >t.out <<EOF
Rversion 8192 9P2000.L
Rlerror ENOENT
Rlerror ENOENT
Rlerror EBADF
Rattach dir
Rgetattr mode=040755
EOF
	e2e_p9c t
}
auth_cleanup()
{
	e2e_stop
}

atf_test_case mknod_devnum cleanup
mknod_devnum_head()
{
	atf_set descr "Tmknod's major and minor reach the node intact" \
	    "past 8 bits each (the host's makedev, not a wire layout)"
	atf_set require.user root
}
mknod_devnum_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT,allowdev" -l "unix:$E2E_SOCK"
	cat >d.in <<EOF
version
attach 0 root $E2E_EXPORT
mknod 0 wide S_IFCHR|0600 259 70000
mknod 0 top S_IFBLK|0600 4095 1048575
EOF
	cat >d.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rmknod file
Rmknod file
EOF
	e2e_p9c d
	# stat(1) prints the numbers in hex: 259:70000, 4095:1048575.
	w_host '%F %t:%T' wide "character special file 103:11170"
	w_host '%F %t:%T' top "block special file fff:fffff"
}
mknod_devnum_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case lcreate
	atf_add_test_case lcreate_existing
	atf_add_test_case mkdir
	atf_add_test_case symlink
	atf_add_test_case link
	atf_add_test_case mknod
	atf_add_test_case mknod_allowdev
	atf_add_test_case special
	atf_add_test_case rename
	atf_add_test_case renameat
	atf_add_test_case unlinkat
	atf_add_test_case remove
	atf_add_test_case write
	atf_add_test_case fsync
	atf_add_test_case setattr
	atf_add_test_case setattr_symlink_target
	atf_add_test_case xattr
	atf_add_test_case lock
	atf_add_test_case flush
	atf_add_test_case auth
	atf_add_test_case mknod_devnum
}
