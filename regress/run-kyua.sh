#!/bin/sh
# Run the kyua suite in a build tree and close with "N passed, N failed".
# Exits non-zero when anything failed or broke, or when nothing ran.
dir=${1:?usage: run-kyua.sh builddir/regress}
supp=$(cd "$(dirname "$0")" && pwd)/lsan.supp
# Sanitizer builds: report leaks (libatf's own excepted) and fail on UB.
export LSAN_OPTIONS="suppressions=$supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$dir" || exit 1
results=$(pwd)/results.db
rm -f "$results"
# Shown as it runs: the kernel-client test alone takes minutes.
# REGRESS_ONLY: a subset of test directories or programs, e.g. "unit e2e".
kyua test --results-file="$results" ${REGRESS_ONLY:-} 2>&1 | tee kyua-test.log
kyua report --results-file="$results" --verbose \
    --results-filter=broken,failed,skipped,xfail >kyua-report.log 2>&1
# Details of whatever did not pass, so a CI log shows why.
sed -n '/^===> Skipped/,$p' kyua-report.log | head -400
summary=$(tail -n 1 kyua-test.log)
total=$(echo "$summary" | sed -n 's,^\([0-9]*\)/\([0-9]*\) passed.*,\2,p')
passed=$(echo "$summary" | sed -n 's,^\([0-9]*\)/\([0-9]*\) passed.*,\1,p')
if [ -z "$total" ] || [ "$total" -eq 0 ]; then
	echo "0 passed, 1 failed"
	echo "run-kyua: no test ran" >&2
	exit 1
fi
# kyua's "passed" counts skipped cases too; report them apart.
skipped=$(grep -c '\->  *skipped' kyua-test.log)
failed=$((total - passed))
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
