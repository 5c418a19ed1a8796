#!/usr/bin/env bash
# Put the macOS app into a disk image, beside a link to /Applications to drag it onto:
#
#   bash resources/packaging/macos/make-dmg.sh [APP [DMG]]
#
# from any folder; APP defaults to "dist/News Archive.app" (the PyInstaller build), DMG to
# dist/newsarchive-<version>-macos-<arch>.dmg, with the version read from pyproject.toml (its one source)
# and the arch of this machine (arm64 or x86_64). With NEWSARCHIVE_CODESIGN_IDENTITY set, the image is
# signed too; the app inside was signed by the build (newsarchive.spec).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n 1)
[ -n "$version" ] || { echo "make-dmg: no version in pyproject.toml" >&2; exit 1; }
app=${1:-"dist/News Archive.app"}
dmg=${2:-dist/newsarchive-$version-macos-$(uname -m).dmg}
[ -d "$app/Contents/MacOS" ] || { echo "make-dmg: no app at $app: build it first" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/newsarchive-dmg.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# ditto, not cp -R: it keeps the symbolic links inside the bundle, extended attributes and signatures.
ditto "$app" "$stage/News Archive.app"
ln -s /Applications "$stage/Applications"

rm -f "$dmg"
# HFS+ and zlib (UDZO): read by every macOS the app runs on (11 and newer). hdiutil now and then fails with
# "Resource busy" while the system still indexes the staged files: a few tries, a little apart.
for attempt in 1 2 3 4 5; do
    if hdiutil create -volname "News Archive" -srcfolder "$stage" -fs HFS+ -format UDZO \
        -imagekey zlib-level=9 -ov "$dmg"; then
        break
    fi
    [ "$attempt" -lt 5 ] || { echo "make-dmg: hdiutil create failed $attempt times" >&2; exit 1; }
    sleep $((attempt * 5))
done

if [ -n "${NEWSARCHIVE_CODESIGN_IDENTITY:-}" ]; then
    codesign --sign "$NEWSARCHIVE_CODESIGN_IDENTITY" --timestamp "$dmg"
    codesign --verify --verbose=2 "$dmg"
fi
du -h "$dmg"
