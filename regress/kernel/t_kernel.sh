#! /usr/bin/env atf-sh
# End-to-end test with the real Linux 9p client: a QEMU guest mounts the
# server over trans=tcp at 10.0.2.2 (QEMU user networking's alias of the
# host's loopback) and runs guest.init's workload; the host then checks
# what the guest left in the export, byte for byte.
#
# The server is fsgoferd from the build tree unless the atf variable
# kernel_server or the environment variable FSG_KERNEL_SERVER says
# "diod" (the reference server, to check the harness itself):
#   kyua test -v test_suites.fsgoferd.kernel_server=diod kernel/t_kernel
# See kernel.subr for the other knobs (accelerator, memory).

kern_setup()
{
	local srcdir

	srcdir=$(atf_get_srcdir)
	. "$srcdir/mkinitramfs.subr"
	. "$srcdir/kernel.subr"
	if atf_config_has kernel_server; then
		KERN_SERVER=$(atf_config_get kernel_server)
	else
		KERN_SERVER=${FSG_KERNEL_SERVER:-fsgoferd}
	fi
	FSGOFERD=${FSGOFERD:-$srcdir/../../fsgoferd}
	export FSGOFERD
	command -v "$KERN_QEMU" >/dev/null 2>&1 ||
	    atf_skip "$KERN_QEMU not installed (apt-get install qemu-system-x86)"
	kern_find_kernel || atf_skip "$KERN_WHY"
	kern_find_busybox || atf_skip "$KERN_WHY"
	if [ "$KERN_SERVER" = diod ]; then
		command -v diod >/dev/null 2>&1 ||
		    atf_skip "diod not installed (asked for kernel_server=diod)"
	fi
}

# elapsed t0: seconds since t0 (date +%s)
elapsed()
{
	echo $(($(date +%s) - $1))
}

