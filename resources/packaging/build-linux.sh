#!/usr/bin/env bash
# Build News Archive for Linux: the PyInstaller onedir bundle, a tarball of it, and a .deb.
#
#   bash resources/packaging/build-linux.sh
#
# from any folder; PYTHON names the interpreter that has the project and PyInstaller installed
# (default: .venv/bin/python of the project, after `pip install -e ".[package]"`). Writes
#   dist/newsarchive/                                  the onedir (dist/newsarchive/newsarchive runs it)
#   dist/newsarchive-<version>-linux-<machine>.tar.gz  that folder, for any distribution
#   dist/newsarchive_<version>_<arch>.deb              /opt/newsarchive, /usr/bin/newsarchive, the menu
#                                                      entry, icons and AppStream metainfo
# The X11 libraries must be installed on the build machine (the README names them): the build checks
# that every library the bundle loads is found, and names the .deb's dependencies from their packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PYTHON=${PYTHON:-$root/.venv/bin/python}
packaging=resources/packaging
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n 1)
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
machine=$(uname -m)
[ -n "$version" ] || { echo "build-linux: no version in pyproject.toml" >&2; exit 1; }

echo "== News Archive $version: PyInstaller onedir"
rm -rf build/linux dist/newsarchive
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/linux/pyinstaller "$packaging/newsarchive.spec"
test -x dist/newsarchive/newsarchive

echo "== tarball"
tarball=dist/newsarchive-$version-linux-$machine.tar.gz
tar -C dist -czf "$tarball" newsarchive

echo "== .deb"
deb=build/linux/deb
mkdir -p "$deb/DEBIAN" "$deb/opt" "$deb/usr/bin" "$deb/usr/share/applications" "$deb/usr/share/metainfo" \
    "$deb/usr/share/icons" "$deb/usr/share/doc/newsarchive"
cp -a dist/newsarchive "$deb/opt/newsarchive"
ln -s /opt/newsarchive/newsarchive "$deb/usr/bin/newsarchive"
"$PYTHON" "$packaging/make_icons.py" build/linux/icons > /dev/null
cp -a build/linux/icons/hicolor "$deb/usr/share/icons/"
cp "$packaging/linux/org.newsarchive.NewsArchive.desktop" "$deb/usr/share/applications/"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u +%Y-%m-%d)/" \
    "$packaging/linux/org.newsarchive.NewsArchive.metainfo.xml" \
    > "$deb/usr/share/metainfo/org.newsarchive.NewsArchive.metainfo.xml"
cp "$packaging/linux/copyright" "$deb/usr/share/doc/newsarchive/copyright"
depends=$("$PYTHON" "$packaging/linux/deb_depends.py" "$deb/opt/newsarchive")
installed_kb=$(du -sk --exclude=DEBIAN "$deb" | cut -f1)
cat > "$deb/DEBIAN/control" <<CONTROL
Package: newsarchive
Version: $version
Architecture: $arch
Maintainer: News Archive <newsarchive@users.noreply.github.com>
Installed-Size: $installed_kb
Depends: $depends
Section: utils
Priority: optional
Description: offline archive for the news articles you save
 News Archive keeps saved news articles in one searchable library on your own
 computer. Drop saved web pages, MHTML files, text copied from a news site, or
 folders and zips of them onto the window: it extracts each article's title,
 authors, date, source and clean text, and lets you search, read, tag and
 bookmark stories and authors from the keyboard. It never uses the network.
CONTROL
# No maintainer scripts: installing and removing touch only the files listed in the package, never a
# user's library (under ~/.local/share/NewsArchive); dpkg's triggers refresh the menu and icon caches.
find "$deb" -type d -exec chmod 755 {} +
out=dist/newsarchive_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$deb" "$out" > /dev/null

echo "== built"
du -sh dist/newsarchive "$tarball" "$out"
