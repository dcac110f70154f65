#!/bin/bash
# test-schema.sh: what vireo emits to clients validates against libvirt's
# RelaxNG schemas: capabilities, and the inactive and live XML of every
# corpus domain after a define (and a start) through the test hypervisor.
. "$VIREO_TOP/tests/lib.sh"

schemas=/usr/share/libvirt/schemas
if [ ! -e $schemas/domain.rng ] || ! command -v xmllint >/dev/null; then
    skip "schema validation of emitted XML" "xmllint or $schemas missing (libxml2-utils, libvirt0)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

validate() {  # what schema file
    if xmllint --noout --relaxng "$schemas/$2" "$3" >"$tmp/lint" 2>&1; then
        ok "$1 validates against $2"
    else
        fail "$1 validates against $2"; note "$(tail -5 "$tmp/lint")"
    fi
}

"$VIREO" -c test:///default capabilities >"$tmp/caps.xml"
validate "capabilities" capability.rng "$tmp/caps.xml"

for f in "$VIREO_TOP"/tests/xml/domain/*.xml; do
    case $f in *.out.xml) continue ;; esac
    name=$(xmllint --xpath 'string(/domain/name)' "$f")
    base=$(basename "$f" .xml)
    if ! "$VIREO" -q -c test:///default \
        "define $f; dumpxml --inactive $name; start $name" >"$tmp/$base.inactive" 2>"$tmp/err"; then
        fail "$base: define and start through vireo"; note "$(cat "$tmp/err")"
        continue
    fi
    validate "$base inactive XML" domain.rng "$tmp/$base.inactive"
    "$VIREO" -q -c test:///default "define $f; start $name; dumpxml $name" >"$tmp/$base.live"
    grep -q "<domain type='[a-z]*' id='[0-9]*'" "$tmp/$base.live" ||
        fail "$base live XML carries the domain id"
    validate "$base live XML" domain.rng "$tmp/$base.live"
done
done_testing
