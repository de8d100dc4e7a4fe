#! /usr/bin/env atf-sh
#
# Who the attacker is, and who the daemon is: squash and user identity
# modes, the -u privilege drop, unix socket permissions and the TCP
# allow-list.  Most cases need root (they act as other users).

. "$(atf_get_srcdir)/e2e.subr"
. "$(atf_get_srcdir)/attack.subr"

NOBODY=$(id -u nobody 2>/dev/null)
NOGROUP=$(id -g nobody 2>/dev/null)

id_need()
{
	[ "$(id -u)" -eq 0 ] || atf_skip "needs root (acts as other users)"
	[ -n "$NOBODY" ] || atf_skip "no user nobody on this host"
}

# A uid that no account has.
id_unknown()
{
	u=54321
	while getent passwd "$u" >/dev/null 2>&1; do
		u=$((u + 1))
	done
	echo "$u"
}

atf_test_case squash cleanup
squash_head()
{
	atf_set descr "squash=nobody: files made through 9P are" \
	    "nobody:nogroup whatever the attach uid; chown is refused;" \
	    "root-only files are unreadable"
}
squash_body()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	printf 'rootonly\n' >"$E2E_EXPORT/secret"
	chmod 600 "$E2E_EXPORT/secret"
	e2e_start -e "$E2E_EXPORT,squash=nobody" -l "unix:$E2E_SOCK"
	cat >sq.in <<EOF
version
attach 0 root $E2E_EXPORT 0
walk 0 1
lcreate 1 by0 RDWR 0644 0
setattr 1 uid=0 gid=0
mkdir 0 dir0 0755 0
attach 2 someone $E2E_EXPORT 1234
walk 2 3
lcreate 3 by1234 RDWR 0644 1234
walk 0 4 secret
lopen 4 RDONLY
walk 0 5 file
setattr 5 uid=$NOBODY
EOF
	cat >sq.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 0
Rlcreate file 0
Rlerror EPERM
Rmkdir dir
Rattach dir
Rwalk 0
Rlcreate file 0
Rwalk 1 file
Rlerror EACCES
Rwalk 1 file
Rlerror EPERM
EOF
	e2e_p9c sq
	for f in by0 dir0 by1234; do
		atf_check -o inline:"$NOBODY:$NOGROUP\n" \
		    stat -c %u:%g "$E2E_EXPORT/$f"
	done
	atf_check -o inline:"0:0\n" stat -c %u:%g "$E2E_EXPORT/file"
}
squash_cleanup()
{
	e2e_stop
}

atf_test_case user_mode cleanup
user_mode_head()
{
	atf_set descr "user mode: a root-only file is EACCES for another" \
	    "uid and readable for uid 0; an unknown uid is EPERM at" \
	    "attach; new files belong to the attaching user"
}
user_mode_body()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	printf 'rootonly\n' >"$E2E_EXPORT/secret"
	chmod 600 "$E2E_EXPORT/secret"
	unk=$(id_unknown)
	e2e_start -e "$E2E_EXPORT,user" -l "unix:$E2E_SOCK"
	cat >um.in <<EOF
version
attach 0 nobody $E2E_EXPORT $NOBODY
walk 0 1 secret
lopen 1 RDONLY
walk 0 2
lcreate 2 bynobody RDWR 0644
setattr 2 uid=0
walk 0 3 file
lopen 3 RDWR
attach 10 root $E2E_EXPORT 0
walk 10 11 secret
lopen 11 RDONLY
read 11 0 100
attach 20 x $E2E_EXPORT $unk
attach 21 nobody $E2E_EXPORT none
walk 21 22
lcreate 22 byname RDWR 0644
attach 23 no-such-user-here $E2E_EXPORT none
EOF
	cat >um.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EACCES
