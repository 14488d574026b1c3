#!/usr/bin/env bash
# The fonts the PDFs (the annual investment plan) need: Debian's Noto CJK, and HarfBuzz-Subset so WeasyPrint
# subsets them in about a second (without it, fontTools takes ~50 s a PDF). Installed with apt-get when run as
# root and missing; otherwise a loud warning (PDFs would show boxes for Chinese) — never fails the build.
set -uo pipefail

have_cjk_font() { fc-list 2>/dev/null | grep -qi "Noto.*CJK"; }
have_hb_subset() { ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0"; }

warn() {
    {
        echo
        echo "######################################################################"
        echo "##  WARNING: the Chinese fonts for PDF exports are NOT installed."
        echo "##  Reason: $1"
        echo "##  PDFs will show boxes for Chinese text. As root run:"
        echo "##      apt-get update && apt-get install -y fonts-noto-cjk libharfbuzz-subset0"
        echo "######################################################################"
        echo
    } >&2
}

if have_cjk_font && have_hb_subset; then
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    warn "not running as root, cannot apt-get install them."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found (not a Debian-based system)."
    exit 0
fi
echo ">> installing fonts-noto-cjk and libharfbuzz-subset0 via apt-get" >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0; }; then
    warn "apt-get install failed."
fi
exit 0
