#!/usr/bin/env bash
# Vendor front-end assets from pinned npm packages into the Django static
# folder (itgov/web/static/vendor/). No CDN and no node build at run time:
# the output of this script is committed; re-run it only to bump versions.
#
# Usage: scripts/vendor-static.sh
# Needs: npm + node (only when (re)vendoring), tar, sed, grep.
set -euo pipefail

# --- Pinned versions ---------------------------------------------------------
# Check candidates with e.g. `npm view htmx.org versions --json`.
HTMX_VERSION="2.0.11"            # stay on 2.0.x (4.x is a different major API)
BOOTSTRAP_VERSION="5.3.9"        # latest 5.3.x
BOOTSTRAP_ICONS_VERSION="1.13.2" # latest 1.x
ECHARTS_VERSION="6.1.0"          # latest stable 6.x

# Tarball integrity (the `dist.integrity` of each version in the registry).
# Get it with `npm view <pkg>@<version> dist.integrity` when bumping.
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
BOOTSTRAP_INTEGRITY="sha512-20cU0rcfw8WdxtVbmfU+xT2EjvVTw9Ror/h1Qvd7DXCujRg8OO9mdBCsmTHdJFf3BuadmBNJtgIuUXsBqSkk/w=="
BOOTSTRAP_ICONS_INTEGRITY="sha512-fAU1Ly3dH7hwRg+CB8EZ0Vl0fF80zgXHeUVJyfUOKzoURr+TbwISbCW5tKUoQLERaWYG2emTCybcPbD96hdD1A=="
ECHARTS_INTEGRITY="sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA=="
# -----------------------------------------------------------------------------

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="${REPO_ROOT}/itgov/web/static/vendor"

for tool in npm node tar sed grep; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vendor-static.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

VERSIONS_BODY=""

# fetch <package> <version> <integrity>  -> prints the unpacked package dir
fetch() {
    local pkg="$1" version="$2" integrity="$3"
    local dest="${WORK_DIR}/${pkg}"
    mkdir -p "$dest"
    echo ">> npm pack ${pkg}@${version}" >&2
    (cd "$dest" && npm pack --silent --ignore-scripts "${pkg}@${version}" >/dev/null)
    local tgz
    tgz="$(find "$dest" -maxdepth 1 -name '*.tgz' -print -quit)"
    [[ -n "$tgz" ]] || { echo "error: npm pack produced no tarball for ${pkg}" >&2; exit 1; }
    local actual
    actual="sha512-$(node -e '
        const c = require("crypto"), fs = require("fs");
        process.stdout.write(c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
    ' "$tgz")"
    if [[ "$actual" != "$integrity" ]]; then
        echo "error: integrity mismatch for ${pkg}@${version}" >&2
        echo "  expected: ${integrity}" >&2
        echo "  actual:   ${actual}" >&2
        exit 1
    fi
    tar -xzf "$tgz" -C "$dest"
    local got
    got="$(node -p 'require(process.argv[1]).version' "${dest}/package/package.json")"
    [[ "$got" == "$version" ]] || { echo "error: ${pkg}: got version ${got}, want ${version}" >&2; exit 1; }
    printf '%s\n' "${dest}/package"
}

# put <src> <dest relative to VENDOR_DIR>
put() {
    local src="$1" rel="$2"
    [[ -f "$src" ]] || { echo "error: missing file in package: ${src#"$WORK_DIR"/}" >&2; exit 1; }
    mkdir -p "$(dirname "${VENDOR_DIR}/${rel}")"
    cp "$src" "${VENDOR_DIR}/${rel}"
    chmod 0644 "${VENDOR_DIR}/${rel}"
}

# record <package> <version> <pkgdir> <vendor subdir>
record() {
    local pkg="$1" version="$2" pkgdir="$3" sub="$4"
    local license files
    license="$(node -p 'require(process.argv[1]).license || "UNKNOWN"' "${pkgdir}/package.json")"
    files="$(cd "$VENDOR_DIR" && find "$sub" -type f | LC_ALL=C sort | sed 's/^/  - `/; s/$/`/')"
    VERSIONS_BODY+="## ${pkg} ${version}"$'\n\n'
    VERSIONS_BODY+="- Package: \`${pkg}@${version}\` (npm)"$'\n'
    VERSIONS_BODY+="- License: ${license}"$'\n'
    VERSIONS_BODY+="- Files:"$'\n'"${files}"$'\n\n'
}

# Start from a clean slate for the directories this script owns.
mkdir -p "$VENDOR_DIR"
rm -rf "${VENDOR_DIR}/htmx" "${VENDOR_DIR}/bootstrap" "${VENDOR_DIR}/bootstrap-icons" \
       "${VENDOR_DIR}/echarts" "${VENDOR_DIR}/VERSIONS.md"

# htmx ------------------------------------------------------------------------
P="$(fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY")"
put "$P/dist/htmx.min.js" htmx/htmx.min.js
put "$P/LICENSE"          htmx/LICENSE
record htmx.org "$HTMX_VERSION" "$P" htmx