Rwalk 0
Rlcreate file 0
Rlerror EPERM
Rwalk 1 file
Rlerror EACCES
Rattach dir
Rwalk 1 file
Rlopen file 0
Rread 9 rootonly\n
Rlerror EPERM
Rattach dir
Rwalk 0
Rlcreate file 0
Rlerror EPERM
EOF
	e2e_p9c um
	atf_check -o inline:"$NOBODY:$NOGROUP\n" \
	    stat -c %u:%g "$E2E_EXPORT/bynobody"
	atf_check -o inline:"$NOBODY:$NOGROUP\n" \
	    stat -c %u:%g "$E2E_EXPORT/byname"
	atf_check -o inline:"hello\n" cat "$E2E_EXPORT/file"
}
user_mode_cleanup()
{
	e2e_stop
}

# A POSIX ACL granting uid $1 the permission bits $2 (4: read, 6: read
# and write): user::rw- user:$1:$2 group::--- mask::$2 other::---, as
# the raw system.posix_acl_access value, in p9c escapes (little-endian:
# version 2, then tag, perm, id per entry).
id_acl()
{
	printf '\\x02\\x00\\x00\\x00'
	printf '\\x01\\x00\\x06\\x00\\xff\\xff\\xff\\xff'
	printf '\\x02\\x00\\x%02x\\x00\\x%02x\\x%02x\\x%02x\\x%02x' $2 \
	    $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) \
	    $(($1 >> 24 & 255))
	printf '\\x04\\x00\\x00\\x00\\xff\\xff\\xff\\xff'
	printf '\\x10\\x00\\x%02x\\x00\\xff\\xff\\xff\\xff' $2
	printf '\\x20\\x00\\x00\\x00\\xff\\xff\\xff\\xff'
}

# Nothing a dropped xattr fid wrote may be on the files: no user.evil,
# no ACL, and the modes as they were (an ACL set changes the group bits).
id_xattr_none()
{
	for f in secret pub; do
		atf_check -s not-exit:0 -o ignore -e ignore \
		    getfattr -n user.evil "$E2E_EXPORT/$f"
		atf_check -s not-exit:0 -o ignore -e ignore \
		    getfattr -n system.posix_acl_access "$E2E_EXPORT/$f"
	done
	atf_check -o inline:"600 0:0\n644 0:0\n" stat -c '%a %u:%g' \
	    "$E2E_EXPORT/secret" "$E2E_EXPORT/pub"
}

# e2e_p9c, with EPERM and EACCES both "refused".
id_p9c_refused()
{
	e2e_p9c_save "$1"
	atf_check -o file:"$1.out" \
	    sed 's/^Rlerror E\(PERM\|ACCES\)$/refused/' "$1.got"
}

# A squashed or user-mode client (as nobody) leaves a Txattrcreate of
# user.evil and of an ACL granting itself read access pending on a
# root-only file, and the same with write access on a root file it may
# only read, then resets the session (Tversion) or disconnects.
# Only a Tclunk sets an attribute, with the client's rights (which the
# kernel refuses here); a dropped fid sets nothing, on no thread.
id_xattr_drop()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	printf 'rootonly\n' >"$E2E_EXPORT/secret"
	chmod 600 "$E2E_EXPORT/secret"
	printf 'rootonly\n' >"$E2E_EXPORT/pub"
	chmod 644 "$E2E_EXPORT/pub"
	: >probe
	setfattr -n user.probe -v 1 probe 2>/dev/null ||
	    atf_skip "the file system of $(pwd) has no user xattrs"
	setfattr -n system.posix_acl_access \
	    -v 0x0200000001000600ffffffff04000400ffffffff20000400ffffffff \
	    probe 2>/dev/null ||
	    atf_skip "the file system of $(pwd) has no POSIX ACLs"
	acl=$(id_acl "$NOBODY" 4)
	aclw=$(id_acl "$NOBODY" 6)
	e2e_start -v -e "$E2E_EXPORT,$1" -l "unix:$E2E_SOCK"
	# First what the kernel says to the client's own Tclunk: no (EPERM
	# or, where the attribute is set through a descriptor opened for
	# it as the PORTABLE build does, EACCES).
	cat >pend.head <<EOF
