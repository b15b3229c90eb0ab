#include "simulator/classroom/step_page.h"

#include <nlohmann/json.hpp>

#include "simulator/text/translate.h"

namespace ticketsim {
namespace {

constexpr const char* kPage = R"PAGE(<!DOCTYPE html>
<html lang="__LANG__"><head><meta charset="utf-8"><title>ticketsim step</title>
<style>
body{font:18px/1.5 system-ui,sans-serif;margin:24px;color:#1d2330}
h1{font-size:24px;margin:0 0 8px}#status{font-size:20px;margin:4px 0 16px}
.lane{display:flex;flex-wrap:wrap;align-items:center;gap:10px;margin:8px 0;min-height:44px}
.who{font:16px system-ui,sans-serif;min-width:250px;white-space:nowrap;text-align:left;padding:8px 12px;
  border:2px solid #4a78c2;border-radius:8px;background:#eef3fb;cursor:pointer}
.who:disabled{border-color:#bbb;background:#f4f4f4;color:#888;cursor:default}
.waiting .who{border-color:#f2c14e;background:#fdf5e0}
.step{padding:6px 10px;border-radius:6px;background:#4a78c2;color:#fff;white-space:nowrap}
.step.search{background:#b56ccf}.step.read{background:#7cc6d6;color:#1d2330}
.step.write{background:#2e9e5b}.step.bought{background:#d7263d}.step.blocked{background:#f2c14e;color:#1d2330}
.next{color:#667;font-style:italic;white-space:nowrap}
#message{margin:16px 0;font-size:20px;min-height:1.5em}#done{font-weight:700;margin:0 0 16px}
.controls button{font-size:18px;padding:8px 16px;margin-right:8px}
#report{background:#f6f7fb;border:1px solid #dde;padding:12px;white-space:pre-wrap}
</style></head>
<body data-actions="0">
<h1>ticketsim step</h1>
<div id="status"></div>
<div id="lanes"></div>
<div id="message"></div><div id="done"></div>
<div class="controls">
<button id="undo"></button><button id="reveal" hidden></button><button id="quit"></button>
</div>
<pre id="report" hidden></pre>
<script>
const TEXT = __TEXT__;
const params = new URLSearchParams(location.search);
const TOKEN = params.get('token');
let ended = false;
const $ = id => document.getElementById(id);
$('undo').textContent = TEXT.undo; $('reveal').textContent = TEXT.reveal;
$('quit').textContent = TEXT.quit;
async function call(path) {
  const response = await fetch(path + (path.includes('?') ? '&' : '?') + 'token=' +
      encodeURIComponent(TOKEN), {method: path === '/state' ? 'GET' : 'POST'});
  if (!response.ok) throw new Error(response.status + ' ' + await response.text());
  return response.json();
}
function stepClass(text) {
  if (text.includes('[')) return 'blocked';
  if (/BOUGHT|\u62a2\u5230/.test(text)) return 'bought';
  return text.split(/[(\uff08\[]/)[0];
}
function render(state) {
  $('status').textContent = state.status;
  const lanes = $('lanes');
  lanes.textContent = '';
  for (const lane of state.lanes) {
    const row = document.createElement('div');
    row.className = 'lane' + (lane.waiting ? ' waiting' : '') + (lane.finished ? ' finished' : '');
    row.id = 'lane-' + (lane.customer + 1);
    const who = document.createElement('button');
    who.className = 'who';
    who.textContent = lane.who;
    who.disabled = lane.finished || ended;
    who.onclick = () => act(String(lane.customer + 1));
    row.appendChild(who);
    for (const step of lane.done) {
      const box = document.createElement('span');
      box.className = 'step ' + stepClass(step);
      box.textContent = step;
      row.appendChild(box);
    }
    const next = document.createElement('span');
    next.className = 'next';
    next.textContent = lane.next;
    row.appendChild(next);
    lanes.appendChild(row);
  }
  $('message').textContent = state.message;
  $('done').textContent = state.all_done;
  $('reveal').hidden = !state.predict;
  $('reveal').textContent = state.shown ? TEXT.hide : TEXT.reveal;
}
async function act(key) {
  if (ended) return;
  document.body.dataset.actions = Number(document.body.dataset.actions) + 1;
  try {
    if (key === 'q') {
      const result = await call('/quit');
      ended = true;
      $('report').textContent = result.report;
      $('report').hidden = false;
      $('message').textContent = TEXT.ended;
      for (const button of document.querySelectorAll('button')) button.disabled = true;
      document.body.dataset.ended = '1';
      return;
    }
    if (key === 'u') return render(await call('/undo'));
    if (key === 'r') return render(await call('/reveal'));
    return render(await call('/press?customer=' + (Number(key) - 1)));
  } catch (error) {
    $('message').textContent = TEXT.lost + ' (' + error.message + ')';
  }
}
$('undo').onclick = () => act('u');
$('reveal').onclick = () => act('r');
$('quit').onclick = () => act('q');
addEventListener('keydown', event => {
  if (/^[1-9uUrRqQ]$/.test(event.key)) act(event.key.toLowerCase());
});
(async () => {
  render(await call('/state'));
  const play = (params.get('play') || '').split(',').filter(key => key !== '');
  const pace = Number(params.get('pace') || 400);
  for (const key of play) {
    await new Promise(resolve => setTimeout(resolve, pace));
    await act(key);
  }
})();
</script>
</body></html>
)PAGE";

void replace(std::string& text, const std::string& placeholder, const std::string& value) {
  text.replace(text.find(placeholder), placeholder.size(), value);
}

}  // namespace

std::string step_page_html() {
  nlohmann::json text = {
      {"undo", tr("Undo (u)")},
      {"reveal", tr("Reveal (r)")},
      {"hide", tr("Hide again (r)")},
      {"quit", tr("Quit and show the report (q)")},
      {"ended", tr("The session has ended: every customer was stopped and reaped.")},
      {"lost", tr("The server did not answer: was ticketsim step --web stopped?")},
  };
  std::string page = kPage;
  replace(page, "__LANG__", language_tag());
  // Escaped for a <script> block: no "</" can close it early.
  std::string json = text.dump();
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at)) {
    json.replace(at, 2, "<\\/");
  }
  replace(page, "__TEXT__", json);
  return page;
}

}  // namespace ticketsim
