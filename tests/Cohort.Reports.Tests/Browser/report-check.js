// Checks a Cohort report after layout, in a real browser (headless Chromium): every <svg> has a non-empty box, every
// chart draws marks outside its axes, and no two text labels of one chart overlap or leave the chart. Writes the
// verdict as JSON into <pre id="cohort-verdict">, which `chromium --headless --dump-dom` prints. Injected before
// </body> by ChromiumReportTests and benchmarks/scripts/check_report.sh; it runs synchronously, after the whole page
// (inline SVG only) has been parsed, and getBoundingClientRect forces layout.
(function () {
  var verdict = { svgs: 0, charts: 0, marks: 0, texts: 0, empty: [], undrawn: [], overlaps: [], outside: [] };
  var svgs = document.querySelectorAll('svg');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i];
    verdict.svgs++;
    var id = (svg.getAttribute('class') || 'svg') + ' #' + i;
    var box = svg.getBoundingClientRect();
    if (!(box.width > 1 && box.height > 1)) {
      verdict.empty.push(id);
      continue;
    }
    if ((svg.getAttribute('class') || '').indexOf('chart') >= 0) {
      verdict.charts++;
      var marks = 0;
      var shapes = svg.querySelectorAll('path, polyline, polygon, circle, line, rect');
      for (var s = 0; s < shapes.length; s++) {
        var e = shapes[s];
        if (e.closest('.axes, .grid, .x-ticks, .y-ticks, .colorbar, .legend')) {
          continue;
        }
        var b = e.getBoundingClientRect();
        if (b.width > 0 || b.height > 0) {
          marks++;
        }
      }
      verdict.marks += marks;
      if (marks === 0) {
        verdict.undrawn.push(id);
      }
    }
    var texts = [];
    var nodes = svg.querySelectorAll('text');
    for (var t = 0; t < nodes.length; t++) {
      var label = nodes[t].textContent.trim();
      var r = nodes[t].getBoundingClientRect();
      if (label !== '' && r.width > 0 && r.height > 0) {
        texts.push({ label: label, r: r });
      }
    }
    verdict.texts += texts.length;
    for (var a = 0; a < texts.length; a++) {
      var A = texts[a].r;
      if (A.left < box.left - 1 || A.right > box.right + 1 || A.top < box.top - 1 || A.bottom > box.bottom + 1) {
        verdict.outside.push(id + ': "' + texts[a].label + '"');
      }
      for (var c = a + 1; c < texts.length; c++) {
        var B = texts[c].r;
        var w = Math.min(A.right, B.right) - Math.max(A.left, B.left);
        var h = Math.min(A.bottom, B.bottom) - Math.max(A.top, B.top);
        // Glyph boxes include line spacing: tolerate 2 px of vertical and 1 px of horizontal contact.
        if (w > 1 && h > 2) {
          verdict.overlaps.push(id + ': "' + texts[a].label + '" / "' + texts[c].label + '"');
        }
      }
    }
  }
  var pre = document.createElement('pre');
  pre.id = 'cohort-verdict';
  pre.textContent = JSON.stringify(verdict);
  document.body.appendChild(pre);
})();