version
attach 0 nobody $E2E_EXPORT $NOBODY
walk 0 1 secret
xattrcreate 1 user.evil 4
write 1 0 evil
clunk 1
walk 0 1 secret
xattrcreate 1 system.posix_acl_access 44
write 1 0 "$acl"
clunk 1
walk 0 1 secret
xattrcreate 1 user.evil 4
write 1 0 evil
walk 0 2 secret
xattrcreate 2 system.posix_acl_access 44
write 2 0 "$acl"
walk 0 3 pub
xattrcreate 3 user.evil 4
write 3 0 evil
walk 0 4 pub
xattrcreate 4 system.posix_acl_access 44
write 4 0 "$aclw"
EOF
	cat >pend.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rxattrcreate
Rwrite 4
refused
Rwalk 1 file
Rxattrcreate
Rwrite 44
refused
Rwalk 1 file
Rxattrcreate
Rwrite 4
Rwalk 1 file
Rxattrcreate
Rwrite 44
Rwalk 1 file
Rxattrcreate
Rwrite 4
Rwalk 1 file
Rxattrcreate
Rwrite 44
EOF
	# Tversion: the session's fids are dropped before Rversion.
	cp pend.head ver.in
	echo version >>ver.in
	cp pend.out ver.out
	echo "Rversion 8192 9P2000.L" >>ver.out
	id_p9c_refused ver
	id_xattr_none
	# A disconnect: once the daemon saw the client go (its log says
	# so), one round trip of another connection, and the loop is past
	# the teardown.
	cp pend.head dis.in
	cp pend.out dis.out
	n=$(grep -c 'closed by peer' log)
	id_p9c_refused dis
	i=0
	while [ "$(grep -c 'closed by peer' log)" -le "$n" ]; do
		i=$((i + 1))
		[ $i -lt $E2E_WAIT ] ||
		    atf_fail "the daemon did not see the client go"
		sleep 0.1
	done
	e2e_healthy file 6
	id_xattr_none
}

atf_test_case xattr_drop_squash cleanup
xattr_drop_squash_head()
{
	atf_set descr "squash=nobody: a pending Txattrcreate of user.* or" \
	    "an ACL on a root-only file is not written when its fid is" \
	    "dropped by Tversion or a disconnect"
	atf_set require.progs "getfattr setfattr"
}
xattr_drop_squash_body()
{
	id_xattr_drop squash=nobody
}
xattr_drop_squash_cleanup()
{
	e2e_stop
}

atf_test_case xattr_drop_user cleanup
xattr_drop_user_head()
{
	atf_set descr "user mode, as nobody: a pending Txattrcreate of" \
	    "user.* or an ACL on a root-only file is not written when its" \
	    "fid is dropped by Tversion or a disconnect"
	atf_set require.progs "getfattr setfattr"
}
xattr_drop_user_body()
{
	id_xattr_drop user
}
xattr_drop_user_cleanup()
{
	e2e_stop
}

atf_test_case drop_user cleanup
drop_user_head()
{
	atf_set descr "-u nobody: after start-up every uid and gid of the" \
	    "daemon is nobody's, and a world-readable export is served"
}
drop_user_body()
{
	id_need
	e2e_tree_small
	# e2e_start would wait for the pidfile; here it is checked last
	rm -f pid
	"$E2E_DAEMON" -d -p "$E2E_DIR/pid" -e "$E2E_EXPORT" \
	    -l "unix:$E2E_SOCK,mode=0666" -u nobody >log 2>&1 &
	echo $! >daemon.pid
	pid=$!
	i=0
	while ! grep -q 'mount with:' log; do
		kill -0 "$pid" 2>/dev/null || { cat log >&2;
		    atf_fail "fsgoferd -u nobody exited during start-up"; }
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "fsgoferd -u nobody did not start"
		sleep 0.1
	done
	E2E_ADDR=unix:$E2E_SOCK
	# The started process keeps root only to clean up after its one
	# child, which serves: that child must hold no privilege at all.
	srv=$(pgrep -P "$pid")
	[ -n "$srv" ] && [ "$(echo "$srv" | wc -l)" -eq 1 ] ||
	    atf_fail "-u nobody: expected one serving child of $pid"
	atf_check -o inline:"$NOBODY $NOBODY $NOBODY $NOBODY\n" \
	    awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$srv/status"
	atf_check -o inline:"$NOGROUP $NOGROUP $NOGROUP $NOGROUP\n" \
	    awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$srv/status"
	atf_check -o inline:"$NOGROUP\n" \
	    awk '/^Groups:/ { $1 = ""; sub(/^ /, ""); print }' \
	    "/proc/$srv/status"
	# The keeper holds no listening socket: only the child serves.
	atf_check -o inline:"0\n" sh -c \
	    "ls -l /proc/$pid/fd 2>/dev/null | grep -c socket: || true"
	e2e_healthy file 6
	cat >du.in <<EOF
version
attach 0 root $E2E_EXPORT
walk 0 1 dir one
lopen 1 RDONLY
walk 0 2 dir sub deep
lopen 2 RDONLY
read 2 0 100
EOF
	cat >du.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 2 dir file
Rlerror EACCES
Rwalk 3 dir dir file
Rlopen file 0
Rread 10 deep file\n
EOF
	e2e_p9c du
	# root's files (written before the drop) and clean-up at exit
	[ -s pid ] && [ "$(cat pid)" = "$pid" ] || { cat log >&2;
	    atf_fail "-u nobody: no pidfile (written after the drop?)"; }
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "-u nobody: no exit on SIGTERM"
		sleep 0.1
	done
	[ ! -e "$E2E_SOCK" ] && [ ! -e pid ] || { cat log >&2;
	    atf_fail "-u nobody: socket or pidfile left after exit"; }
}
drop_user_cleanup()
{
	e2e_stop
}