# bootstrap -------------------------------------------------------------------
P="$(fetch bootstrap "$BOOTSTRAP_VERSION" "$BOOTSTRAP_INTEGRITY")"
put "$P/dist/css/bootstrap.min.css"          bootstrap/css/bootstrap.min.css
put "$P/dist/css/bootstrap.min.css.map"      bootstrap/css/bootstrap.min.css.map
put "$P/dist/js/bootstrap.bundle.min.js"     bootstrap/js/bootstrap.bundle.min.js
put "$P/dist/js/bootstrap.bundle.min.js.map" bootstrap/js/bootstrap.bundle.min.js.map
put "$P/LICENSE"                             bootstrap/LICENSE
record bootstrap "$BOOTSTRAP_VERSION" "$P" bootstrap

# bootstrap-icons -------------------------------------------------------------
# The css references url("fonts/bootstrap-icons.woff2?...") relative to itself,
# so the fonts go into a fonts/ folder next to the css.
P="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION" "$BOOTSTRAP_ICONS_INTEGRITY")"
put "$P/font/bootstrap-icons.min.css"       bootstrap-icons/bootstrap-icons.min.css
put "$P/font/fonts/bootstrap-icons.woff2"   bootstrap-icons/fonts/bootstrap-icons.woff2
put "$P/font/fonts/bootstrap-icons.woff"    bootstrap-icons/fonts/bootstrap-icons.woff
put "$P/LICENSE"                            bootstrap-icons/LICENSE
record bootstrap-icons "$BOOTSTRAP_ICONS_VERSION" "$P" bootstrap-icons

# echarts ---------------------------------------------------------------------
# Apache-2.0: ship LICENSE + NOTICE; LICENSE refers to licenses/LICENSE-d3.
P="$(fetch echarts "$ECHARTS_VERSION" "$ECHARTS_INTEGRITY")"
put "$P/dist/echarts.min.js"   echarts/echarts.min.js
put "$P/LICENSE"               echarts/LICENSE
put "$P/NOTICE"                echarts/NOTICE
put "$P/licenses/LICENSE-d3"   echarts/licenses/LICENSE-d3
record echarts "$ECHARTS_VERSION" "$P" echarts

# --- sourceMappingURL hygiene --------------------------------------------------
# whitenoise/Django's ManifestStaticFilesStorage rewrites sourceMappingURL
# references and fails collectstatic if the target is missing. Strip any
# reference to a map we do not ship; keep inline (data:) maps.
strip_dangling_sourcemaps() {
    local f dir url
    while IFS= read -r -d '' f; do
        dir="$(dirname "$f")"
        while IFS= read -r url; do
            [[ -z "$url" || "$url" == data:* ]] && continue
            if [[ ! -f "${dir}/${url%%[?#]*}" ]]; then
                echo ">> stripping dangling sourceMappingURL=${url} from ${f#"$VENDOR_DIR"/}" >&2
                # JS: //# sourceMappingURL=...  (also legacy //@)
                # CSS: /*# sourceMappingURL=... */
                sed -i -E \
                    -e 's@//[#@][[:space:]]*sourceMappingURL=[^[:space:]]*@@' \
                    -e 's@/\*[#@][[:space:]]*sourceMappingURL=[^*]*\*/@@' \
                    "$f"
            fi
        done < <(grep -oE 'sourceMappingURL=[^[:space:]*]+' "$f" | sed 's/^sourceMappingURL=//' || true)
    done < <(find "$VENDOR_DIR" -type f \( -name '*.js' -o -name '*.css' \) -print0)
}
strip_dangling_sourcemaps

