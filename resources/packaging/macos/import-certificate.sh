#!/usr/bin/env bash
# Put News Archive's signing certificate into a keychain of its own, where codesign finds it (macOS CI):
#
#   bash resources/packaging/macos/import-certificate.sh
#
# Reads MACOS_CERTIFICATE (the "Developer ID Application" certificate with its private key, a .p12 file in
# base64) and MACOS_CERTIFICATE_PASSWORD (the .p12's password). The keychain gets a random password, is
# added to the user's keychain search list, and stays unlocked for the job. Its path goes to $GITHUB_ENV as
# NEWSARCHIVE_KEYCHAIN, so that a last step can delete it (security delete-keychain), whatever happened.
set -euo pipefail
: "${MACOS_CERTIFICATE:?import-certificate: MACOS_CERTIFICATE is not set}"
: "${MACOS_CERTIFICATE_PASSWORD:?import-certificate: MACOS_CERTIFICATE_PASSWORD is not set}"

work=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
keychain=$work/newsarchive-signing.keychain-db
p12=$work/newsarchive-signing.p12
trap 'rm -f "$p12"' EXIT
keychain_password=$(openssl rand -base64 24)

# Python's decoder, rather than base64(1), whose options differ between macOS versions; it also skips
# the line breaks a pasted secret may hold.
python3 -c 'import base64, os, sys; sys.stdout.buffer.write(base64.b64decode(os.environ["MACOS_CERTIFICATE"]))' > "$p12"

security create-keychain -p "$keychain_password" "$keychain"
# Locks itself only after 6 hours unused (-u -t), longer than any job, and not on sleep (no -l).
security set-keychain-settings -u -t 21600 "$keychain"
security unlock-keychain -p "$keychain_password" "$keychain"
security import "$p12" -k "$keychain" -f pkcs12 -P "$MACOS_CERTIFICATE_PASSWORD" -T /usr/bin/codesign
# Lets codesign use the private key without the dialog that would ask a person to allow it.
security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$keychain_password" "$keychain" > /dev/null

# codesign looks the identity up by name in the search list: put this keychain first, keep the others.
keychains=()
while IFS= read -r line; do
    line=${line#*\"}
    keychains+=("${line%\"*}")
done < <(security list-keychains -d user)
security list-keychains -d user -s "$keychain" "${keychains[@]}"

echo "import-certificate: identities in $keychain:"
security find-identity -v -p codesigning "$keychain"
if [ -n "${GITHUB_ENV:-}" ]; then
    echo "NEWSARCHIVE_KEYCHAIN=$keychain" >> "$GITHUB_ENV"
fi