atf_test_case drop_user_private cleanup
drop_user_private_head()
{
	atf_set descr "-u nobody with an export below a directory only root" \
	    "may search: the root is opened before the drop, so it is" \
	    "served (confinement included)"
}
drop_user_private_body()
{
	id_need
	e2e_init
	mkdir -m 700 private
	mkdir -m 755 private/export
	printf 'hello\n' >private/export/file
	chmod 644 private/export/file
	E2E_EXPORT=$E2E_DIR/private/export
	"$E2E_DAEMON" -d -e "$E2E_EXPORT" -l "unix:$E2E_SOCK,mode=0666" \
	    -u nobody >log 2>&1 &
	echo $! >daemon.pid
	i=0
	while ! grep -q 'mount with:' log; do
		kill -0 "$(cat daemon.pid)" 2>/dev/null || { cat log >&2;
		    atf_fail "fsgoferd -u nobody exited during start-up"; }
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "fsgoferd -u nobody did not start"
		sleep 0.1
	done
	E2E_ADDR=unix:$E2E_SOCK
	e2e_healthy file 6
}
drop_user_private_cleanup()
{
	e2e_stop
}

atf_test_case drop_user_modes
drop_user_modes_head()
{
	atf_set descr "-u with a user or squash export is refused at" \
	    "start-up with a clear error"
}
drop_user_modes_body()
{
	id_need
	e2e_init
	mkdir -p "$E2E_EXPORT"
	atf_check -s exit:1 -o empty -e match:'identity mode "user".*-u' \
	    "$E2E_DAEMON" -d -n -e "$E2E_EXPORT,user" -u nobody \
	    -l "unix:$E2E_SOCK"
	atf_check -s exit:1 -o empty -e match:'identity mode "user".*-u' \
	    "$E2E_DAEMON" -d -e "$E2E_EXPORT,user" -u nobody \
	    -l "unix:$E2E_SOCK"
	atf_check -s exit:1 -o empty -e match:'identity mode "squash"' \
	    "$E2E_DAEMON" -d -e "$E2E_EXPORT,squash=daemon" -u nobody \
	    -l "unix:$E2E_SOCK"
	[ ! -e "$E2E_SOCK" ] || atf_fail "a refused start left its socket"
}

# Sockets in a directory anyone may search, so nobody can try them.
id_sockdir()
{
	SOCKDIR=$(mktemp -d /tmp/fsgatk.XXXXXX) || atf_fail "mktemp"
	echo "$SOCKDIR" >sockdir
	chmod 755 "$SOCKDIR"
}

