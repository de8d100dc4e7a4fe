#!/bin/sh
# Compile probes for compat/: print the -DHAVE_* flags for the features a
# tiny program using them builds (and links) with the given compiler.
# The one list both Makefiles and the cross-compile check use:
#
#	sh compat/probe.sh "cc" [PORTABLE [c]]
#
# The compiler may carry arguments ("zig cc -target x86_64-macos").
# A third argument "c" only compiles, for a cross compiler whose C
# library is not at hand to link against (zig builds musl's first, for
# minutes); an undeclared function still fails the probe.
# PORTABLE=1 leaves out the Linux features the BSDs lack, so that the
# fallbacks are built and tested on Linux.  Deprecated interfaces count
# as missing: the builds use -Werror.

cc=${1:-cc}
portable=${2:-0}
link="-o"
[ "${3:-}" = c ] && link="-c -o"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fsgprobe.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

out=
probe()
{
	printf '%b' "$2" >"$tmp/p.c"
	# $cc unquoted on purpose: it may be a command with arguments.
	if $cc -D_GNU_SOURCE -Werror=implicit-function-declaration \
	    -Werror=deprecated-declarations $link "$tmp/p" "$tmp/p.c" \
	    >/dev/null 2>&1; then
		out="$out -DHAVE_$1"
	fi
}

# Everywhere: library calls and headers that differ between libcs.
probe SYS_XATTR '#include <sys/xattr.h>\nint main(void){return fgetxattr(0,"user.x",0,0)>0;}\n'
probe REALLOCARRAY '#include <stdlib.h>\nint main(void){return reallocarray(0,1,1)!=0;}\n'
probe STRLCPY '#include <string.h>\nint main(void){char b[2];return (int)strlcpy(b,"a",2);}\n'
probe SETFSUID '#include <sys/fsuid.h>\nint main(void){return setfsuid(0);}\n'
probe LANDLOCK '#include <linux/landlock.h>\nint main(void){return LANDLOCK_ACCESS_FS_EXECUTE;}\n'
probe STATFS_MAGIC '#include <sys/vfs.h>\nint main(void){struct statfs s;return fstatfs(0,&s)+(int)s.f_type;}\n'
probe MINCORE '#include <sys/mman.h>\nint main(void){unsigned char v[1];return mincore(0,1,(void *)v);}\n'
probe SYS_QUEUE_H '#include <sys/queue.h>\n#if !defined(TAILQ_CONCAT) || !defined(SLIST_REMOVE_HEAD) || !defined(LIST_REMOVE)\n#error incomplete\n#endif\nint main(void){return 0;}\n'
probe SETRESUID '#include <unistd.h>\nint main(void){return setresgid(0,0,0)+setresuid(0,0,0);}\n'
probe SOCK_CLOEXEC '#include <sys/socket.h>\nint main(void){return socket(AF_UNIX,SOCK_STREAM|SOCK_CLOEXEC,0);}\n'
probe FDATASYNC '#include <unistd.h>\nint main(void){return fdatasync(0);}\n'
probe ST_MTIM '#include <sys/stat.h>\nint main(void){struct stat s={0};return (int)(s.st_atim.tv_nsec+s.st_mtim.tv_nsec+s.st_ctim.tv_nsec);}\n'
probe ST_MTIMESPEC '#include <sys/stat.h>\nint main(void){struct stat s={0};return (int)(s.st_atimespec.tv_nsec+s.st_mtimespec.tv_nsec+s.st_ctimespec.tv_nsec);}\n'
# _Generic with no default: only the exact gid_t * prototype compiles.
probe GETGROUPLIST_GID '#include <sys/types.h>\n#include <grp.h>\n#include <unistd.h>\nint main(void){return _Generic(&getgrouplist,int (*)(const char *,gid_t,gid_t *,int *):0);}\n'
probe MKNODAT '#include <sys/stat.h>\n#include <fcntl.h>\nint main(void){return mkfifoat(AT_FDCWD,"x",0)+mknodat(AT_FDCWD,"x",S_IFIFO,0);}\n'
probe SYS_SYSMACROS_H '#include <sys/types.h>\n#include <sys/sysmacros.h>\nint main(void){return (int)major(makedev(1,2));}\n'
probe DAEMON '#include <stdlib.h>\n#include <unistd.h>\nint main(void){return daemon(0,0);}\n'
probe SO_PEERCRED '#include <sys/socket.h>\nint main(void){struct ucred u;socklen_t l=sizeof(u);return getsockopt(0,SOL_SOCKET,SO_PEERCRED,&u,&l);}\n'
probe GETPEEREID '#include <sys/types.h>\n#include <unistd.h>\nint main(void){uid_t u;gid_t g;return getpeereid(0,&u,&g);}\n'

if [ "$portable" = 1 ]; then
	out="$out -DPORTABLE_FALLBACKS"
else
	# Linux interfaces the portable build does without.
	probe O_PATH '#include <fcntl.h>\nint main(void){return O_PATH;}\n'
	probe AT_EMPTY_PATH '#include <fcntl.h>\nint main(void){return AT_EMPTY_PATH;}\n'
	# procfs's magic number: /proc/self/fd only means this on Linux.
	probe PROC_SELF_FD '#include <fcntl.h>\n#include <linux/magic.h>\nint main(void){return open("/proc/self/fd/0",O_RDONLY)+PROC_SUPER_MAGIC;}\n'
	probe OFD_LOCKS '#include <fcntl.h>\nint main(void){return F_OFD_SETLK;}\n'
	probe OPENAT2_CACHED '#include <linux/openat2.h>\n#include <sys/syscall.h>\nint main(void){return SYS_openat2 + RESOLVE_CACHED;}\n'
	probe RWF_NOWAIT '#include <sys/uio.h>\nint main(void){struct iovec v;v.iov_len=0;return (int)preadv2(0,&v,1,0,RWF_NOWAIT);}\n'
	probe GETDENTS64 '#include <dirent.h>\nint main(void){char b[64];return (int)getdents64(0,b,sizeof(b));}\n'
	probe UTIMENSAT '#include <sys/stat.h>\n#include <fcntl.h>\nint main(void){return utimensat(AT_FDCWD,"x",0,AT_SYMLINK_NOFOLLOW);}\n'
	probe SCHED_BATCH '#include <sched.h>\nint main(void){struct sched_param p={0};return sched_setscheduler(0,SCHED_BATCH,&p);}\n'
fi
echo $out
