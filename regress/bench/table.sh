#!/bin/sh
# Print bench.sh's first table from its results file: the median of
# every metric per workload and server over the rounds, and the
# fsgoferd/diod ratio.  For the 1 MiB workloads the ratio is of MB/s,
# since diod caps msize at 64 KiB and so moves less per request; for the
# others it is of ops/s.  Then the depth-1 table: those rows against
# diod and against nullsrv (the round trip alone), with the system
# calls per request of each server.  Then the targets of issue 5 that
# this table can check.
#
#	sh regress/bench/table.sh results.txt

[ -s "$1" ] || { echo "table: no results in $1"; exit 1; }
awk '
function median(key,    n, i, j, a, t) {
	n = cnt[key]
	if (n == 0)
		return ""
	for (i = 1; i <= n; i++)
		a[i] = val[key, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(k, v) {
	cnt[k]++
	val[k, cnt[k]] = v
}
function ratio(a, b) {
	return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b)
}
function fmt(x, f) {
	return x == "" ? "-" : sprintf(f, x)
}
{
	delete kv
	for (i = 1; i <= NF; i++) {
		p = index($i, "=")
		if (p > 0)
			kv[substr($i, 1, p - 1)] = substr($i, p + 1)
	}
	split(kv["label"], l, "/")
	w = l[1]; s = l[2]
	if (kv["failed"] == 1) {
		failed[w, s]++
		next
	}
	if (kv["sc_method"] != "")
		scmethod = kv["sc_method"]
	if (!(w in seen)) {
		seen[w] = 1
		order[++nw] = w
	}
	for (k in kv)
		if (k != "label" && k != "workload" && k != "round")
			add(w SUBSEP s SUBSEP k, kv[k])
	# What the ratio is of, per round, for the paired ratios.
	if (kv["round"] != "") {
		rounds[kv["round"]] = 1
		byround[w, s, kv["round"]] = \
		    (w ~ /1m(-q1)?$/ || w == "tcpstream") ? kv["mb_s"] : \
		    kv["ops_s"]
	}
}
# The median over the rounds of a/b within each round (wa/sa against
# wb/sb): both ran minutes apart at most, where the medians of the two
# sides may come from different rounds of a machine whose speed drifts.
function paired(wa, sa, wb, sb,    r, n, a, i, t) {
	n = 0
	for (r in rounds)
		if ((wa, sa, r) in byround && (wb, sb, r) in byround &&
		    byround[wb, sb, r] + 0 > 0)
			a[++n] = byround[wa, sa, r] / byround[wb, sb, r]
	if (n == 0)
		return ""
	for (r = 2; r <= n; r++)
		for (i = r; i > 1 && a[i - 1] > a[i]; i--) {
			t = a[i]; a[i] = a[i - 1]; a[i - 1] = t
		}
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
END {
	tcp = median("tcpstream" SUBSEP "tcp" SUBSEP "mb_s")
	printf "\n%-14s %12s %12s %6s %6s %9s %9s %8s %8s %11s %11s\n", \
	    "workload", "fsgoferd/s", "diod/s", "ratio", "paired", \
	    "fsg MB/s", "diod MB/s", "fsg p99", "diod p99", "fsg cpu/op", \
	    "diod cpu/op"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		if (w == "idle" || w == "tcpstream" || w ~ /-q1$/)
			continue
		fo = median(w SUBSEP "fsgoferd" SUBSEP "ops_s")
		do_ = median(w SUBSEP "diod" SUBSEP "ops_s")
		fm = median(w SUBSEP "fsgoferd" SUBSEP "mb_s")
		dm = median(w SUBSEP "diod" SUBSEP "mb_s")
		if (w ~ /1m$/)
			r = ratio(fm, dm) "m"
		else
			r = ratio(fo, do_)
		R[w] = r + 0
		P[w] = paired(w, "fsgoferd", w, "diod")
		printf "%-14s %12s %12s %6s %6s %9s %9s %8s %8s %11s %11s\n", w, \
		    fmt(fo, "%.0f"), fmt(do_, "%.0f"), r, fmt(P[w], "%.2f"), \
		    (fm + 0 > 0.05 ? fmt(fm, "%.1f") : "-"), \
		    (dm + 0 > 0.05 ? fmt(dm, "%.1f") : "-"), \
		    fmt(median(w SUBSEP "fsgoferd" SUBSEP "p99_us"), "%.0fus"), \
		    fmt(median(w SUBSEP "diod" SUBSEP "p99_us"), "%.0fus"), \
		    fmt(median(w SUBSEP "fsgoferd" SUBSEP "cpu_s_per_op") * 1e6, "%.1fus"), \
		    fmt(median(w SUBSEP "diod" SUBSEP "cpu_s_per_op") * 1e6, "%.1fus")
		if (failed[w, "fsgoferd"] || failed[w, "diod"])
			printf "%-14s   FAILED runs: fsgoferd %d, diod %d\n", "", \
			    failed[w, "fsgoferd"], failed[w, "diod"]
	}
	print "(ratio: fsgoferd/diod of the median ops/s; \"m\": of MB/s." \
	    "  paired: the median over the rounds of fsgoferd/diod within" \
	    " a round.  cpu/op: server CPU seconds per op from" \
	    " /proc/PID/stat, in us)"

	printf "\ndepth 1 (one request in flight, as each system call of an " \
	    "application through a kernel client does):\n"
	printf "%-14s %10s %10s %10s %8s %8s %7s %7s %7s %7s %7s\n", \
	    "", "", "", "", "", "", "sys/req", "", "", "sys/op", ""
	printf "%-14s %10s %10s %10s %8s %8s %7s %7s %7s %7s %7s\n", \
	    "workload", "fsgoferd/s", "diod/s", "null/s", "fsg/diod", \
	    "fsg/null", "fsg", "diod", "null", "fsg", "diod"
	for (i = 1; i <= nw; i++) {
		w = order[i]
		if (w !~ /q1$/ && w !~ /^readdir/)
			continue
		mk = w ~ /1m(-q1)?$/ ? "m" : ""
		pd = paired(w, "fsgoferd", w, "diod")
		pn = paired(w, "fsgoferd", w, "null")
		printf "%-14s %10s %10s %10s %8s %8s %7s %7s %7s %7s %7s\n", \
		    w, fmt(median(w SUBSEP "fsgoferd" SUBSEP "ops_s"), "%.0f"), \
		    fmt(median(w SUBSEP "diod" SUBSEP "ops_s"), "%.0f"), \
		    fmt(median(w SUBSEP "null" SUBSEP "ops_s"), "%.0f"), \
		    (pd == "" ? "-" : sprintf("%.2f%s", pd, mk)), \
		    (pn == "" ? "-" : sprintf("%.2f%s", pn, mk)), \
		    fmt(median(w SUBSEP "fsgoferd-sc" SUBSEP "sc_per_req"), "%.1f"), \
		    fmt(median(w SUBSEP "diod-sc" SUBSEP "sc_per_req"), "%.1f"), \
		    fmt(median(w SUBSEP "null-sc" SUBSEP "sc_per_req"), "%.1f"), \
		    fmt(median(w SUBSEP "fsgoferd-sc" SUBSEP "sc_per_op"), "%.1f"), \
		    fmt(median(w SUBSEP "diod-sc" SUBSEP "sc_per_op"), "%.1f")
		if (failed[w, "fsgoferd"] || failed[w, "diod"] || failed[w, "null"])
			printf "%-14s   FAILED runs: fsgoferd %d, diod %d, " \
			    "null %d\n", "", failed[w, "fsgoferd"], \
			    failed[w, "diod"], failed[w, "null"]
	}
	print "(null: regress/bench/nullsrv, fixed replies, a thread per" \
	    " connection: the round trip alone.  fsg/diod, fsg/null: the" \
	    " median over the rounds of the ratio within a round, of ops/s;" \
	    " \"m\": of MB/s.  readdir: listings/s, no null row (nullsrv" \
	    " lists nothing).  sys/req, sys/op: system calls of the server" \
	    " per request and per operation, " \
	    (scmethod == "" ? "not counted" : "counted by " scmethod \
	    " in one run per row after the rounds") ")"

	printf "\nreaddir (ms per full listing, median; -nc: the fsgoferd " \
	    "export without the listing cache):\n"
	for (k = 1; k <= 4; k++) {
		s = k % 2 ? "fsgoferd" : "diod"
		x = k <= 2 ? "" : "-nc"
		a = median("readdir100k" x SUBSEP s SUBSEP "ms_per_listing")
		b = median("readdir10k" x SUBSEP s SUBSEP "ms_per_listing")
		lin[s x] = (a != "" && b + 0 > 0) ? a / (10 * b) : ""
		printf "  %-12s 100k: %s ms, 10k: %s ms, linearity " \
		    "t(100k)/(10*t(10k)) = %s\n", s x, fmt(a, "%.1f"), \
		    fmt(b, "%.2f"), fmt(lin[s x], "%.2f")
	}
	fs = median("seqread1m" SUBSEP "fsgoferd" SUBSEP "mb_s")
	ptcp = paired("seqread1m", "fsgoferd", "tcpstream", "tcp")
	printf "\nloopback TCP stream (p9bench -w tcpstream, 1 MiB reads, " \
	    "run in each round before seqread1m): %s MB/s; fsgoferd " \
	    "seqread1m = %s of it, paired %s\n", fmt(tcp, "%.0f"), \
	    ratio(fs, tcp), fmt(ptcp, "%.2f")
	for (k = 1; k <= 2; k++) {
		s = k == 1 ? "fsgoferd" : "diod"
		m[s] = median("idle" SUBSEP s SUBSEP "rss_delta_mb")
		printf "1,000 idle connections: %-9s RSS +%s MiB (%s KiB " \
		    "each)\n", s, fmt(m[s], "%.1f"), \
		    fmt(median("idle" SUBSEP s SUBSEP "kb_per_conn"), "%.1f")
	}

	printf "\ntargets (issue 5):\n"
	printf "  (the lower of the ratio of medians and the paired ratio)\n"
	t("getattr c1 >= 2.0", low(R["getattr-c1"], P["getattr-c1"]), 2.0)
	t("getattr c4 >= 2.0", low(R["getattr-c4"], P["getattr-c4"]), 2.0)
	t("walk+clunk >= 2.0", low(R["walkclunk"], P["walkclunk"]), 2.0)
	t("randread4k >= 1.5", low(R["randread4k"], P["randread4k"]), 1.5)
	t("seqread1m >= 1.3", low(R["seqread1m"], P["seqread1m"]), 1.3)
	t("seqread1m >= 0.7 x TCP", low((tcp + 0 > 0 ? fs / tcp : ""), ptcp),
	    0.7)
	t("create+unlink >= 1.5", low(R["create"], P["create"]), 1.5)
	t("readdir 100k >= 2.0", low(R["readdir100k"], P["readdir100k"]), 2.0)
	if (lin["fsgoferd"] != "")
		printf "  %-26s %6.2f  %s\n", "readdir linear <= 1.2", \
		    lin["fsgoferd"], (lin["fsgoferd"] <= 1.2 ? "met" : "MISSED")
	if (R["readdir100k-nc"] != "")
		printf "  %-26s %6.2f  (no target: the listing read " \
		    "from the file system every time)\n", \
		    "readdir 100k, -nc", R["readdir100k-nc"]
	if (m["fsgoferd"] != "")
		printf "  %-26s %6.1f  %s\n", "idle 1000 conns < 100 MiB", \
		    m["fsgoferd"], (m["fsgoferd"] + 0 < 100 ? "met" : "MISSED")
}
function low(a, b) {
	if (a == "" || b == "")
		return ""
	return a + 0 < b + 0 ? a : b
}
function t(name, v, want) {
	if (v == "")
		printf "  %-26s %6s  no data\n", name, "-"
	else
		printf "  %-26s %6.2f  %s\n", name, v, (v >= want ? "met" : "MISSED")
}' "$1"