atf_test_case unix_mode cleanup
unix_mode_head()
{
	atf_set descr "unix sockets are 0600 by default; mode=0666 opens" \
	    "them to everybody; owner= sets the owner; nobody cannot" \
	    "connect to the 0600 one"
}
unix_mode_body()
{
	id_need
	e2e_tree_small
	id_sockdir
	e2e_start -e "$E2E_EXPORT" -l "unix:$SOCKDIR/def" \
	    -l "unix:$SOCKDIR/open,mode=0666" \
	    -l "unix:$SOCKDIR/own,mode=0660,owner=nobody:nogroup"
	atf_check -o inline:"600 0:0 socket\n" \
	    stat -c '%a %u:%g %F' "$SOCKDIR/def"
	atf_check -o inline:"666 0:0 socket\n" \
	    stat -c '%a %u:%g %F' "$SOCKDIR/open"
	atf_check -o inline:"660 $NOBODY:$NOGROUP socket\n" \
	    stat -c '%a %u:%g %F' "$SOCKDIR/own"
	printf 'version\n' >v.in
	atf_check -s not-exit:0 -o empty -e match:'Permission denied' \
	    setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	    "$E2E_P9C" "unix:$SOCKDIR/def" <v.in
	atf_check -o inline:'Rversion 8192 9P2000.L\n' \
	    setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	    "$E2E_P9C" "unix:$SOCKDIR/open" <v.in
	atf_check -o inline:'Rversion 8192 9P2000.L\n' \
	    setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	    "$E2E_P9C" "unix:$SOCKDIR/own" <v.in
	atf_check -o inline:'Rversion 8192 9P2000.L\n' \
	    "$E2E_P9C" "unix:$SOCKDIR/def" <v.in
}
unix_mode_cleanup()
{
	e2e_stop
	[ -s sockdir ] && rm -rf "$(cat sockdir)"
	return 0
}

atf_test_case allow_list cleanup
allow_list_head()
{
	atf_set descr "-a 10.9.9.9/32 refuses a 127.0.0.1 TCP client (closed" \
	    "without a reply; unix sockets are not affected); -a" \
	    "127.0.0.0/8 lets it in"
}
allow_list_body()
{
	e2e_tree_small
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0 -l "unix:$E2E_SOCK" \
	    -a 10.9.9.9/32
	cat >al.in <<EOF
version
EOF
	echo closed >al.out
	e2e_p9c al "$E2E_TCP"
	grep -q 'not in the allow list' log ||
	    atf_fail "the refusal was not logged"
	printf 'version\n' >v.in
	echo 'Rversion 8192 9P2000.L' >v.out
	e2e_p9c v "unix:$E2E_SOCK"
	e2e_stop
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0 -a 10.9.9.9/32 \
	    -a 127.0.0.0/8
	e2e_p9c v "$E2E_TCP"
	e2e_stop
	e2e_start -e "$E2E_EXPORT" -l tcp:127.0.0.1:0 -a 127.0.0.2/32
	e2e_p9c al "$E2E_TCP"
}
allow_list_cleanup()
{
	e2e_stop
}

# id_p9c_as USER NAME ADDR: run the p9c script NAME.in as USER (uid and
# primary group, no other groups) and require exactly NAME.out.
id_p9c_as()
{
	atf_check -s exit:0 -o file:"$2.out" -e empty \
	    setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups \
	    "$E2E_P9C" -t 20 "$3" <"$2.in"
}

# id_logged LINE: the daemon's log has LINE (after "fsgoferd: PEER: ").
id_logged()
{
	grep -F -q -- "$1" "$E2E_DIR/log" || {
		cat "$E2E_DIR/log" >&2
		atf_fail "not logged: $1"
	}
}

