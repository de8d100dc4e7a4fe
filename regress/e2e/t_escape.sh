#! /usr/bin/env atf-sh
#
# The attacker tries to get out of the export: symlinks pointing outside
# (absolute, relative, to a directory), ".." at the root, renames and
# links aimed outside, bad names in every name-taking message, and a
# directory swapped for a symlink to outside while it walks and writes.
# Canaries live next to the export (attack.subr); after every group of
# attempts nothing outside may have been read, written, created or
# changed.  Each case runs with the default confinement (Landlock) and
# again with -S, since path safety must not depend on it.

. "$(atf_get_srcdir)/e2e.subr"
. "$(atf_get_srcdir)/attack.subr"

esc_start()
{
	atk_tree
	e2e_start -e "$ATK_EXP" -l "unix:$E2E_DIR/sock" "$@"
	if [ $# -eq 0 ]; then
		grep -q 'workers confined' log ||
		    echo "note: no Landlock here; this case runs unconfined" >&2
	fi
}

# Attempts on a symlink to a file outside: fid 1 is the link.
esc_filelink()
{
	_w=$1
	cat <<EOF
walk 0 1 $_w
=Rreadlink $2
readlink 1
!lopen RDONLY $_w
lopen 1 RDONLY
!lopen RDWR $_w
lopen 1 RDWR
!lopen WRONLY|TRUNC $_w
lopen 1 WRONLY|TRUNC
!lopen NOFOLLOW $_w
lopen 1 RDONLY|NOFOLLOW
!read $_w
read 1 0 100
!write $_w
write 1 0 PWNED
!readdir $_w
readdir1 1 0 1000
!setattr size $_w
setattr 1 size=0
?setattr mode $_w
setattr 1 mode=0777
?setattr owner $_w
setattr 1 uid=1 gid=1
?setattr times $_w
setattr 1 atime=5 mtime=5
?setattr now $_w
setattr 1 atime=now mtime=now
?getattr $_w
getattr 1
?statfs $_w
statfs 1
?fsync $_w
fsync 1
?lock $_w
lock 1 wr 0 0
?xattrwalk $_w
xattrwalk 1 9 user.canary
?xattr read
read 9 0 100
?clunk
clunk 9
?xattrwalk list $_w
xattrwalk 1 9 ""
?xattr list read
read 9 0 100
?clunk
clunk 9
?xattrcreate $_w
xattrcreate 1 user.evil 5
?xattrcreate write
write 1 0 PWNED
?xattrcreate commit
clunk 1
walk 0 1 $_w
?link to the link $_w
link 0 1 hard.$3
?clunk
clunk 1
EOF
}

# Attempts on a symlink to a directory outside: fid 2 is the link,
# fid 5 a file of the export.
esc_dirlink()
{
	_w=$1
	cat <<EOF
walk 0 2 $_w
?walk through $_w
walk 0 3 $_w cfile
!getattr of a walk through $_w
getattr 3
!walk from $_w
walk 2 3 cfile
!lopen $_w
lopen 2 RDONLY
!lopen DIRECTORY $_w
lopen 2 RDONLY|DIRECTORY
!readdir $_w
readdir1 2 0 1000
!lcreate in $_w
lcreate 2 newf RDWR 0644
!lcreate WRONLY in $_w
lcreate 2 newf WRONLY 0644
!mkdir in $_w
mkdir 2 newd 0755
!symlink in $_w
symlink 2 newl target
!mknod in $_w
mknod 2 newp IFIFO|0644 0 0
!link into $_w
link 2 5 newh
!renameat into $_w
renameat 0 file 2 moved
!renameat out of $_w
renameat 2 cfile 0 stolen
!rename into $_w
rename 5 2 moved
!unlinkat in $_w
unlinkat 2 cfile
!unlinkat REMOVEDIR in $_w
unlinkat 2 cfile REMOVEDIR
?setattr mode $_w
setattr 2 mode=0777
?setattr owner $_w
setattr 2 uid=1 gid=1
?xattrwalk $_w
xattrwalk 2 9 ""
?xattr list read
read 9 0 100
?clunk
clunk 9
?clunk
clunk 2
EOF
}

symlinks_body_common()
{
	esc_start "$@"
	{
		echo version
		echo "attach 0 root $ATK_EXP"
		echo "walk 0 5 file"
		esc_filelink abs "$ATK_OUT/canary" abs
		esc_filelink rel ../outside/canary rel
		esc_filelink "sub deep" ../../outside/canary deep
		esc_dirlink absdir
		esc_dirlink reldir
		esc_dirlink slash
		echo "walk 0 2 sub up"
		echo "?walk through sub/up"
		echo "walk 0 3 sub up outside canary"
		echo "!getattr of a walk through sub/up"
		echo "getattr 3"
		echo "!lcreate in sub/up"
		echo "lcreate 2 planted RDWR 0644"
		echo "=Rgetattr size=6"
		echo "getattr 5 SIZE"
	} >sym.in
	atk_run sym
	atk_canary "symlink attempts"
	# A hard link to a symlink is a link to the link, never its target.
	for h in hard.abs hard.rel hard.deep; do
		[ -e "$ATK_EXP/$h" ] || [ -L "$ATK_EXP/$h" ] || continue
		[ -L "$ATK_EXP/$h" ] || atf_fail "$h links the target"
	done
	[ -L "$ATK_EXP/abs" ] && [ -L "$ATK_EXP/absdir" ] ||
	    atf_fail "the symlinks themselves changed type"
	atk_canary_content
	e2e_alive
}

atf_test_case symlinks cleanup
symlinks_head()
{
	atf_set descr "Symlinks inside the export pointing outside: walk" \
	    "through, open, read, write, setattr, create inside, xattrs," \
	    "links: nothing outside read or changed"
}
symlinks_body()
{
	symlinks_body_common
}
symlinks_cleanup()
{
	e2e_stop
}

atf_test_case symlinks_nosandbox cleanup
symlinks_nosandbox_head()
{
	atf_set descr "The symlink attempts with -S (no Landlock)"
}
symlinks_nosandbox_body()
{
	symlinks_body_common -S
}
symlinks_nosandbox_cleanup()
{
	e2e_stop
}

dotdot_body_common()
{
	esc_start "$@"
	dd=".. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .."
	cat >dd.in <<EOF
version
attach 0 root $ATK_EXP
=Rwalk 1 dir
walk 0 1 ..
=same
samefile 0 1
=Rwalk 16 dir dir dir dir dir dir dir dir dir dir dir dir dir dir dir dir
walk 0 2 $dd
=same
samefile 0 2
=Rwalk 3 dir dir dir
walk 2 3 .. .. ..
=same
samefile 0 3
?walk .. .. .. canary
walk 0 4 .. .. .. outside canary
!getattr of .. .. .. canary
getattr 4
?walk .. outside
walk 0 4 .. outside
!getattr of .. outside
getattr 4
=Rwalk 4 dir dir dir dir
walk 0 4 sub .. .. ..
=same
samefile 0 4
=Rwalk 2 dir dir
walk 0 6 sub ..
=same
samefile 0 6
!attach an aname with ..
attach 7 root $ATK_EXP/..
!attach an aname with .. outside
attach 7 root $ATK_EXP/../outside
=Rwalk 1 dir
walk 0 8 ..
?lcreate after ..
lcreate 8 planted RDWR 0644
?mkdir after ..
mkdir 1 planteddir 0755
!walk outside from ..
walk 1 9 outside
EOF
	atk_run dd
	atk_canary ".. at the root"
	[ ! -e "$ATK_ARENA/planted" ] && [ ! -e "$ATK_ARENA/planteddir" ] ||
	    atf_fail "a file was created beside the export"
	atk_canary_content
}

atf_test_case dotdot cleanup
dotdot_head()
{
	atf_set descr "\"..\" at the root stays at the root (its qid is the" \
	    "root's); creating after it creates inside"
}
dotdot_body()
{
	dotdot_body_common
}
dotdot_cleanup()
{
	e2e_stop
}

atf_test_case dotdot_nosandbox cleanup
dotdot_nosandbox_head()
{
	atf_set descr "\"..\" at the root with -S (no Landlock)"
}
dotdot_nosandbox_body()
{
	dotdot_body_common -S
}
dotdot_nosandbox_cleanup()
{
	e2e_stop
}

# Every name-taking message with every bad name.
names_body_common()
{
	esc_start "$@"
	(cd "$ATK_EXP" && find . -printf '%p %y %i %n %s %T@\n' |
	    LC_ALL=C sort) >export.want
	{
		echo version
		echo "attach 0 root $ATK_EXP"
		echo "walk 0 5 file"
		echo "walk 0 6 sub"
		for n in '""' . .. / a/b ../x ../outside/evil /x x/ \
		    ../outside/canary ../outside/cdir "..\\x2fx"; do
			cat <<EOF
walk 0 1
!lcreate $n
lcreate 1 $n RDWR 0644
?clunk
clunk 1
!mkdir $n
mkdir 0 $n 0755
!mkdir in sub $n
mkdir 6 $n 0755
!symlink $n
symlink 0 $n /etc/passwd
!mknod $n
mknod 0 $n IFIFO|0644 0 0
!link $n
link 0 5 $n
!rename $n
rename 5 0 $n
!rename in sub $n
rename 5 6 $n
!renameat new $n
renameat 0 file 0 $n
!renameat old $n
renameat 0 $n 0 newname
!renameat old in sub $n
renameat 6 $n 0 newname
!unlinkat $n
unlinkat 0 $n
!unlinkat REMOVEDIR $n
unlinkat 0 $n REMOVEDIR
!unlinkat REMOVEDIR in sub $n
unlinkat 6 $n REMOVEDIR
EOF
			case $n in
			.|..) ;;
			*)	printf '!walk %s\nwalk 0 1 %s\n' "$n" "$n"
				printf '!walk sub %s\nwalk 6 1 %s\n' "$n" "$n" ;;
			esac
		done
		echo "=Rgetattr size=6"
		echo "getattr 5 SIZE"
	} >names.in
	atk_run names
	atk_canary "bad names"
	(cd "$ATK_EXP" && find . -printf '%p %y %i %n %s %T@\n' |
	    LC_ALL=C sort) >export.got
	diff -u export.want export.got >&2 ||
	    atf_fail "a refused name changed the export"
	[ -d "$E2E_DIR/arena" ] && [ -d "$ATK_EXP" ] ||
	    atf_fail "the export or its parent moved"
	atk_canary_content
}

