"""tap.py: TAP lines for the python tests (tests/run reads them): ok()
prints one check and counts the failures, for the test's exit status."""
import sys

FAILURES = 0


def ok(cond, what, detail=""):
    """"ok - what", or "not ok - what" with detail as "# " lines; cond."""
    global FAILURES
    if cond:
        print("ok - " + what)
    else:
        FAILURES += 1
        print("not ok - " + what)
        for line in str(detail).splitlines():
            print("# " + line)
    sys.stdout.flush()
    return cond