atf_test_case peer_cred cleanup
peer_cred_head()
{
	atf_set descr "user mode on a unix socket: a non-root peer attaches" \
	    "only as its own uid (by uname or n_uname), anything else is" \
	    "EPERM; root attaches as anyone; over TCP the peer is unknown" \
	    "and unchecked; squash and trusted only log; every attach is" \
	    "logged with the peer uid"
}
peer_cred_body()
{
	id_need
	other=$(id -u daemon 2>/dev/null)
	[ -n "$other" ] || atf_skip "no user daemon on this host"
	e2e_tree_small
	id_sockdir
	e2e_start -e "$E2E_EXPORT,user" -e "sq=$E2E_EXPORT,squash=nobody" \
	    -e "tr=$E2E_EXPORT,trusted" \
	    -l "unix:$SOCKDIR/open,mode=0666" -l tcp:127.0.0.1:0
	cat >pc.in <<EOF
version
attach 0 nobody $E2E_EXPORT $NOBODY
attach 1 nobody $E2E_EXPORT none
attach 2 root $E2E_EXPORT 0
attach 3 root $E2E_EXPORT none
attach 4 daemon $E2E_EXPORT $other
attach 5 root $E2E_EXPORT $NOBODY
attach 6 nobody $E2E_EXPORT 0
attach 7 root sq 0
attach 8 root tr 0
EOF
	cat >pc.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rlerror EPERM
Rlerror EPERM
Rlerror EPERM
Rattach dir
Rlerror EPERM
Rattach dir
Rattach dir
EOF
	id_p9c_as nobody pc "unix:$SOCKDIR/open"
	# root, on the same socket, may be anybody
	cat >pr.in <<EOF
version
attach 0 root $E2E_EXPORT 0
attach 1 daemon $E2E_EXPORT $other
attach 2 nobody $E2E_EXPORT none
EOF
	cat >pr.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rattach dir
EOF
	e2e_p9c pr "unix:$SOCKDIR/open"
	# TCP tells nothing of the peer: documented as unchecked
	cat >pt.in <<EOF
version
attach 0 root $E2E_EXPORT 0
EOF
	cat >pt.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
EOF
	id_p9c_as nobody pt "$E2E_TCP"
	id_logged "attach \"$E2E_EXPORT\" uname \"nobody\" n_uname $NOBODY by peer uid $NOBODY: ok"
	id_logged "attach \"$E2E_EXPORT\" uname \"root\" n_uname 0 by peer uid $NOBODY: Operation not permitted"
	id_logged "attach \"$E2E_EXPORT\" uname \"daemon\" n_uname $other by peer uid $NOBODY: Operation not permitted"
	id_logged "attach \"sq\" uname \"root\" n_uname 0 by peer uid $NOBODY: ok"
	id_logged "attach \"tr\" uname \"root\" n_uname 0 by peer uid $NOBODY: ok"
	id_logged "attach \"$E2E_EXPORT\" uname \"daemon\" n_uname $other by peer uid 0: ok"
	id_logged "attach \"$E2E_EXPORT\" uname \"root\" n_uname 0 by peer uid unknown: ok"
	e2e_alive
}
peer_cred_cleanup()
{
	e2e_stop
	[ -s sockdir ] && rm -rf "$(cat sockdir)"
	return 0
}

atf_test_case peer_trust cleanup
peer_trust_head()
{
	atf_set descr "trust-user and trust-group (by the peer's gid) let a" \
	    "non-root peer attach to a user export as anybody, and run as" \
	    "that user; trusting someone else does not; from -e and from" \
	    "fsgoferd.conf"
}
peer_trust_body()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	printf 'rootonly\n' >"$E2E_EXPORT/secret"
	chmod 600 "$E2E_EXPORT/secret"
	id_sockdir
	cat >trust.conf <<EOF
export "ftu" path "$E2E_EXPORT" identity user trust-user nobody
export "ftn" path "$E2E_EXPORT" identity user trust-user daemon \\
    trust-group root
EOF
	e2e_start -f trust.conf \
	    -e "tu=$E2E_EXPORT,user,trust-user=nobody" \
	    -e "tg=$E2E_EXPORT,user,trust-group=$NOGROUP" \
	    -e "tn=$E2E_EXPORT,user,trust-user=daemon,trust-group=root" \
	    -l "unix:$SOCKDIR/open,mode=0666"
	cat >pt.in <<EOF
version
attach 0 root tu 0
walk 0 1 secret
lopen 1 RDONLY
read 1 0 100
attach 2 root tg none
attach 3 root tn 0
attach 4 root ftu 0
attach 5 root ftn 0
attach 6 nobody tn none
EOF
	cat >pt.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rread 9 rootonly\n
