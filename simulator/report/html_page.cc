#include "simulator/report/html_page.h"

#include <fmt/format.h>

#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #dde;text-align:right}
td:first-child,th:first-child{text-align:left}
table.outcomes td:last-child,table.outcomes th:last-child{text-align:left}
.UNSAFE{color:#c0182d;font-weight:600}.safe{color:#18804a;font-weight:600}
.STALLED,.ERROR,.INTERRUPTED,.unprotected{color:#a56a00;font-weight:600}
.witness{color:#c0182d}ul{padding-left:20px}
svg{background:#fbfbfd;border:1px solid #dde}
.wait{fill:#f2c14e}.search{fill:#b56ccf}.hold{fill:#4a78c2}.think{fill:#7cc6d6}.write{fill:#2e9e5b}.stopped{fill:#4b4f5c}
.witnessed .write{fill:#d7263d}.overlap{fill:#d7263d}
.read-mark{fill:#1d2330}.read-value{font:10px sans-serif;fill:#1d2330}
.buyer-mark{font:12px sans-serif;fill:#e8a000;stroke:#6b4a00;stroke-width:.4}
.count{fill:#9aa3b5}.count.alarm{fill:#d7263d}.key-read{color:#1d2330}.key-buyer{color:#e8a000}
.legend span.key-read,.legend span.key-buyer{width:auto;height:auto;background:none}
.overlap{pointer-events:none}.witness-mark{fill:#d7263d;stroke:#fff;stroke-width:1}.witness-link{stroke:#d7263d;stroke-width:1.5;fill:none}
.label{font:11px monospace;fill:#445}.witnessed .label{fill:#c0182d;font-weight:700}
.axis{font:10px sans-serif;fill:#667}.grid{stroke:#e4e4ec}
.lane:hover .label{fill:#000}
.legend span{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}
.bar-none{fill:#d7263d}.bar{fill:#4a78c2}
.series{fill:none;stroke-width:2}.band{opacity:.15;stroke:none}.point-interval{stroke-width:2}
.chart-key{font:11px sans-serif;fill:#334}
)";

// Marks the page with how many lanes the browser laid out (tests read it from the DOM).
constexpr const char* kScript = R"(
addEventListener('load', () => {
  const lanes = [...document.querySelectorAll('svg .lane')];
  document.body.dataset.renderedLanes = lanes.filter(g => g.getBBox().width > 0).length;
  document.body.dataset.witnessMarks = document.querySelectorAll('.witness-mark').length;
  const drawn = selector => [...document.querySelectorAll(selector)]
      .filter(e => e.getBBox().width > 0).length;
  document.body.dataset.tradeoffPoints = drawn('.tradeoff-point circle');
  document.body.dataset.seriesPoints = drawn('.series-line circle');
  document.body.dataset.readMarks = drawn('.read-mark');
  document.body.dataset.buyerMarks = drawn('.buyer-mark');
  document.body.dataset.timelineAxes = [...document.querySelectorAll('svg.timeline')]
      .filter(t => t.querySelectorAll('.axis-label').length >= 2).length;
  // Geometry a reader would trip over: the overlap strip on top of a bar (the bar's colour
  // would no longer match the legend), and text drawn over other text.
  const boxes = selector => [...document.querySelectorAll(selector)]
      .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const meets = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
      a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const bars = boxes('.lane rect');
  document.body.dataset.overlapOverBars =
      boxes('.overlap').filter(o => bars.some(b => meets(o, b))).length;
  let clashes = 0;
  for (const svg of document.querySelectorAll('svg')) {
    const texts = [...svg.querySelectorAll('text')].map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0);
    for (let i = 0; i < texts.length; ++i)
      for (let j = i + 1; j < texts.length; ++j) if (meets(texts[i], texts[j])) ++clashes;
  }
  document.body.dataset.overlappingLabels = clashes;
});
)";

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void page_head(const std::string& title, TextSink& out) {
  // The page's language is the reader's: a browser picks CJK fonts and line breaking by it.
  const std::string lang = language_tag();
  out.write(
      fmt::format("<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">"
                  "<title>{}</title><style>{}</style></head>\n<body>\n",
                  lang, escape(title), kStyle));
}

void page_tail(TextSink& out) {
  out.write(fmt::format("\n<script>{}</script>\n</body></html>\n", kScript));
}

}  // namespace ticketsim
