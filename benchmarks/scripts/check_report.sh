#!/usr/bin/env bash
# Checks a generated report in headless Chromium with the test's harness (tests/Cohort.Reports.Tests/Browser/
# report-check.js) and takes a full-page screenshot: prints the JSON verdict (empty/undrawn/overlaps/outside must be
# empty lists) and writes SHOT (default report.png beside the report).
# Usage: benchmarks/scripts/check_report.sh RUNDIR/report.html [SHOT.png] [WIDTH]
set -euo pipefail
report=$(realpath "$1")
shot=${2:-$(dirname "$report")/report.png}
width=${3:-1400}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$report" "$root/tests/Cohort.Reports.Tests/Browser/report-check.js" "$work/check.html" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
script = open(sys.argv[2], encoding="utf-8").read()
at = html.rfind("</body>")
open(sys.argv[3], "w", encoding="utf-8").write(html[:at] + "<script>\n" + script + "\n</script>\n" + html[at:])
PY
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars "--user-data-dir=$work/profile")
chromium "${flags[@]}" --dump-dom "file://$work/check.html" 2>/dev/null \
  | python3 -c 'import sys, re, html; m = re.search(r"<pre id=\"cohort-verdict\">(\{.*?\})</pre>", sys.stdin.read(), re.S); print(html.unescape(m.group(1)) if m else "no verdict")'
# Height: tall enough for the whole page (Chromium's --screenshot captures the window only).
height=$(python3 -c "import sys; print(min(16000, 900 + 420 * open(sys.argv[1]).read().count('<figure')))" "$report")
chromium "${flags[@]}" --screenshot="$shot" --window-size="$width,$height" "file://$report" >/dev/null 2>&1
echo "screenshot: $shot (${width}x$height)"