# --- Verification --------------------------------------------------------------
fail=0
while IFS= read -r -d '' f; do
    dir="$(dirname "$f")"
    # every remaining sourceMappingURL must resolve to a vendored file
    while IFS= read -r url; do
        [[ -z "$url" || "$url" == data:* ]] && continue
        if [[ ! -f "${dir}/${url%%[?#]*}" ]]; then
            echo "error: ${f#"$VENDOR_DIR"/}: sourceMappingURL=${url} is not vendored" >&2
            fail=1
        fi
    done < <(grep -oE 'sourceMappingURL=[^[:space:]*]+' "$f" | sed 's/^sourceMappingURL=//' || true)
    # every relative url(...) in CSS must resolve too (manifest storage hashes them)
    if [[ "$f" == *.css ]]; then
        while IFS= read -r url; do
            url="${url#url(}"; url="${url%)}"; url="${url//\"/}"; url="${url//\'/}"
            case "$url" in data:*|http:*|https:*|//*|/*|\#*|"") continue ;; esac
            if [[ ! -f "${dir}/${url%%[?#]*}" ]]; then
                echo "error: ${f#"$VENDOR_DIR"/}: url(${url}) is not vendored" >&2
                fail=1
            fi
        done < <(grep -oE 'url\([^)]*\)' "$f" || true)
    fi
done < <(find "$VENDOR_DIR" -type f \( -name '*.js' -o -name '*.css' \) -print0)
for sub in htmx bootstrap bootstrap-icons echarts; do
    [[ -f "${VENDOR_DIR}/${sub}/LICENSE" ]] || { echo "error: ${sub}/LICENSE missing" >&2; fail=1; }
done
[[ "$fail" -eq 0 ]] || { echo "vendor-static: verification failed" >&2; exit 1; }

# --- VERSIONS.md -----------------------------------------------------------------
{
    echo "# Vendored front-end assets"
    echo
    echo "Generated by \`scripts/vendor-static.sh\` from the npm registry tarballs"
    echo "(\`npm pack\`, integrity-checked). Do not edit these files by hand: change the"
    echo "pinned versions at the top of the script and re-run it."
    echo
    echo "| Package | Version | License |"
    echo "| --- | --- | --- |"
    echo "| htmx.org | ${HTMX_VERSION} | $(node -p 'require(process.argv[1]).license' "${WORK_DIR}/htmx.org/package/package.json") |"
    echo "| bootstrap | ${BOOTSTRAP_VERSION} | $(node -p 'require(process.argv[1]).license' "${WORK_DIR}/bootstrap/package/package.json") |"
    echo "| bootstrap-icons | ${BOOTSTRAP_ICONS_VERSION} | $(node -p 'require(process.argv[1]).license' "${WORK_DIR}/bootstrap-icons/package/package.json") |"
    echo "| echarts | ${ECHARTS_VERSION} | $(node -p 'require(process.argv[1]).license' "${WORK_DIR}/echarts/package/package.json") |"
    echo
    printf '%s' "${VERSIONS_BODY%$'\n'}"
} > "${VENDOR_DIR}/VERSIONS.md"

echo ">> vendored into ${VENDOR_DIR#"$REPO_ROOT"/}:" >&2
(cd "$VENDOR_DIR" && find . -type f | LC_ALL=C sort | sed 's@^\./@  @') >&2
