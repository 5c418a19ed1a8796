#!/usr/bin/env bash
# Have Apple notarise the signed disk image, then staple the ticket to it, so that Gatekeeper opens it
# without going online:
#
#   bash resources/packaging/macos/notarize.sh DMG
#
# Reads APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD (an app-specific password of that Apple ID).
# notarytool waits for Apple's answer (usually a few minutes; at most an hour here). When Apple does not
# accept the image, its log, which names every file it objected to, is printed and the script fails.
set -euo pipefail
dmg=${1:?usage: notarize.sh DMG}
: "${APPLE_ID:?notarize: APPLE_ID is not set}"
: "${APPLE_TEAM_ID:?notarize: APPLE_TEAM_ID is not set}"
: "${APPLE_APP_PASSWORD:?notarize: APPLE_APP_PASSWORD is not set}"
credentials=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
# The answer's status decides, not notarytool's exit status alone.
xcrun notarytool submit "$dmg" "${credentials[@]}" --wait --timeout 1h --output-format json > "$answer" || true
cat "$answer"
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$answer" "$1" 2> /dev/null || true; }
status=$(field status)
id=$(field id)
if [ "$status" != "Accepted" ]; then
    echo "notarize: Apple's answer for $dmg: '${status:-none}'" >&2
    if [ -n "$id" ]; then
        xcrun notarytool log "$id" "${credentials[@]}" >&2 || true
    fi
    exit 1
fi

xcrun stapler staple "$dmg"
xcrun stapler validate "$dmg"
# Gatekeeper's verdict on the image, as a downloaded copy would get it.
spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