atf_test_case names cleanup
names_head()
{
	atf_set descr "Names with '/', '', '.', '..' in lcreate, mkdir," \
	    "symlink, mknod, link, rename, renameat, unlinkat, walk: refused," \
	    "nothing changes"
}
names_body()
{
	names_body_common
}
names_cleanup()
{
	e2e_stop
}

atf_test_case names_nosandbox cleanup
names_nosandbox_head()
{
	atf_set descr "The bad names with -S (no Landlock)"
}
names_nosandbox_body()
{
	names_body_common -S
}
names_nosandbox_cleanup()
{
	e2e_stop
}

# The host swaps export/race (a directory) and export/rfile (a file)
# with symlinks to the canaries, as fast as it can, while the client
# walks into them and creates, writes, reads, lists.
race_loop()
{
	if command -v perl >/dev/null 2>&1; then
		exec perl -e '
		my ($d, $stop) = @ARGV;
		chdir($d) or die;
		my $n = 0;
		until (-e $stop) {
			rename("race", "race.real");
			symlink("../outside/cdir", "race");
			rename("rfile", "rfile.real");
			symlink("../outside/canary", "rfile");
			rename("race", "race.l");
			rename("race.real", "race");
			unlink("race.l");
			rename("rfile", "rfile.l");
			rename("rfile.real", "rfile");
			unlink("rfile.l");
			$n++;
		}
		print "$n\n";' "$ATK_EXP" "$E2E_DIR/race.stop"
	fi
	cd "$ATK_EXP" || exit 1
	n=0
	while [ ! -e "$E2E_DIR/race.stop" ]; do
		mv race race.real
		ln -s ../outside/cdir race
		mv rfile rfile.real
		ln -s ../outside/canary rfile
		rm -f race rfile
		mv race.real race
		mv rfile.real rfile
		n=$((n + 1))
	done
	echo $n
}

