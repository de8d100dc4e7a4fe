#! /usr/bin/env atf-sh
#
# A read-only export (-e PATH,ro): every modifying operation answers
# EROFS, reading still works, and the host tree is unchanged to the
# byte, the mode, the owner and the time afterwards.

. "$(atf_get_srcdir)/e2e.subr"

# Everything about the export a modification could change: each
# entry's type, mode, owner, size, mtime, ctime, link target and link
# count, each file's checksum, and the user xattrs where getfattr is.
ro_snapshot()
{
	(
		cd "$E2E_EXPORT" &&
		find . -printf '%p %y %m %U %G %s %n %T@ %C@ %l\n' |
		    LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort -k 2 &&
		if command -v getfattr >/dev/null 2>&1; then
			getfattr -R -d -m - --absolute-names . 2>/dev/null
		fi
	) >"$1"
}

atf_test_case every_op cleanup
every_op_head()
{
	atf_set descr "Every modifying 9P2000.L operation on a read-only" \
	    "export says EROFS; the host tree is byte for byte unchanged"
}
every_op_body()
{
	e2e_tree_small
	mkfifo "$E2E_EXPORT/fifo"
	if command -v setfattr >/dev/null 2>&1; then
		setfattr -n user.x -v 1 "$E2E_EXPORT/file" 2>/dev/null || true
	fi
	ro_snapshot before
	e2e_start -e "$E2E_EXPORT,ro" -l "unix:$E2E_SOCK"
	cat >r.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1
lcreate 1 new RDWR 0644
lcreate 1 new RDONLY 0644
lcreate 1 file RDWR 0644
mkdir 0 d 0755
mkdir 0 dir 0755
symlink 0 s file
mknod 0 p S_IFIFO|0644 0 0
mknod 0 so S_IFSOCK|0644 0 0
mknod 0 r S_IFREG|0644 0 0
walk 0 2 file
link 0 2 hl
rename 2 0 moved
rename 2 0 file
renameat 0 file 0 moved
renameat 0 file 0 empty
unlinkat 0 file
unlinkat 0 emptydir REMOVEDIR
unlinkat 0 link
lopen 2 WRONLY
lopen 2 RDWR
lopen 2 RDONLY|TRUNC
lopen 2 WRONLY|TRUNC|APPEND
setattr 2 mode=0600
setattr 2 uid=$E2E_UID gid=$E2E_GID
setattr 2 size=0
setattr 2 size=100
setattr 2 atime=now mtime=now
setattr 2 mtime=1000000000
setattr 0 mode=0700
xattrcreate 2 user.x 0
xattrcreate 2 user.y 1
walk 0 3 link
setattr 3 mtime=now
walk 0 4 dir
mkdir 4 x 0755
lcreate 4 x WRONLY 0644
symlink 4 x y
unlinkat 4 one
renameat 4 one 0 one
walk 0 5 dir one
remove 5
getattr 5
remove 4
getattr 4
walk 0 6 emptydir
remove 6
walk 0 7 file
lopen 7 RDONLY
read 7 0 100
write 7 0 x
fsync 7
lock 7 rd 0 0
getattr 7 MODE|SIZE
walk 0 8 dir
lopen 8 RDONLY
fsync 8
readdir 8 sort
xattrwalk 7 9 ""
clunk 9
statfs 0
remove 2
getattr 2
EOF
	{
		cat <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
EOF
		# lcreate .. mknod: 9 refusals
		i=0
		while [ $i -lt 9 ]; do
			echo "Rlerror EROFS"
			i=$((i + 1))
		done
		echo "Rwalk 1 file"
		# link .. setattr 0 mode: 19, then two xattrcreates
		i=0
		while [ $i -lt 19 ]; do
			echo "Rlerror EROFS"
			i=$((i + 1))
		done
		cat <<EOF
Rlerror EROFS
Rlerror EROFS
Rwalk 1 symlink
Rlerror EROFS
Rwalk 1 dir
Rlerror EROFS
Rlerror EROFS
Rlerror EROFS
Rlerror EROFS
Rlerror EROFS
Rwalk 2 dir file
Rlerror EROFS
Rlerror EBADF
Rlerror EROFS
Rlerror EBADF
Rwalk 1 dir
Rlerror EROFS
Rwalk 1 file
Rlopen file 0
Rread 6 hello\\n
Rlerror EBADF
Rfsync
Rlock ok
Rgetattr mode=0100644 size=6
Rwalk 1 dir
Rlopen dir 0
Rfsync
EOF
		e2e_hostls "$E2E_EXPORT/dir"
	} >r.want
	e2e_p9c_save r
	# statfs's and the xattr list's exact values are the host's: the
	# lines are there, and everything else is exact.
	grep -v '^Rxattrwalk \|^Rclunk$\|^Rstatfs ' r.got >r.cmp
	printf 'Rlerror EROFS\nRlerror EBADF\n' >>r.want
	atf_check -o file:r.want cat r.cmp
	atf_check -o inline:"1\n" grep -c '^Rxattrwalk [0-9]*$' r.got
	atf_check -o inline:"1\n" grep -c '^Rstatfs ' r.got
	e2e_alive
	ro_snapshot after
	atf_check -o empty diff before after
}
every_op_cleanup()
{
	e2e_stop
}

atf_test_case rw_beside_ro cleanup
rw_beside_ro_head()
{
	atf_set descr "A read-write export served by the same daemon beside" \
	    "a read-only one still takes writes; the read-only one not"
}
rw_beside_ro_body()
{
	e2e_tree_small
	mkdir rw
	ro_snapshot before
	e2e_start -e "ro=$E2E_EXPORT,ro" -e "rw=$E2E_DIR/rw" \
	    -l "unix:$E2E_SOCK"
	cat >b.in <<EOF
version
attach 0 root ro
attach 1 root rw
mkdir 0 x 0755
mkdir 1 x 0755
walk 1 2
lcreate 2 f RDWR 0644
write 2 0 data
walk 0 3
lcreate 3 f RDWR 0644
EOF
	cat >b.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rlerror EROFS
Rmkdir dir
Rwalk 0
Rlcreate file 0
Rwrite 4
Rwalk 0
Rlerror EROFS
EOF
	e2e_p9c b
	atf_check test -d rw/x
	atf_check -o inline:"data" cat rw/f
	ro_snapshot after
	atf_check -o empty diff before after
}
rw_beside_ro_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case every_op
	atf_add_test_case rw_beside_ro
}