Rattach dir
Rlerror EPERM
Rattach dir
Rlerror EPERM
Rattach dir
EOF
	id_p9c_as nobody pt "unix:$SOCKDIR/open"
	id_logged "attach \"tu\" uname \"root\" n_uname 0 by peer uid $NOBODY: ok"
}
peer_trust_cleanup()
{
	e2e_stop
	[ -s sockdir ] && rm -rf "$(cat sockdir)"
	return 0
}

# A user with a supplementary group, as "NAME UID GID PRIMARYGID":
# the first /etc/group member that is not in the group by its primary.
id_member()
{
	getent group | while IFS=: read -r gname _ gid members; do
		[ -n "$members" ] || continue
		for m in $(echo "$members" | tr ',' ' '); do
			pw=$(getent passwd "$m") || continue
			u=$(echo "$pw" | cut -d: -f3)
			pg=$(echo "$pw" | cut -d: -f4)
			[ "$pg" != "$gid" ] || continue
			echo "$m $u $gid $pg"
			return 0
		done
	done
}

atf_test_case user_gid cleanup
user_gid_head()
{
	atf_set descr "user mode: the gid of Tlcreate, Tmkdir, Tsymlink and" \
	    "Tmknod gives the new file its group when the user is a" \
	    "member of it; another gid leaves the user's own group; a" \
	    "set-group-ID directory gives its group, as on Linux"
}
user_gid_body()
{
	id_need
	set -- $(id_member)
	[ $# -eq 4 ] || atf_skip "no user with a supplementary group here"
	uname=$1 uid=$2 sgid=$3 pgid=$4
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	mkdir "$E2E_EXPORT/sgid"
	chown "0:$NOGROUP" "$E2E_EXPORT/sgid"
	chmod 2777 "$E2E_EXPORT/sgid"
	e2e_start -e "$E2E_EXPORT,user" -l "unix:$E2E_SOCK"
	cat >ug.in <<EOF
version
attach 0 $uname $E2E_EXPORT $uid
walk 0 1
lcreate 1 f RDWR 02755 $sgid
mkdir 0 d 02755 $sgid
symlink 0 s target $sgid
mknod 0 p S_IFIFO|0644 0 0 $sgid
walk 0 2
lcreate 2 other RDWR 0644 $NOGROUP
mkdir 0 otherdir 0755 0
walk 0 3 sgid
walk 3 4
lcreate 4 f RDWR 0644 $sgid
mkdir 3 d 0755 $pgid
EOF
	"$E2E_P9C" -t 20 "$E2E_ADDR" <ug.in >ug.got 2>&1 ||
	    atf_fail "p9c: $(tr "\n" " " <ug.got)"
	if grep -q Rlerror ug.got; then
		atf_fail "an Rlerror: $(tr "\n" " " <ug.got)"
	fi
	for f in f d s p; do
		atf_check -o inline:"$uid:$sgid\n" \
		    stat -c %u:%g "$E2E_EXPORT/$f"
	done
	# The group changed; the set-group-ID bit asked for stayed.
	atf_check -o inline:"2755\n" stat -c %a "$E2E_EXPORT/f"
	for f in other otherdir; do
		atf_check -o inline:"$uid:$pgid\n" \
		    stat -c %u:%g "$E2E_EXPORT/$f"
	done
	for f in sgid/f sgid/d; do
		atf_check -o inline:"$uid:$NOGROUP\n" \
		    stat -c %u:%g "$E2E_EXPORT/$f"
	done
}
user_gid_cleanup()
{
	e2e_stop
}

atf_test_case user_two_fids cleanup
user_two_fids_head()
{
	atf_set descr "user mode: Tlink, Trename and Trenameat on fids of" \
	    "two attaches with different identities are EXDEV; two" \
	    "attaches of one user work together"
}
user_two_fids_body()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	mkdir "$E2E_EXPORT/rootdir"
	printf 'root\n' >"$E2E_EXPORT/rootdir/rootfile"
	e2e_start -e "$E2E_EXPORT,user" -l "unix:$E2E_SOCK"
	cat >tf.in <<EOF
version
attach 0 nobody $E2E_EXPORT $NOBODY
attach 10 root $E2E_EXPORT 0
walk 10 11 rootdir
walk 11 12 rootfile
renameat 11 rootfile 0 stolen
rename 12 0 stolen
link 0 12 stolen
walk 0 1
lcreate 1 mine RDWR 0644
renameat 0 mine 11 pushed
attach 2 nobody $E2E_EXPORT $NOBODY
renameat 0 mine 2 mine2
walk 2 3 mine2
link 0 3 mine3
EOF
	cat >tf.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rattach dir
Rwalk 1 dir
Rwalk 1 file
Rlerror EXDEV
Rlerror EXDEV
Rlerror EXDEV
Rwalk 0
Rlcreate file 0
Rlerror EXDEV
Rattach dir
Rrenameat
Rwalk 1 file
Rlink
EOF
	e2e_p9c tf
	[ -e "$E2E_EXPORT/stolen" ] && atf_fail "a root fid moved a file"
	[ -e "$E2E_EXPORT/rootdir/pushed" ] && atf_fail "a file was pushed"
	atf_check -o inline:"$NOBODY\n" stat -c %u "$E2E_EXPORT/mine3"
}
user_two_fids_cleanup()
{
	e2e_stop
}

