#!/usr/bin/env bash
# Open the disk image as a user would and check what they get: the app and the /Applications link, the
# app's version and document types in its Info.plist, an executable for this machine's architecture, an
# app that runs from the image (`--version`), and a valid signature. With NEWSARCHIVE_NOTARISED=1,
# Gatekeeper must also accept the app.
#
#   bash resources/packaging/macos/check-dmg.sh DMG
#
# Prints one line per check; exits 1 when any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
dmg=${1:?usage: check-dmg.sh DMG}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/pyproject.toml" | head -n 1)

mnt=$(mktemp -d "${TMPDIR:-/tmp}/newsarchive-mnt.XXXXXX")
hdiutil attach -nobrowse -readonly -noautoopen -mountpoint "$mnt" "$dmg" > /dev/null
trap 'hdiutil detach "$mnt" -quiet || hdiutil detach "$mnt" -force -quiet || true' EXIT
app="$mnt/News Archive.app"
plist=$app/Contents/Info.plist
failures=0
check() {  # check DESCRIPTION COMMAND...: runs the command, prints ok or FAIL
    local what=$1
    shift
    if "$@" > /dev/null 2>&1; then
        echo "ok   $what"
    else
        echo "FAIL $what"
        failures=$((failures + 1))
    fi
}
plist_value() { /usr/libexec/PlistBuddy -c "Print :$1" "$plist" 2> /dev/null; }
document_extensions() {  # every extension of CFBundleDocumentTypes, one a line
    plutil -convert json -o - "$plist" | python3 -c \
        'import json, sys; print("\n".join(e for t in json.load(sys.stdin)["CFBundleDocumentTypes"] for e in t["CFBundleTypeExtensions"]))'
}

check "the image holds News Archive.app" test -d "$app"
check "the image links Applications to /Applications" test "$(readlink "$mnt/Applications")" = /Applications
check "CFBundleShortVersionString is $version" test "$(plist_value CFBundleShortVersionString)" = "$version"
check "CFBundleIdentifier is org.newsarchive.NewsArchive" test "$(plist_value CFBundleIdentifier)" = org.newsarchive.NewsArchive
extensions=$(document_extensions || true)
for extension in html htm xhtml mhtml mht eml txt; do
    check "the app opens .$extension (CFBundleDocumentTypes)" grep -qx "$extension" <<< "$extensions"
done
check "the executable is built for $(uname -m)" grep -qw "$(uname -m)" <<< "$(lipo -archs "$app/Contents/MacOS/newsarchive")"
said=$("$app/Contents/MacOS/newsarchive" --version 2>&1 || true)
check "the app runs from the image: --version says '$said'" test "$said" = "newsarchive $version"
check "the app's signature is valid (codesign --verify --deep --strict)" codesign --verify --deep --strict "$app"
if [ "${NEWSARCHIVE_NOTARISED:-}" = 1 ]; then
    check "Gatekeeper accepts the app (spctl)" spctl --assess --type execute "$app"
fi

if [ "$failures" -gt 0 ]; then
    echo "check-dmg: $failures check(s) FAILED"
    exit 1
fi
echo "check-dmg: every check passed"
