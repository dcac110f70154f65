#!/bin/bash
# test-style.sh: the conventions that fail the build (STYLE.md "Take" 12).
# vireo-test: once
. "$VIREO_TOP/tests/lib.sh"
cd "$VIREO_TOP" || exit 1

# small files: a file over 1,000 lines is two files
big=$(git ls-files 'src/*.[ch]' 'include/*.h' | xargs wc -l | awk '$2 != "total" && $1 > 1000 {print $2 " (" $1 " lines)"}')
check_eq "no source file over 1,000 lines" "" "$big"

# unbounded string writers have no place in a parser of untrusted input
bad=$(git grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets)\(' -- 'src/*.c' 'src/*.h' || true)
check_eq "no strcpy/strcat/sprintf/gets in src/" "" "$bad"

# report errors where they happen, never exit: only main() may end the process
# (_exit is how a forked child ends, e.g. the KVM probe's: allowed)
bad=$(git grep -nE '(^|[^_a-z])(exit|abort)\(' -- 'src/*.c' ':!src/cli/main.c' ':!src/daemon/main.c' || true)
check_eq "no exit()/abort() outside main" "" "$bad"

# one memory idiom: GLib's
# (readline frees what its completion callbacks return with free(): shell.c may strdup)
bad=$(git grep -nE '\b(malloc|calloc|realloc|strdup)\(' -- 'src/*.c' ':!src/cli/shell.c' || true)
check_eq "no bare malloc/calloc/realloc/strdup in src/ (GLib's allocators)" "" "$bad"

# the library exports the public API and nothing else, and all of it
lib=$VIREO_BUILD/src/libvireo.so
if [ -e "$lib" ]; then
    exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" {sub(/@.*/, "", $3); print $3}' | sort)
    declared=$(cat include/vireo/vireo*.h | grep -oE '\bvireo_[a-z_]+\(' | tr -d '(' | sort -u)
    check_eq "libvireo exports only vireo_* symbols" "" "$(grep -v '^vireo_' <<<"$exported")"
    check_eq "every function in vireo.h (and the headers it includes) is exported" "" "$(comm -23 <(echo "$declared") <(echo "$exported"))"
    check_eq "every exported function is declared in vireo.h" "" "$(comm -13 <(echo "$declared") <(echo "$exported"))"
else
    fail "libvireo is built at $lib"
fi
done_testing