race_body_common()
{
	esc_start "$@"
	{
		echo version
		echo "attach 0 root $ATK_EXP"
		i=0
		while [ $i -lt 400 ]; do
			cat <<EOF
walk 0 1 race
lcreate 1 new$i RDWR 0644
write 1 0 PWNED
read 1 0 100
clunk 1
walk 0 1 race
mkdir 1 dir$i 0755
symlink 1 sym$i /etc/passwd
mknod 1 fifo$i IFIFO|0644 0 0
lopen 1 RDONLY|DIRECTORY
readdir1 1 0 8000
clunk 1
walk 0 2 race cfile
getattr 2
clunk 2
walk 0 2 race inner
lopen 2 RDWR
write 2 0 PWNED
read 2 0 100
clunk 2
walk 0 3 rfile
lopen 3 RDWR
write 3 0 PWNED
read 3 0 100
setattr 3 size=1 mode=0777
clunk 3
walk 0 4
lcreate 4 rfile RDWR 0644
write 4 0 PWNED
clunk 4
EOF
			i=$((i + 1))
		done
	} >race.in
	rm -f race.stop
	race_loop >race.count 2>race.err &
	echo $! >race.pid
	start=$(date +%s)
	rounds=0
	: >race.all
	while [ $(($(date +%s) - start)) -lt 10 ]; do
		"$E2E_P9C" -t 20 "$E2E_ADDR" <race.in >race.got 2>race.p9err ||
		    { cat race.p9err >&2; touch race.stop;
		    atf_fail "p9c failed in the race"; }
		cat race.got >>race.all
		rounds=$((rounds + 1))
	done
	touch race.stop
	wait "$(cat race.pid)"
	swaps=$(cat race.count)
	echo "race: $rounds client rounds, $swaps host swaps" >&2
	[ -n "$swaps" ] && [ "$swaps" -ge 100 ] ||
	    atf_fail "the host loop swapped only ${swaps:-0} times"
	e2e_alive
	if grep -Eq "$ATK_LEAK" race.all; then
		grep -E "$ATK_LEAK" race.all | sort | uniq -c >&2
		atf_fail "data from outside the export reached the client"
	fi
	# the race was real: both sides of the swap were seen
	grep -q '^Rwalk 1 symlink$' race.all ||
	    atf_fail "the client never walked onto the swapped-in symlink"
	grep -q '^Rlcreate file' race.all ||
	    atf_fail "the client never created a file in the real directory"
	grep -q '^Rread [0-9]* PWNED' race.all ||
	    atf_fail "the client never wrote and read back in the export"
	atk_canary "the race loop"
	atk_canary_content
	# everything created went into the real directory, under the export
	find "$ATK_EXP" -name 'new*' | grep -v "^$ATK_EXP/race/" &&
	    atf_fail "a created file is outside race/"
	return 0
}

