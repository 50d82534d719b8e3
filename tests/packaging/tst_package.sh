#!/usr/bin/env bash
# tst_package: builds the Debian package with CPack and checks what it holds.
#
#   tst_package.sh BUILD_DIR VERSION [CPACK]
#
# BUILD_DIR is a configured and fully built tree (kubist and the package data
# of packaging/). The package is made into BUILD_DIR/packaging-test/out (not
# the tree's packages/ folder) and extracted there; nothing is installed on
# the system. Checks: the control fields (dpkg-deb -f: name, version,
# architecture, maintainer, section, description, homepage, and Depends as
# derived by dpkg-shlibdeps), the file list (dpkg-deb -c: exactly the files
# of the package, with their modes), desktop-file-validate, appstreamcli
# validate --no-net, the icons' sizes, the man pages, and the extracted
# binary (--version, serve --help, and a short `kubist serve` whose cluster
# lands under XDG_DATA_HOME with nothing written beside the binary).
# Prints every failed check with "FAIL:" and exits 1 if there was one.

set -u

build=${1:?usage: tst_package.sh BUILD_DIR VERSION [CPACK]}
version=${2:?usage: tst_package.sh BUILD_DIR VERSION [CPACK]}
cpack=${3:-cpack}

app_id=io.kubist.Kubist
icon_sizes="16 22 24 32 48 64 128 256"
# Debian 12's names of the libraries Kubist links.
expected_depends="libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6
libprotobuf32 libyaml-cpp0.7 libsqlite3-0 libssl3 libstdc++6 libc6"

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
pass() {
    echo "ok: $*"
}
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "tst_package: $failures check(s) failed (work directory: $work)"
        exit 1
    fi
    echo "tst_package: all checks passed"
    rm -rf "$work/root" "$work/out/_CPack_Packages"
    exit 0
}
# A check that cannot go on without what it needs ends the test here.
abort() {
    fail "$*"
    finish
}

for tool in "$cpack" dpkg dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli file \
    gzip readelf timeout; do
    command -v "$tool" >/dev/null 2>&1 ||
        abort "'$tool' is not installed (scripts/setup.sh installs dpkg-dev, file," \
            "desktop-file-utils and appstream)"
done

work=$build/packaging-test
rm -rf "$work"
mkdir -p "$work/out" "$work/root" || abort "cannot create $work"

[ -f "$build/CPackConfig.cmake" ] || abort "$build/CPackConfig.cmake is missing: configure first"
[ -x "$build/bin/kubist" ] || abort "$build/bin/kubist is missing: build the tree first"
[ -f "$build/packaging/man/kubist.1.gz" ] ||
    abort "the package data is not built: build the tree (target kubist_package_data) first"

# --- the package -----------------------------------------------------------
if ! (cd "$build" && "$cpack" -G DEB --config CPackConfig.cmake -B "$work/out") \
    >"$work/cpack.log" 2>&1; then
    tail -n 30 "$work/cpack.log"
    abort "cpack -G DEB failed (log: $work/cpack.log)"
fi
arch=$(dpkg --print-architecture)
deb=$work/out/kubist_${version}_${arch}.deb
[ -f "$deb" ] || abort "cpack made no $deb (made: $(ls "$work/out"))"
pass "cpack made $(basename "$deb")"

# --- control fields ----------------------------------------------------------
field() {
    dpkg-deb -f "$deb" "$1"
}
expect_field() { # name expected
    local got
    got=$(field "$1")
    if [ "$got" = "$2" ]; then pass "$1: $got"; else fail "$1 is '$got', expected '$2'"; fi
}
expect_field Package kubist
expect_field Version "$version"
expect_field Architecture "$arch"

maintainer=$(field Maintainer)
if [[ "$maintainer" =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]]; then
    pass "Maintainer: $maintainer"
else
    fail "Maintainer is '$maintainer', expected 'Name <address>'"
fi
section=$(field Section)
case "$section" in
admin | utils) pass "Section: $section" ;;
*) fail "Section is '$section', expected admin or utils" ;;
esac
description=$(field Description)
summary=$(printf '%s\n' "$description" | head -n 1)
long_lines=$(printf '%s\n' "$description" | tail -n +2 | grep -c '^ ')
long_max=$(printf '%s\n' "$description" | awk '{ if (length($0) > n) n = length($0) } END { print n }')
if [ -n "$summary" ] && [ "$long_lines" -gt 0 ] && [ "$long_max" -lt 80 ]; then
    pass "Description: $summary (+$long_lines lines)"
