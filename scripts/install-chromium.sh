#!/usr/bin/env bash
# Ensure a Chromium for the browser tests is available at /usr/bin/chromium.
# Uses the Debian `chromium` package (never `playwright install`).
# Never fails the build: if Chromium cannot be installed, prints a loud warning
# (browser tests will then be skipped) and exits 0.
set -uo pipefail

CHROMIUM=/usr/bin/chromium

warn() {
    {
        echo
        echo "######################################################################"
        echo "##  WARNING: Chromium is NOT available at ${CHROMIUM}."
        echo "##  Reason: $1"
        echo "##"
        echo "##  Browser (end-to-end) tests WILL BE SKIPPED."
        echo "##"
        echo "##  To fix, on Debian/Ubuntu as root run:"
        echo "##      apt-get update && apt-get install -y chromium"
        echo "######################################################################"
        echo
    } >&2
}

# Chinese text in screenshots and PDFs needs a CJK font (Noto CJK). WeasyPrint subsets those large fonts with
# HarfBuzz-Subset; without it, it falls back to fontTools and one PDF of the plan takes ~50 s instead of ~1 s.
have_cjk_font() { fc-list 2>/dev/null | grep -qi "Noto.*CJK"; }
have_hb_subset() { ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0"; }

if [[ -x "$CHROMIUM" ]] && have_cjk_font && have_hb_subset; then
    "$CHROMIUM" --version 2>/dev/null || echo "chromium present at ${CHROMIUM}"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    warn "not running as root, cannot apt-get install chromium."
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found (not a Debian-based system)."
    exit 0
fi

echo ">> installing chromium via apt-get" >&2
if ! apt-get update -qq; then
    warn "'apt-get update' failed."
    exit 0
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk libharfbuzz-subset0; then
    warn "'apt-get install chromium' failed."
    exit 0
fi

if [[ -x "$CHROMIUM" ]]; then
    "$CHROMIUM" --version 2>/dev/null || echo "chromium installed at ${CHROMIUM}"
else
    warn "apt-get succeeded but ${CHROMIUM} does not exist."
fi
exit 0