atf_test_case workload cleanup
workload_head()
{
	atf_set descr "The Linux 9p client in a QEMU guest mounts the server" \
	    "over TCP, runs file operations and untars ~2,000 files that" \
	    "must equal the source byte for byte"
	atf_set timeout 900
}
workload_body()
{
	local t0 t rc export append devexp special d

	t0=$(date +%s)
	kern_setup
	echo "server: $KERN_SERVER; kernel: $KERN_VMLINUZ"

	t=$(date +%s)
	kern_mkinitramfs "$(atf_get_srcdir)/guest.init" initrd.gz "$(pwd)" ||
	    atf_fail "initramfs: $KERN_WHY"
	echo "modules: $(tr '\n' ' ' <initramfs/etc/modules)"
	echo "time: initramfs $(elapsed $t) s"

	export=$(pwd -P)/export
	mkdir "$export" || atf_fail "mkdir $export"
	t=$(date +%s)
	kern_mktree "$(pwd)/src" || atf_fail "tree: $KERN_WHY"
	tar -C src -cf "$export/tree.tar" --sort=name --owner=0 --group=0 \
	    --numeric-owner . || atf_fail "tar of the source tree"
	md5sum <"$export/tree.tar" | cut -d' ' -f1 >"$export/tree.tar.md5"
	(cd src && find . | wc -l | tr -d ' ') >"$export/tree.count"
	kern_md5tree src >"$export/tree.md5"
	echo "tree: $(cat "$export/tree.count") entries," \
	    "$(du -sk src | cut -f1) KiB; time: $(elapsed $t) s"

	# Special files made on the host: in the export, which does not
	# allow devices, and in a second one, which does.
	devexp=$(pwd -P)/export-dev
	for d in "$export/sp" "$devexp/h"; do
		mkdir -p "$d" && mknod "$d/hc" c 1 3 &&
		    mknod "$d/hb" b 7 0 && mkfifo "$d/hf" ||
		    atf_fail "host: cannot make special files in $d"
	done
	set -- -e "dev=$devexp,allowdev"
	special="fsg.devaname=dev"
	# A user mode export, if an account here has two groups.
	if [ "$KERN_SERVER" = fsgoferd ] && [ "$(id -u)" = 0 ] &&
	    kern_two_groups; then
		mkdir "$(pwd -P)/export-u" &&
		    chown "$KERN_UID:${KERN_GIDS%:*}" "$(pwd -P)/export-u" ||
		    atf_fail "host: cannot make export-u"
		set -- "$@" -e "usr=$(pwd -P)/export-u,user"
		special="$special fsg.uaname=usr fsg.uid=$KERN_UID"
		special="$special fsg.gids=$KERN_GIDS"
	else
		echo "no user mode checks: not root," \
		    "or no account in two groups"
	fi
	[ "$KERN_SERVER" = fsgoferd ] || { set --; special=; }

	kern_server_start "$KERN_SERVER" "$export" server.log "$@" ||
	    atf_fail "server: $KERN_WHY"
	echo "server on 127.0.0.1:$KERN_PORT, aname $KERN_ANAME"

	append="console=ttyS0 quiet panic=-1 fsg.port=$KERN_PORT"
	append="$append fsg.aname=$KERN_ANAME fsg.workload=regress $special"
	t=$(date +%s)
	kern_boot initrd.gz "$append" console.log 780
	rc=$?
	echo "time: guest $(elapsed $t) s ($KERN_ACCEL)"
	kern_server_stop
	echo "--- guest console"
	cat console.log
	echo "--- server log (tail)"
	tail -n 20 server.log
	[ $rc -eq 0 ] || atf_fail "guest: $KERN_WHY"

	grep -q '^FSG-RESULT: PASS' console.log ||
	    atf_fail "guest: $(grep -e '^FSG: FAIL' -e '^FSG-RESULT' \
	    console.log | head -n 10 | tr '\n' ';')"

	# What the guest left behind, seen from the host.
	[ "$(head -n 1 "$export/w/hello2")" = "heXYo 9p" ] ||
	    atf_fail "host: w/hello2 has the wrong content"
	cmp -s "$KERN_BUSYBOX" "$export/w/bb" ||
	    atf_fail "host: w/bb differs from $KERN_BUSYBOX"
	[ "$(stat -c %i "$export/w/hello2")" = \
	    "$(stat -c %i "$export/w/hl2")" ] ||
	    atf_fail "host: w/hl2 is not a hard link of w/hello2"
	[ "$(readlink "$export/w/sl")" = hello2 ] ||
	    atf_fail "host: w/sl does not point to hello2"
	[ "$(stat -c %a "$export/w/mode")" = 640 ] ||
	    atf_fail "host: w/mode is not 640"
	[ "$(stat -c %s "$export/w/t")" = 4097 ] ||
	    atf_fail "host: w/t is not 4097 bytes"
	[ "$(cat "$export/w/rd2/sub/g")" = "after rename" ] ||
	    atf_fail "host: w/rd2/sub/g lacks the write after the rename"
	[ ! -e "$export/w/deep" ] && [ ! -e "$export/w/gone" ] ||
	    atf_fail "host: rm -r left something"
	if [ -n "$special" ]; then
		for d in "$export/sp" "$devexp/h"; do
			[ -z "$(ls -A "$d")" ] || atf_fail "host: left in" \
			    "$d: $(ls -A "$d" | tr '\n' ' ')"
		done
		[ "$(stat -c '%F %t:%T %a %u:%g %h' "$devexp/keep")" = \
		    "character special file 5:1 640 12:34 1" ] ||
		    atf_fail "host: export-dev/keep: $(stat -c \
		    '%F %t:%T %a %u:%g %h' "$devexp/keep")"
	fi

	# The untarred tree equals the source: names, types, modes, link
	# counts, sizes, symlink targets, file mtimes and bytes.
	kern_listing src >src.list
	kern_listing "$export/out" >out.list
	if ! diff -u src.list out.list >list.diff; then
		head -n 40 list.diff
		atf_fail "host: untarred tree differs from the source" \
		    "($(grep -c '^[-+][^-+]' list.diff) lines)"
	fi
	diff -r --no-dereference src "$export/out" ||
	    atf_fail "host: diff -r finds differences"
	echo "compared $(cat "$export/tree.count") entries: equal"
	grep '^FSG-TIME' console.log
	echo "time: total $(elapsed $t0) s"
}
workload_cleanup()
{
	. "$(atf_get_srcdir)/kernel.subr"
	kern_qemu_stop
	kern_server_stop
}

atf_init_test_cases()
{
	atf_add_test_case workload
}
