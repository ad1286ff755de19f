#!/usr/bin/env bash
# Rebuild the council's GOV.UK Frontend assets into static/govuk/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
OUT=../../static/govuk

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi

mkdir -p "$OUT"

# --quiet-deps / --silence-deprecation=import: govuk-frontend 5.x still uses
# @import and global Sass functions, which current Dart Sass warns about.
npx sass --no-source-map --style=compressed --load-path=node_modules \
  --quiet-deps --silence-deprecation=import \
  main.scss "$OUT/govuk-frontend.min.css"

cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$OUT/govuk-frontend.min.js"

# Guard against GOV.UK-reserved branding creeping back in.
if grep -q "GDS Transport" "$OUT/govuk-frontend.min.css"; then
  echo "ERROR: GDS Transport found in $OUT/govuk-frontend.min.css" >&2
  exit 1
fi
if grep -qi "@font-face" "$OUT/govuk-frontend.min.css"; then
  echo "ERROR: @font-face found in $OUT/govuk-frontend.min.css" >&2
  exit 1
fi
if grep -oi "url([^)]*)" "$OUT/govuk-frontend.min.css" | grep -qi "crest\|crown\|favicon\|govuk-icon\|fonts/"; then
  echo "ERROR: GOV.UK font/crown asset URL found in $OUT/govuk-frontend.min.css" >&2
  exit 1
fi

ls -l "$OUT/govuk-frontend.min.css" "$OUT/govuk-frontend.min.js"
