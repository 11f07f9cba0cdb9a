#!/usr/bin/env bash
# Builds the release artifacts into dist/ from the shipped binary (scripts/build-release.sh):
# - port_usage_exporter-VERSION.linux-ARCH.tar.gz, laid out as node_exporter's: one folder with the binary,
#   LICENSE, NOTICE, README.md, CHANGELOG.md, Deploy/ and Dashboards/;
# - port-usage-exporter_VERSION_DEBARCH.deb (Debian package names have no "_"): the binary in /usr/bin, the hardened systemd units (service, push
#   service and timer), the environment files and the example policy as conffiles, shell completions;
# - sha256sums.txt for both.
# VERSION is the file VERSION. PUE_BINARY packs that binary instead of building one (the tests pack the
# binary they test), PUE_DIST writes elsewhere than dist/. Needs dpkg-deb (Debian's dpkg).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt dpkg:dpkg-deb
version=$(cat VERSION)
arch=$(dpkg --print-architecture)
name=port_usage_exporter
package=port-usage-exporter
dist=${PUE_DIST:-$PWD/dist}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -rf "$dist"
mkdir -p "$dist"
if [ -n "${PUE_BINARY:-}" ]; then
  install -m 0755 "$PUE_BINARY" "$stage/$name"
else
  scripts/build-release.sh "$stage/$name"
fi
# Every file's time is the commit's, so that the same commit gives the same archives.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)

folder=$name-$version.linux-$arch
mkdir -p "$stage/tar/$folder"
cp -a "$stage/$name" LICENSE NOTICE README.md CHANGELOG.md Deploy Dashboards "$stage/tar/$folder/"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage/tar" -czf "$dist/$folder.tar.gz" \
  "$folder"

deb=$stage/deb
doc=$deb/usr/share/doc/$package
units=$deb/lib/systemd/system
install -D -m 0755 "$stage/$name" "$deb/usr/bin/$name"
for unit in "$name.service" "$name-push.service" "$name-push.timer"; do
  install -D -m 0644 "Deploy/systemd/$unit" "$units/$unit"
  sed -i "s|/usr/local/bin/$name|/usr/bin/$name|g" "$units/$unit"
done
install -D -m 0644 Deploy/systemd/$name.env "$deb/etc/default/$name"
install -D -m 0644 Deploy/systemd/$name-push.env "$deb/etc/default/$name-push"
install -D -m 0644 Deploy/policy.example.yml "$deb/etc/$name/policy.yml"
install -d "$deb/usr/share/bash-completion/completions" "$deb/usr/share/zsh/vendor-completions" \
  "$deb/usr/share/fish/vendor_completions.d"
# bash-completion sources the file: no "#!" line (lintian: bash-completion-with-hashbang).
"$stage/$name" --generate-completion-script bash | sed '1{/^#!/d}' >"$deb/usr/share/bash-completion/completions/$name"
"$stage/$name" --generate-completion-script zsh >"$deb/usr/share/zsh/vendor-completions/_$name"
"$stage/$name" --generate-completion-script fish >"$deb/usr/share/fish/vendor_completions.d/$name.fish"
install -D -m 0644 scripts/debian/copyright "$doc/copyright"
install -D -m 0644 scripts/debian/lintian-overrides "$deb/usr/share/lintian/overrides/$package"
gzip -9n <README.md >"$doc/README.md.gz"
# A native package's changelog, in Debian's format; the release notes are CHANGELOG.md (in the tarball).
printf '%s (%s) stable; urgency=medium\n\n  * Release %s: see CHANGELOG.md.\n\n -- %s  %s\n' \
  "$package" "$version" "$version" "$(sed -n 's/^Maintainer: //p' scripts/debian/control)" \
  "$(date -u -R -d "@$epoch")" | gzip -9n >"$doc/changelog.gz"
find "$deb" -type d -exec chmod 0755 {} +
find "$deb" -exec touch -h -d "@$epoch" {} +

install -d "$deb/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
  -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$deb" | cut -f1)/" scripts/debian/control >"$deb/DEBIAN/control"
install -m 0755 scripts/debian/postinst scripts/debian/postrm "$deb/DEBIAN/"
(cd "$deb" && find etc -type f | sort | sed 's|^|/|') >"$deb/DEBIAN/conffiles"
(cd "$deb" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  >"$deb/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$dist/${package}_${version}_$arch.deb" >/dev/null

(cd "$dist" && sha256sum -- *.tar.gz *.deb >sha256sums.txt)
ls -l "$dist"