else
    fail "Description needs a summary and a long description in lines under 80" \
        "columns, got: $description"
fi
homepage=$(field Homepage)
if [[ "$homepage" == https://* ]]; then pass "Homepage: $homepage"; else fail "Homepage is '$homepage'"; fi

depends=$(field Depends)
# The package names of Depends, one a line (alternatives and versions dropped).
depends_names=$(printf '%s\n' "$depends" | sed -e 's/[,|]/\n/g' |
    sed -e 's/^ *//' -e 's/[ (].*//')
for p in $expected_depends; do
    if printf '%s\n' "$depends_names" | grep -qxF "$p"; then
        pass "Depends has $p"
    else
        fail "Depends lacks $p (dpkg-shlibdeps derived: $depends)"
    fi
done

# --- file list ------------------------------------------------------------
# Every regular file of the package, as "mode owner path".
listing=$(dpkg-deb -c "$deb") || abort "dpkg-deb -c failed"
files=$(printf '%s\n' "$listing" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $1, $2, $6 }')
expected_files="-rwxr-xr-x root/root /usr/bin/kubist
-rw-r--r-- root/root /usr/share/applications/$app_id.desktop
-rw-r--r-- root/root /usr/share/metainfo/$app_id.metainfo.xml
-rw-r--r-- root/root /usr/share/icons/hicolor/scalable/apps/$app_id.svg
-rw-r--r-- root/root /usr/share/man/man1/kubist.1.gz
-rw-r--r-- root/root /usr/share/man/man1/kubist-serve.1.gz"
for size in $icon_sizes; do
    expected_files+=$'\n'"-rw-r--r-- root/root /usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
while IFS= read -r want; do
    if printf '%s\n' "$files" | grep -qxF -- "$want"; then
        pass "holds $want"
    else
        got=$(printf '%s\n' "$files" | grep -F -- " ${want##* }" || echo "nothing")
        fail "the package lacks '$want' (has: $got)"
    fi
done <<<"$expected_files"
while IFS= read -r have; do
    printf '%s\n' "$expected_files" | grep -qxF -- "$have" ||
        fail "unexpected file in the package: $have"
done <<<"$files"
while IFS= read -r path; do
    [ -n "$path" ] && fail "unexpected path outside /usr/bin and /usr/share: $path"
done < <(printf '%s\n' "$listing" | awk '{ sub(/^\./, "", $6); print $6 }' |
    grep -Ev '^/$|^/usr/$|^/usr/(bin|share)(/|$)')

# --- the extracted files ------------------------------------------------------
dpkg-deb -x "$deb" "$work/root" || abort "dpkg-deb -x failed"
root=$work/root

desktop=$root/usr/share/applications/$app_id.desktop
if out=$(desktop-file-validate "$desktop" 2>&1) && ! grep -qiE 'error|warning' <<<"$out"; then
    pass "desktop-file-validate"
else
    fail "desktop-file-validate: $out"
fi
grep -qx "Exec=kubist" "$desktop" || fail "the desktop entry does not run kubist: $(grep ^Exec= "$desktop")"
grep -qx "Icon=$app_id" "$desktop" || fail "the desktop entry's Icon is not $app_id"

metainfo=$root/usr/share/metainfo/$app_id.metainfo.xml
if out=$(appstreamcli validate --no-net "$metainfo" 2>&1); then
    pass "appstreamcli validate --no-net"
else
    fail "appstreamcli validate --no-net: $out"
fi
grep -q "<id>$app_id</id>" "$metainfo" || fail "the metainfo's id is not $app_id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
    fail "the metainfo does not launch $app_id.desktop"
grep -q "<release version=\"$version\"" "$metainfo" ||
    fail "the metainfo has no release entry for $version"
grep -q "<screenshot type=\"default\">" "$metainfo" || fail "the metainfo has no default screenshot"

svg_type=$(file -b "$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg")
[[ "$svg_type" == *SVG* ]] || fail "the scalable icon is not an SVG: $svg_type"
for size in $icon_sizes; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png
    [ -f "$png" ] || continue # reported by the file list
    png_type=$(file -b "$png")
    [[ "$png_type" == "PNG image data, $size x $size, "* ]] ||
        fail "the ${size}x${size} icon is not a ${size}x${size} PNG: $png_type"
done

for page in kubist kubist-serve; do
    man=$root/usr/share/man/man1/$page.1.gz
    [ -f "$man" ] || continue # reported by the file list
    if ! gzip -t "$man" 2>/dev/null; then
        fail "$page.1.gz is not gzip-compressed"
        continue
    fi
    gzip -dc "$man" | grep -q "^\.TH [-A-Z\\]* 1 .*Kubist $version" ||
        fail "$page.1 has no .TH line naming Kubist $version"
    gzip -dc "$man" | grep -q '@[A-Z_]*@' && fail "$page.1 has an unfilled @VARIABLE@"
    if command -v groff >/dev/null 2>&1; then
        warnings=$(gzip -dc "$man" | LC_ALL=C.UTF-8 groff -man -ww -z 2>&1)
        [ -z "$warnings" ] || fail "groff warns about $page.1: $warnings"
    fi
done
gzip -dc "$root/usr/share/man/man1/kubist.1.gz" 2>/dev/null | grep -q 'kubist\\-serve' ||
    fail "kubist.1 does not point at kubist-serve(1)"

# --- the binary -----------------------------------------------------------------
bin=$root/usr/bin/kubist
[ -x "$bin" ] || abort "the extracted package has no executable /usr/bin/kubist"
bin_type=$(file -b "$bin")
[[ "$bin_type" == ELF*", stripped"* ]] || fail "/usr/bin/kubist is not a stripped ELF: $bin_type"
rpath=$(readelf -d "$bin" | grep -E 'RPATH|RUNPATH')
[ -z "$rpath" ] || fail "/usr/bin/kubist keeps a run path: $rpath"

export QT_QPA_PLATFORM=offscreen
# The smoke runs of the extracted binary keep home and XDG dirs in the work
# directory: nothing lands in the real home.
export HOME=$work/home XDG_DATA_HOME=$work/xdg-data XDG_CONFIG_HOME=$work/xdg-config \
    XDG_CACHE_HOME=$work/xdg-cache XDG_RUNTIME_DIR=$work/xdg-runtime
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

got=$(timeout 30 "$bin" --version 2>&1)
if [ "$got" = "kubist $version" ]; then pass "kubist --version: $got"; else fail "kubist --version said '$got'"; fi
# A user in an SSH session asks too: no display, no platform chosen.
got=$(env -u QT_QPA_PLATFORM -u DISPLAY -u WAYLAND_DISPLAY timeout 30 "$bin" --version 2>/dev/null)
if [ "$got" = "kubist $version" ]; then
    pass "kubist --version without a display"
else
    fail "kubist --version without a display said '$got'"
fi
if got=$(timeout 30 "$bin" serve --help 2>&1) && grep -q -- '--data-dir' <<<"$got"; then
    pass "kubist serve --help"
else
    fail "kubist serve --help failed: $got"
fi

# `kubist serve` with the default data directory: the cluster must appear in
# the XDG data location, and nothing may change in the extracted tree.
before=$(cd "$root" && find . | sort)
data=$XDG_DATA_HOME/kubist/embedded
"$bin" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve_pid=$!
trap 'kill -KILL $serve_pid 2>/dev/null' EXIT
for _ in $(seq 600); do # at most 60 s
    [ -f "$data/cluster.json" ] && [ -d "$data/store" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -f "$data/cluster.json" ] && [ -d "$data/store" ]; then
    pass "kubist serve keeps its cluster in \$XDG_DATA_HOME/kubist/embedded"
else
    fail "kubist serve made no cluster in $data: $(tail -n 5 "$work/serve.log")"
fi
kill -TERM "$serve_pid" 2>/dev/null
for _ in $(seq 600); do # at most 60 s
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$serve_pid" 2>/dev/null; then
    fail "kubist serve did not stop within 60 s of SIGTERM"
    kill -KILL "$serve_pid" 2>/dev/null
fi
wait "$serve_pid"
serve_rc=$?
[ "$serve_rc" -eq 0 ] || fail "kubist serve exited with $serve_rc: $(tail -n 5 "$work/serve.log")"
trap - EXIT
after=$(cd "$root" && find . | sort)
[ "$before" = "$after" ] ||
    fail "kubist wrote beside its binary: $(diff <(echo "$before") <(echo "$after") | grep '^>')"

finish
