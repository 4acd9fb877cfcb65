#!/usr/bin/env bash
# build_luajit.sh: build Debian's LuaJIT with LUAJIT_ENABLE_CHECKHOOK into a
# per-machine cache, once.
#
# Why: Debian's libluajit is built without CHECKHOOK, so a JIT-compiled loop
# never looks at the debug hook and Ctrl-C cannot stop `while true do end`
# in th. We rebuild the same Debian source (with Debian's patches, as
# `apt-get source` unpacks them) with the flag on, and install it under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/torchlight/luajit-<debian version>-checkhook
# which lives outside the repository, so fresh clones (CI) reuse it. The
# sources are unpacked in a temporary directory and never enter the repo.
#
# Prints the install prefix as its last line of stdout. Everything else
# goes to stderr. Exits non-zero when the build or the CHECKHOOK check fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/torchlight"
apt_get=(apt-get -o DPkg::Lock::Timeout=900)
log() { echo "build_luajit: $*" >&2; }

# The Debian version of the luajit source package. The binary package's
# candidate has the same version and is known without deb-src lists.
debian_version() {
  apt-cache policy luajit 2>/dev/null | awk '/Candidate:/ { print $2 }' | grep -v '(none)' || true
}

# A cached prefix is good when the stamp written after a successful check
# names this recipe (a build that died half-way leaves no stamp; bump
# RECIPE when the build steps change, so machines rebuild).
RECIPE=2
cache_ok() {
  [[ -f "$1/lib/libluajit-5.1.a" && "$(cat "$1/.checkhook-ok" 2>/dev/null)" == "recipe $RECIPE" ]]
}

# Fast path (apt-cache takes about a second): a verified build that is
# newer than every package list cannot be out of date.
for p in "$cache_root"/luajit-*-checkhook; do
  if cache_ok "$p" && [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' \
                               -newer "$p/.checkhook-ok" 2>/dev/null | head -n1)" ]]; then
    echo "$p"
    exit 0
  fi
done

version=$(debian_version)
if [[ -z "$version" ]]; then
  # No package lists yet (a fresh machine): reuse any verified build.
  for p in "$cache_root"/luajit-*-checkhook; do
    if cache_ok "$p"; then echo "$p"; exit 0; fi
  done
  log "no package lists; running apt-get update"
  "${apt_get[@]}" update >&2
  version=$(debian_version)
  [[ -n "$version" ]] || { log "apt knows no luajit package"; exit 1; }
fi
# Debian versions may hold '~', '+' and ':'; keep the directory name plain.
prefix="$cache_root/luajit-${version//[:~]/_}-checkhook"
if cache_ok "$prefix"; then echo "$prefix"; exit 0; fi

# ---- sources: a deb-src entry beside the machine's deb822 file ----------
src_list=/etc/apt/sources.list.d/torchlight-deb-src.sources
if ! apt-cache showsrc luajit 2>/dev/null | grep -q '^Package: luajit'; then
  if [[ ! -f "$src_list" ]]; then
    log "adding $src_list"
    cat > "$src_list" <<'EOF'
# Added by torchlight's scripts/build_luajit.sh: source packages, so that
# LuaJIT can be rebuilt with LUAJIT_ENABLE_CHECKHOOK.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  log "apt-get update (source lists)"
  "${apt_get[@]}" update >&2
fi

work=$(mktemp -d /tmp/torchlight-luajit.XXXXXX)
trap 'rm -rf "$work"' EXIT
log "fetching luajit $version source into $work"
# apt-get source unpacks with dpkg-source, which applies debian/patches.
(cd "$work" && apt-get source "luajit=$version" >&2) ||
  (cd "$work" && apt-get source luajit >&2)
srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'luajit-*' | head -n1)
[[ -n "$srcdir" ]] || { log "apt-get source left no luajit-* directory"; exit 1; }

# Fix for a bug that CHECKHOOK exposes in this LuaJIT: the hook check adds
# three IR instructions at the start of every trace, and rec_itern's own
# loop detection ("anything recorded since the trace started?") counts
# them, so a root trace starting at a pairs() loop closes at once into an
# empty loop that never calls next(): `for k in pairs(t) do end` spins
# forever once hot. We make the test skip those three instructions (and
# a profiler's IR_PROF right after them). tests/c/checkhook.c checks it.
record="$srcdir/src/lj_record.c"
perl -0pi -e 's/\(J->cur\.nins > REF_FIRST\+1 \|\|\s*\(J->cur\.nins == REF_FIRST\+1 && J->cur\.ir\[REF_FIRST\]\.o != IR_PROF\)\)/(J->cur.nins > REF_FIRST+3 + (J->cur.nins > REF_FIRST+3 \&\& J->cur.ir[REF_FIRST+3].o == IR_PROF)) \/* torchlight: CHECKHOOK emits 3 ins first *\//' "$record"
grep -q 'torchlight: CHECKHOOK' "$record" ||
  { log "cannot apply the ITERN fix to $record (new LuaJIT version?)"; exit 1; }

log "building in $srcdir"
# -fPIC: libluajit.a is linked into th, a position-independent executable.
make -C "$srcdir" -j"$(nproc)" PREFIX="$prefix" \
  XCFLAGS='-DLUAJIT_ENABLE_CHECKHOOK' CFLAGS='-O2 -fPIC' >&2
rm -rf "$prefix"
make -C "$srcdir" install PREFIX="$prefix" >&2

# ---- check that compiled loops really see the hook ----------------------
log "checking CHECKHOOK"
cc -O2 -o "$work/checkhook" "$repo/tests/c/checkhook.c" \
  -I"$prefix/include/luajit-2.1" "$prefix/lib/libluajit-5.1.a" -lm -ldl -lpthread -Wl,-E
"$work/checkhook" >&2
echo "recipe $RECIPE" > "$prefix/.checkhook-ok"
echo "$prefix"
