// The web page: plain HTML, CSS and JavaScript, served from the binary.
//
// Everything from the index reaches the page through textContent, except
// the snippet, which the API sends as escaped HTML with <mark>: the page
// parses it inertly (DOMParser) and keeps only text and <mark> elements.
#include "web_page.h"

namespace talksearch {
namespace {

constexpr std::string_view kNoncePlaceholder = "{{NONCE}}";

constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>talksearch</title>
<link rel="icon" href="data:,">
<style nonce="{{NONCE}}">
:root { --fg: #1d1d1f; --muted: #5f6368; --accent: #1a56b8; --bg: #fff; --line: #dde1e6;
        --mark: #ffe58a; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
header { padding: 1rem; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 .5rem; font-size: 1.2rem; }
form { display: flex; gap: .5rem; flex-wrap: wrap; }
input[type=search] { flex: 1 1 16rem; font-size: 1.1rem; padding: .5rem .6rem;
                     border: 1px solid #aab; border-radius: 6px; min-width: 0; }
select, button { font: inherit; padding: .4rem .6rem; border: 1px solid #aab;
                 border-radius: 6px; background: #f6f7f9; color: var(--fg); cursor: pointer; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
.layout { display: grid; grid-template-columns: 15rem 1fr; gap: 1.5rem; padding: 1rem;
          max-width: 72rem; }
aside h2 { font-size: .9rem; text-transform: uppercase; color: var(--muted); margin: 1rem 0 .3rem; }
aside ul { list-style: none; margin: 0; padding: 0; }
.facet { display: flex; justify-content: space-between; width: 100%; text-align: left;
         border: 0; background: none; padding: .2rem .3rem; border-radius: 4px; }
.facet[aria-pressed=true] { background: #dfe9fb; font-weight: 600; }
.facet .count { color: var(--muted); margin-left: .5rem; }
#status { color: var(--muted); min-height: 1.4em; }
#status a, .hit a { color: var(--accent); }
.hit { padding: .8rem 0; border-bottom: 1px solid var(--line); }
.hit h2 { font-size: 1.1rem; margin: 0; }
.meta, .section { color: var(--muted); font-size: .9rem; margin: .15rem 0; }
.snippet { margin: .3rem 0; overflow-wrap: anywhere; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; }
.hit button { font-size: .85rem; padding: .15rem .5rem; margin-right: .4rem; }
.more { margin: .4rem 0 0 1rem; font-size: .95rem; }
.more pre { white-space: pre-wrap; background: #f6f7f9; padding: .4rem; }
nav.pager { display: flex; gap: 1rem; align-items: center; padding: 1rem 0; }
.error { color: #b00020; }
.talk h2 { font-size: 1.3rem; margin: .2rem 0; }
.talk section { padding: .3rem .6rem; border-left: 3px solid transparent; }
.talk section.target { border-left-color: var(--accent); background: #f3f7fe; }
.talk section h3 { font-size: 1.05rem; margin: .6rem 0 .2rem; }
.talk .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0; }
.talk pre { white-space: pre-wrap; background: #f6f7f9; padding: .4rem; overflow-wrap: anywhere; }
@media (max-width: 700px) {
  .layout { grid-template-columns: 1fr; padding: .5rem; }
  aside { order: 2; }
}
</style>
</head>
<body>
<header>
  <h1>talksearch</h1>
  <form id="form" role="search">
    <input id="q" type="search" name="q" list="suggestions" autocomplete="off" autofocus
           placeholder="Which talk was it where someone said…" aria-label="Search talks">
    <datalist id="suggestions"></datalist>
    <select id="sort" aria-label="Order">
      <option value="relevance">Best match</option>
      <option value="newest">Newest</option>
      <option value="oldest">Oldest</option>
    </select>
    <button type="submit">Search</button>
  </form>
</header>
<div class="layout">
  <aside id="facets" aria-label="Filters"></aside>
  <main>
    <p id="status" role="status" aria-live="polite"></p>
    <div id="results"></div>
    <nav class="pager" id="pager" aria-label="Pages"></nav>
  </main>
</div>
<script nonce="{{NONCE}}">
"use strict";
const LIMIT = 10;
const FACETS = [["event", "Event"], ["year", "Year"], ["speaker", "Speaker"]];
const $ = (id) => document.getElementById(id);
let state = readUrl(location.search);
let typing = false, timer = 0, latest = 0;

function readUrl(search) {
  const p = new URLSearchParams(search);
  const s = { q: p.get("q") || "", page: Math.max(1, parseInt(p.get("page"), 10) || 1),
              sort: p.get("sort") || "relevance" };
  for (const [name] of FACETS) s[name] = p.getAll(name);
  return s;
}

function toParams(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.page > 1) p.set("page", String(s.page));
  if (s.sort !== "relevance") p.set("sort", s.sort);
  for (const [name] of FACETS) for (const v of s[name]) p.append(name, v);
  return p;
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const c of children) node.append(c);
  return node;
}

// The snippet is escaped HTML with <mark>: keep text and marks, nothing else.
function snippetNode(html) {
  const out = el("p", { className: "snippet" });
  const doc = new DOMParser().parseFromString("<body>" + html, "text/html");
  for (const n of doc.body.childNodes) {
    out.append(n.nodeName === "MARK" ? el("mark", { textContent: n.textContent })
                                     : document.createTextNode(n.textContent));
  }
  return out;
}

function safeHref(url) {
  try {
    const u = new URL(url, location.href);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : "#";
  } catch (e) { return "#"; }
}

// A hit's link: its page on the notes' site (--base-url), else the talk's
// notes shown here (?talk=<id>), scrolled to the section that matched.
function hitLink(hit) {
  let href = hit.url;
  if (!href) {
    const p = new URLSearchParams({ talk: hit.id });
    if (state.q) p.set("q", state.q);
    href = "?" + p.toString() + (hit.anchor ? "#" + encodeURIComponent(hit.anchor) : "");
  }
  return el("a", { href: safeHref(href), textContent: hit.talk || hit.path });
}

function metaLine(hit) {
  return [(hit.speakers || []).join(", "), hit.event, hit.date].filter(Boolean).join(" · ");
}

async function getJson(path, params) {
  const res = await fetch(path + "?" + params.toString(), { headers: { Accept: "application/json" } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function showError(e) {
  $("status").replaceChildren(el("span", { className: "error", textContent: String(e.message || e) }));
}

// Searches for `state` changed by `change`. `push`: a new history entry (a
// deliberate step, so Back returns here); else typing refines the current one.
function go(change, push) {
  Object.assign(state, change);
  if (push) typing = false;
  const url = "?" + toParams(state).toString();
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  search();
}

async function search() {
  const id = ++latest;
  if ($("q").value !== state.q) $("q").value = state.q;
  $("sort").value = state.sort;
  const filtered = FACETS.some(([name]) => state[name].length);
  if (!state.q.trim() && !filtered) {
    $("status").textContent = "Type to search the talks.";
    $("results").replaceChildren(); $("pager").replaceChildren(); $("facets").replaceChildren();
    return;
  }
  const params = toParams(state);
  params.set("q", state.q);
  params.set("limit", String(LIMIT));
  try {
    const r = await getJson("search", params);
    if (id === latest) render(r);
  } catch (e) { if (id === latest) showError(e); }
}

function render(r) {
  renderStatus(r);
  $("results").replaceChildren(...r.hits.map(renderHit));
  renderFacets(r.facets || {});
  renderPager(r);
}

function renderStatus(r) {
  const parts = [];
  const link = (q) => {
    const a = el("a", { href: "?" + toParams({ ...state, q, page: 1 }), textContent: q });
    a.addEventListener("click", (ev) => { ev.preventDefault(); go({ q, page: 1 }, true); });
    return a;
  };
  if (r.showing_corrected) parts.push("No results for “" + r.query + "”; showing ", link(r.corrected), ". ");
  else if (r.corrected) parts.push("Did you mean ", link(r.corrected), "? ");
  parts.push(r.total === 1 ? "1 talk" : r.total + " talks");
  if (r.relaxed) parts.push(" (searched as plain words)");
  $("status").replaceChildren(...parts);
}

function renderHit(hit) {
  const more = el("div", { className: "more" });
  const similar = el("button", { type: "button", textContent: "Similar talks" });
  similar.addEventListener("click", () => toggle(more, similar, () => loadSimilar(hit, more)));
  const notes = el("button", { type: "button", textContent: "Notes" });
  notes.addEventListener("click", () => toggle(more, notes, () => loadTalk(hit, more)));
  return el("article", { className: "hit" },
    el("h2", {}, hitLink(hit)),
    el("p", { className: "meta", textContent: metaLine(hit) }),
    hit.section && hit.section !== hit.talk ? el("p", { className: "section", textContent: "§ " + hit.section }) : "",
    hit.snippet ? snippetNode(hit.snippet) : "",
    el("div", {}, similar, notes), more);
}

// The notes of one talk, every section, the one in the address's #anchor
// marked and scrolled to.
async function showTalk(id) {
  if ($("q").value !== state.q) $("q").value = state.q;
  $("facets").replaceChildren(); $("pager").replaceChildren();
  const back = el("a", { href: "?" + toParams(state).toString(),
                         textContent: state.q ? "← Results for “" + state.q + "”" : "← Search" });
  $("status").replaceChildren(back);
  try {
    const t = await getJson("talk", new URLSearchParams({ id }));
    let anchor = "";
    try { anchor = decodeURIComponent(location.hash.slice(1)); } catch (e) { /* a bad % */ }
    let target = null;
    const sections = t.sections.map((s) => {
      const node = el("section", {},
        s.title && s.title !== t.talk ? el("h3", { textContent: s.title }) : "",
        s.text ? el("p", { className: "text", textContent: s.text }) : "",
        s.code ? el("pre", { textContent: s.code }) : "");
      node.dataset.anchor = s.anchor;
      if (anchor && s.anchor === anchor && !target) target = node;
      return node;
    });
    $("results").replaceChildren(el("article", { className: "talk" },
      el("h2", { textContent: t.talk }), el("p", { className: "meta", textContent: metaLine(t) }),
      el("p", { className: "meta", textContent: t.path }), ...sections));
    document.title = t.talk + " — talksearch";
    if (target) {
      target.classList.add("target");
      target.tabIndex = -1;
      target.scrollIntoView();
      target.focus({ preventScroll: true });
    }
  } catch (e) { showError(e); }
}

// What the address asks for: a talk's notes, or a search.
function show() {
  const talk = new URLSearchParams(location.search).get("talk");
  if (talk) showTalk(talk); else search();
}

function toggle(box, button, load) {
  const open = button.getAttribute("aria-expanded") === "true";
  for (const b of button.parentNode.querySelectorAll("button")) b.setAttribute("aria-expanded", "false");
  box.replaceChildren();
  if (!open) { button.setAttribute("aria-expanded", "true"); load(); }
}

async function loadSimilar(hit, box) {
  try {
    const r = await getJson("similar", new URLSearchParams({ id: hit.id, limit: "5" }));
    box.replaceChildren(r.hits.length ? el("ul", {}, ...r.hits.map((h) =>
      el("li", {}, hitLink(h), " — " + metaLine(h)))) : "No similar talks.");
  } catch (e) { box.textContent = String(e.message || e); }
}

async function loadTalk(hit, box) {
  try {
    const t = await getJson("talk", new URLSearchParams({ id: hit.id }));
    box.replaceChildren(...t.sections.map((s) => el("section", {},
      s.title ? el("h3", { textContent: s.title }) : "",
      el("p", { textContent: s.text }), s.code ? el("pre", { textContent: s.code }) : "")));
  } catch (e) { box.textContent = String(e.message || e); }
}

function renderFacets(facets) {
  const groups = [];
  for (const [name, label] of FACETS) {
    const chosen = state[name];
    const values = (facets[name] || []).slice();
    for (const v of chosen) if (!values.some((f) => f.value === v)) values.push({ value: v, count: 0 });
    if (!values.length) continue;
    groups.push(el("h2", { textContent: label }), el("ul", {}, ...values.map((f) => {
      const on = chosen.includes(f.value);
      const b = el("button", { type: "button", className: "facet" },
        el("span", { textContent: f.value }), el("span", { className: "count", textContent: String(f.count) }));
      b.setAttribute("aria-pressed", String(on));
      b.dataset.facet = name;
      b.addEventListener("click", () => go({ [name]: on ? chosen.filter((v) => v !== f.value)
                                                       : [...chosen, f.value], page: 1 }, true));
      return el("li", {}, b);
    })));
  }
  $("facets").replaceChildren(...groups);
}

function renderPager(r) {
  const pages = Math.min(Math.ceil(r.total / LIMIT), Math.floor(10000 / LIMIT));
  const nav = [];
  const button = (text, page) => {
    const b = el("button", { type: "button", textContent: text });
    b.addEventListener("click", () => { go({ page }, true); $("q").focus(); });
    return b;
  };
  if (r.page > 1) nav.push(button("← Previous", r.page - 1));
  if (pages > 1) nav.push(el("span", { textContent: "Page " + r.page + " of " + pages }));
  if (r.page < pages) nav.push(button("Next →", r.page + 1));
  $("pager").replaceChildren(...nav);
}

async function suggest(prefix) {
  if (!prefix.trim()) return;
  try {
    const r = await getJson("suggest", new URLSearchParams({ q: prefix }));
    $("suggestions").replaceChildren(...r.suggestions.map((s) => el("option", { value: s })));
  } catch (e) { /* completions are optional */ }
}

$("q").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const q = $("q").value;
    suggest(q);
    go({ q, page: 1 }, !typing);
    typing = true;
  }, 150);
});
$("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(timer);
  go({ q: $("q").value, page: 1 }, true);
});
$("sort").addEventListener("change", () => go({ sort: $("sort").value, page: 1 }, true));
window.addEventListener("popstate", () => { typing = false; state = readUrl(location.search); show(); });
document.addEventListener("keydown", (ev) => {
  if (ev.key === "/" && document.activeElement !== $("q")) { ev.preventDefault(); $("q").focus(); }
});
show();
</script>
</body>
</html>
)html";

}  // namespace

std::string WebPage(std::string_view nonce) {
  std::string page(kPage);
  for (std::size_t at; (at = page.find(kNoncePlaceholder)) != std::string::npos;) {
    page.replace(at, kNoncePlaceholder.size(), nonce);
  }
  return page;
}

}  // namespace talksearch
