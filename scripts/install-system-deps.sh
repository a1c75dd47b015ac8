#!/usr/bin/env bash
# Debian packages pantau's tests and demo use. Idempotent: installs only what is missing.
#   chromium            real-browser collection, evidence screenshots, UI tests (Playwright)
#   fonts-dejavu-core   a Unicode font for PDFs and screenshots
#   poppler-utils       pdftoppm/pdftotext, to look at referral PDFs in tests
#   postgresql          throw-away PostgreSQL for tests when none is reachable
#   redis-server        Redis for the distributed-sweep tests when none is reachable
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]});" \
       "tests that need them will skip" >&2
  exit 0
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