atf_test_case race cleanup
race_head()
{
	atf_set descr "A directory and a file swapped with symlinks to" \
	    "outside thousands of times while the client walks, creates," \
	    "writes, reads: nothing outside read, created or changed"
	atf_set timeout 120
}
race_body()
{
	race_body_common
}
race_cleanup()
{
	touch race.stop 2>/dev/null
	e2e_stop
}

atf_test_case race_nosandbox cleanup
race_nosandbox_head()
{
	atf_set descr "The race loop with -S (no Landlock)"
	atf_set timeout 120
}
race_nosandbox_body()
{
	race_body_common -S
}
race_nosandbox_cleanup()
{
	touch race.stop 2>/dev/null
	e2e_stop
}

# Two-fid requests across exports: ./ro (read-only), ./rw and, as root,
# ./sq (squash=nobody).  Linux says EXDEV between mounts; the file
# in ./ro must not become writable through a link in ./rw, nothing
# may be renamed into ./ro, nor by root into ./sq.
cross_body_common()
{
	e2e_init
	mkdir ro rw sq
	chmod 755 ro
	chmod 777 rw sq
	printf 'readonly\n' >ro/file
	chmod 644 ro/file
	printf 'rw file\n' >rw/mine
	sqexp=
	if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
		sqexp="-e sq=$E2E_DIR/sq,squash=nobody"
	fi
	e2e_start -e "ro=$E2E_DIR/ro,ro" -e "rw=$E2E_DIR/rw" $sqexp \
	    -l "unix:$E2E_SOCK" "$@"
	cat >x.in <<EOF
version
attach 0 root ro
attach 1 root rw
walk 0 2 file
link 1 2 hl
walk 1 3 mine
link 0 3 hl
rename 2 1 moved
rename 3 0 moved
renameat 0 file 1 moved
renameat 1 mine 0 moved
renameat 1 mine 1 mine2
EOF
	cat >x.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rwalk 1 file
Rlerror EXDEV
Rwalk 1 file
Rlerror EROFS
Rlerror EXDEV
Rlerror EXDEV
Rlerror EXDEV
Rlerror EXDEV
Rrenameat
EOF
	e2e_p9c x
	[ -e rw/hl ] && atf_fail "a read-only file got a name in rw"
	[ -e rw/moved ] || [ -e ro/moved ] || [ -e ro/hl ] &&
	    atf_fail "a rename or link crossed exports"
	[ -e ro/file ] || atf_fail "ro/file was moved"
	atf_check -o inline:"readonly\n" cat ro/file
	if [ -n "$sqexp" ]; then
		cat >s.in <<EOF
version
attach 0 root rw
attach 1 root sq
walk 0 2 mine2
rename 2 1 asroot
renameat 0 mine2 1 asroot
link 1 2 asroot
walk 1 3
lcreate 3 bynobody RDWR 0644
renameat 1 bynobody 0 stolen
EOF
		cat >s.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rwalk 1 file
Rlerror EXDEV
Rlerror EXDEV
Rlerror EXDEV
Rwalk 0
Rlcreate file 0
Rlerror EXDEV
EOF
		e2e_p9c s
		[ -e sq/asroot ] &&
		    atf_fail "root renamed into the squash export"
		[ -e rw/stolen ] && atf_fail "a rename left the squash export"
		[ -e rw/mine2 ] || atf_fail "rw/mine2 is gone"
	fi
	e2e_alive
}

atf_test_case cross_export cleanup
cross_export_head()
{
	atf_set descr "Tlink, Trename and Trenameat between two exports" \
	    "(read-only, read-write, squash) are EXDEV; EROFS for a new" \
	    "name in a read-only export"
}
cross_export_body()
{
	cross_body_common
}
cross_export_cleanup()
{
	e2e_stop
}

atf_test_case cross_export_nosandbox cleanup
cross_export_nosandbox_head()
{
	atf_set descr "The cross-export attempts with -S (no Landlock)"
}
cross_export_nosandbox_body()
{
	cross_body_common -S
}
cross_export_nosandbox_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case symlinks
	atf_add_test_case symlinks_nosandbox
	atf_add_test_case dotdot
	atf_add_test_case dotdot_nosandbox
	atf_add_test_case names
	atf_add_test_case names_nosandbox
	atf_add_test_case race
	atf_add_test_case race_nosandbox
	atf_add_test_case cross_export
	atf_add_test_case cross_export_nosandbox
}