atf_test_case user_no_borrow cleanup
user_no_borrow_head()
{
	atf_set descr "user mode: a Tsetattr size that the kernel refuses" \
	    "to one user (EACCES) does not borrow the descriptor another" \
	    "user's fid holds open for writing: nobody truncates root's log"
}
user_no_borrow_body()
{
	id_need
	e2e_tree_small
	chmod 777 "$E2E_EXPORT"
	printf 'root log\n' >"$E2E_EXPORT/log"
	chmod 644 "$E2E_EXPORT/log"
	e2e_start -e "$E2E_EXPORT,user" -l "unix:$E2E_SOCK"
	cat >nb.in <<EOF
version
attach 10 root $E2E_EXPORT 0
walk 10 11 log
lopen 11 WRONLY|APPEND
conn 1
version
attach 0 nobody $E2E_EXPORT $NOBODY
walk 0 1 log
setattr 1 size=0
setattr 1 size=100
walk 0 2
lcreate 2 mine RDWR 0644
walk 0 3 mine
setattr 3 size=3
EOF
	cat >nb.out <<EOF
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlopen file 0
Rversion 8192 9P2000.L
Rattach dir
Rwalk 1 file
Rlerror EACCES
Rlerror EACCES
Rwalk 0
Rlcreate file 0
Rwalk 1 file
Rsetattr
EOF
	e2e_p9c nb
	atf_check -o inline:"root log\n" cat "$E2E_EXPORT/log"
	atf_check -o inline:"3\n" stat -c %s "$E2E_EXPORT/mine"
	# Unlinked: where the file cannot be reopened (PORTABLE=1, no
	# /proc) another user's descriptor must not stand in for it.
	cat >ul.in <<EOF
version
attach 10 root $E2E_EXPORT 0
walk 10 11 log
lopen 11 RDWR
attach 0 nobody $E2E_EXPORT $NOBODY
walk 0 1 log
unlinkat 10 log
setattr 1 size=0
read 11 0 100
EOF
	e2e_p9c_save ul
	got=$(tr '\n' ' ' <ul.got)
	sed -n 8p ul.got | grep -q '^Rlerror ' ||
	    atf_fail "nobody truncated an unlinked file: $got"
	[ "$(sed -n 9p ul.got)" = 'Rread 9 root log\n' ] ||
	    atf_fail "root's unlinked file changed: $got"
}
user_no_borrow_cleanup()
{
	e2e_stop
}

atf_init_test_cases()
{
	atf_add_test_case squash
	atf_add_test_case user_mode
	atf_add_test_case drop_user
	atf_add_test_case drop_user_private
	atf_add_test_case drop_user_modes
	atf_add_test_case unix_mode
	atf_add_test_case allow_list
	atf_add_test_case peer_cred
	atf_add_test_case peer_trust
	atf_add_test_case user_gid
	atf_add_test_case user_two_fids
	atf_add_test_case user_no_borrow
	atf_add_test_case xattr_drop_squash
	atf_add_test_case xattr_drop_user
}
