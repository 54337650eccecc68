// Rhyme's review page. Plain DOM, no framework, no build step. Every action is a call to the
// /v1 API with the reviewer's bearer token; the server decides what the role may do, and the
// page shows the server's answer as it is. Text from the API is only ever set as textContent.
"use strict";

const TOKEN_KEY = "rhyme.token";

// ---- small helpers -------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function pad(n) {
  return String(n).padStart(2, "0");
}

// "14:03", or "05-02 14:03" when the day differs from `day` (a Date in UTC), always UTC.
function clock(ms, day) {
  const t = new Date(ms);
  const hm = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`;
  if (day && t.toISOString().slice(0, 10) === day.toISOString().slice(0, 10)) return hm;
  return `${t.toISOString().slice(0, 10)} ${hm}`;
}

const KIND_NAMES = {
  "draft-status-update": "Status update draft",
  "draft-postmortem": "Postmortem draft",
  "draft-report": "Report draft",
  "suggested-action": "Suggested action",
};

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

// One API call. Answers JSON (or a Blob for images); throws ApiError with the server's detail.
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token()}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get("content-type") || "";
  if (!res.ok) {
    const problem = type.includes("json") ? await res.json().catch(() => null) : null;
    const detail = (problem && problem.detail) || `${res.status} ${res.statusText}`;
    if (res.status === 401) signOut("The server did not accept your token (mistyped, revoked or expired). Sign in again.");
    throw new ApiError(res.status, detail);
  }
  return type.includes("json") ? res.json() : res.blob();
}

function explain(error) {
  if (!(error instanceof ApiError)) return `Could not reach the server: ${error.message}`;
  if (error.status === 403) return `Refused by the server: ${error.detail}`;
  if (error.status === 409) return `Not done: ${error.detail}. Reload to see the current text.`;
  return error.detail;
}

function main() {
  return document.getElementById("main");
}

function show(...nodes) {
  main().replaceChildren(...nodes);
}

// ---- sign-in -------------------------------------------------------------------------------

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  renderSignIn(message);
}

function renderSignIn(message) {
  document.getElementById("who").textContent = "";
  document.getElementById("sign-out").hidden = true;
  const input = el("input", { id: "token", type: "password", autocomplete: "off", spellcheck: "false", placeholder: "rhyme_…" });
  const note = el("p", { id: "sign-in-note", class: message ? "error" : "quiet", role: "alert" }, message || "");
  const form = el(
    "form",
    { class: "sign-in", onsubmit: (event) => { event.preventDefault(); signIn(input.value.trim(), note); } },
    el("h1", {}, "Sign in"),
    el("p", {}, "Paste your API token (", el("code", {}, "rhyme token create --role reviewer --name YOU"), "). It is kept in this tab only."),
    el("label", { for: "token" }, "Token"),
    input,
    el("button", { id: "sign-in", type: "submit", class: "primary" }, "Sign in"),
    note,
  );
  show(form);
  input.focus();
}

async function signIn(secret, note) {
  if (!secret) {
    note.textContent = "Paste a token first.";
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, secret);
  try {
    await start();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) note.textContent = explain(error);
  }
}

async function start() {
  const me = await api("GET", "/v1/me");
  document.getElementById("who").textContent = `Signed in as ${me.name} (${me.role})`;
  document.getElementById("sign-out").hidden = false;
  const incident = location.pathname.match(/^\/review\/incidents\/([^/]+)$/);
  const onActions = location.pathname === "/review/actions";
  const onThemes = location.pathname === "/review/themes";
  const onReport = location.pathname === "/review/report";
  document.getElementById("tab-actions").className = onActions ? "current" : "";
  document.getElementById("tab-themes").className = onThemes ? "current" : "";
  document.getElementById("tab-report").className = onReport ? "current" : "";
  document.getElementById("tab-queue").className = onActions || onThemes || onReport || incident ? "" : "current";
  if (incident) await renderIncident(decodeURIComponent(incident[1]));
  else if (onActions) await renderActions();
  else if (onThemes) await renderThemes();
  else if (onReport) await renderReport();
  else await renderQueue();
}

// ---- the queue -----------------------------------------------------------------------------

// Timelines and findings per incident, fetched once per page view.
const incidentData = new Map();

function loadIncident(id) {
  if (!incidentData.has(id)) {
    const enc = encodeURIComponent(id);
    incidentData.set(id, Promise.all([
      api("GET", `/v1/incidents/${enc}`),
      api("GET", `/v1/incidents/${enc}/timeline`),
      api("GET", `/v1/incidents/${enc}/findings`),
    ]).then(([incident, timeline, findings]) => ({ incident, timeline, findings })));
  }
  return incidentData.get(id);
}

async function renderQueue() {
  const [pending, incidents] = await Promise.all([api("GET", "/v1/proposals?state=pending"), api("GET", "/v1/incidents")]);
  const heading = el("h1", { id: "queue-heading" }, queueTitle(pending.length));
  const list = el("div", { id: "queue" });
  show(heading, list, incidentList(incidents), el("p", {}, el("a", { href: "/review/themes" }, "Recurring mechanisms across postmortems")));
  if (pending.length === 0) list.append(el("p", { class: "quiet" }, "Nothing is waiting. New drafts appear here when someone asks for one."));
  for (const summary of pending) {
    const card = el("section", { class: "proposal", "data-id": summary.id }, el("p", { class: "quiet" }, "Loading…"));
    list.append(card);
    renderProposal(card, summary.id).catch((error) => card.replaceChildren(el("p", { class: "error" }, explain(error))));
  }
}

// ---- recurring mechanisms ------------------------------------------------------------------

// Months between the first and last dated member, as `rhyme themes` says them.
function span(days) {
  if (days === null || days === undefined) return "dates unknown";
  const months = Math.round(days / 30.44);
  if (months < 2) return `over ${days} day${days === 1 ? "" : "s"}`;
  if (months < 36) return `over ${months} months`;
  return `over ${Math.round(days / 365.25)} years`;
}

async function renderThemes() {
  const answer = await api("GET", "/v1/themes");
  const heading = el("h1", { id: "themes-heading" }, answer.themes.length === 1 ? "1 recurring mechanism" : `${answer.themes.length} recurring mechanisms`);
  const note = el("p", { class: "quiet" }, `${answer.grouped} of ${answer.postmortems} postmortems are in a group of two or more; the rest stand alone.`);
  const groups = answer.themes.map((t) => el(
    "section",
    { class: "theme" },
    el("h2", {}, `${t.members.length} incidents, ${span(t.span_days)}: ${t.mechanism.replaceAll("-", " ")}`, t.shared_terms.length ? el("span", { class: "quiet" }, ` (${t.shared_terms.join(", ")})`) : ""),
    el("ul", {}, t.members.map((m) => el("li", {}, `${m.date || "undated"} · ${m.id} · ${m.title}`, m.company ? el("span", { class: "quiet" }, ` (${m.company})`) : ""))),
    // The notes: the action items promised after these incidents and where each stands.
    t.notes.length ? el("h3", {}, "Promised after these incidents") : "",
    t.notes.length ? el("ul", { class: "notes" }, t.notes.map((n) => el("li", n.includes(", overdue since ") ? { class: "overdue" } : {}, n))) : "",
  ));
  show(heading, note, ...groups);
}

function queueTitle(n) {
  return n === 1 ? "1 proposal waiting for review" : `${n} proposals waiting for review`;
}

function incidentList(incidents) {
  if (incidents.length === 0) return el("div");
  return el(
    "nav",
    { class: "incidents" },
    el("h2", {}, "Incidents"),
    el("ul", {}, incidents.map((i) => el("li", {}, el("a", { href: `/review/incidents/${encodeURIComponent(i.id)}` }, `${i.severity} · ${i.title}`), el("span", { class: "quiet" }, ` started ${clock(i.started)}${i.ended ? ", ended " + clock(i.ended) : ""}`)))),
  );
}

async function renderProposal(card, id) {
  const view = await api("GET", `/v1/proposals/${encodeURIComponent(id)}`);
  const p = view.proposal;
  const context = p.incident ? await loadIncident(p.incident) : { incident: null, timeline: [], findings: [] };
  const lint = p.kind === "suggested-action" ? [] : await api("POST", "/v1/lint", { text: p.body });
  const day = context.incident ? new Date(context.incident.started) : null;
  let revision = p.revision;

  const status = el("p", { class: "status", role: "status" });
  const say = (text, kind) => {
    status.textContent = text;
    status.className = `status ${kind || ""}`;
  };
  const bodyView = el("pre", { class: "body" }, p.body);
  const lintView = el("div", { class: "lint" });
  const showLint = (notes) => lintView.replaceChildren(lintList(notes));
  showLint(lint);

  // Edit panel: the text, the sections that can be re-drafted, accept-with-edits.
  const editor = el("textarea", { class: "editor", rows: Math.min(40, p.body.split("\n").length + 2), spellcheck: "true" });
  editor.value = p.body;
  const sectionPick = el("select", { class: "section" }, view.sections.map((s) => el("option", { value: s.key }, s.heading)));
  const regenerate = el("button", { type: "button", class: "regenerate" }, "Re-draft this section");
  const editPanel = el(
    "div",
    { class: "edit-panel", hidden: true },
    el("label", {}, "Your text (approved as written; the change is kept as a diff)"),
    editor,
    view.sections.length ? el("div", { class: "regen" }, el("label", {}, "Re-draft one section, keeping your edits elsewhere: "), sectionPick, regenerate) : null,
    el("div", { class: "actions" },
      el("button", { type: "button", class: "accept-edit primary", onclick: () => decide("edit", { body: editor.value, revision }) }, "Accept with my edits"),
      el("button", { type: "button", class: "cancel", onclick: () => { editPanel.hidden = true; } }, "Close editor")),
  );
  regenerate.addEventListener("click", async () => {
    regenerate.disabled = true;
    say(`Re-drafting “${sectionPick.selectedOptions[0].textContent}”…`);
    try {
      const out = await api("POST", `/v1/proposals/${encodeURIComponent(id)}/sections/${encodeURIComponent(sectionPick.value)}/regenerate`, { body: editor.value, revision });
      revision = out.proposal.revision;
      editor.value = out.proposal.body;
      bodyView.textContent = out.proposal.body;
      showLint(await api("POST", "/v1/lint", { text: out.proposal.body }));
      say(`Section re-drafted; your other edits are kept (now revision ${revision}).`, "ok");
    } catch (error) {
      say(explain(error), "error");
    } finally {
      regenerate.disabled = false;
    }
  });

  // Reject panel: a reason is required, by the page and by the server.
  const reason = el("textarea", { class: "reason", rows: 2, placeholder: "Why? (required; the author sees it)" });
  const rejectPanel = el(
    "div",
    { class: "reject-panel", hidden: true },
    el("label", {}, "Reason for rejecting"),
    reason,
    el("div", { class: "actions" }, el("button", { type: "button", class: "confirm-reject danger", onclick: () => {
      if (!reason.value.trim()) {
        say("Say why you reject it: the reason is required.", "error");
        reason.focus();
        return;
      }
      decide("reject", { reason: reason.value.trim(), revision });
    } }, "Reject")),
  );

  const buttons = el(
    "div",
    { class: "actions" },
    el("button", { type: "button", class: "accept primary", onclick: () => decide("approve", { revision }) }, "Accept"),
    el("button", { type: "button", class: "edit", onclick: () => { editPanel.hidden = false; rejectPanel.hidden = true; editor.focus(); } }, "Edit, then accept"),
    el("button", { type: "button", class: "reject", onclick: () => { rejectPanel.hidden = false; editPanel.hidden = true; reason.focus(); } }, "Reject…"),
  );

  async function decide(verb, body) {
    for (const b of card.querySelectorAll("button")) b.disabled = true;
    say("Sending…");
    try {
      const decision = await api("POST", `/v1/proposals/${encodeURIComponent(id)}/${verb}`, body);
      const outcome = decision.outcome;
      const text = outcome.outcome === "rejected" ? "Rejected."
        : outcome.outcome === "awaiting-reviewers" ? `Your approval counts (${outcome.have} of ${outcome.need}); another reviewer must approve too.`
        : `Accepted (revision ${decision.proposal.revision}).`;
      card.classList.add("decided");
      buttons.remove();
      editPanel.remove();
      rejectPanel.remove();
      bodyView.textContent = decision.proposal.body;
      say(text, "ok");
      const left = document.querySelectorAll(".proposal:not(.decided)").length;
      document.getElementById("queue-heading").textContent = queueTitle(left);
    } catch (error) {
      for (const b of card.querySelectorAll("button")) b.disabled = false;
      say(explain(error), "error");
    }
  }

  const incidentLink = p.incident ? el("a", { href: `/review/incidents/${encodeURIComponent(p.incident)}` }, context.incident ? context.incident.title : p.incident) : null;
  card.replaceChildren(
    el("h2", {}, p.title),
    el("p", { class: "meta" },
      el("span", { class: "kind" }, KIND_NAMES[p.kind] || p.kind),
      incidentLink ? [" · incident ", incidentLink] : null,
      ` · by ${p.plugin.name} ${p.plugin.version} at ${clock(p.created_at, day)}`,
      p.requested_by ? ` · asked for by ${p.requested_by}` : null,
      view.revisions.length ? ` · revised ${view.revisions.length}×` : null),
    p.rationale ? el("p", { class: "rationale" }, p.rationale) : null,
    el("div", { class: "columns" },
      el("div", { class: "text" }, el("h3", {}, "Text"), bodyView, lintView),
      el("div", { class: "evidence" }, el("h3", {}, "Evidence it cites"), evidenceList(p.evidence, context, day))),
    buttons,
    editPanel,
    rejectPanel,
    status,
  );
}

function lintList(notes) {
  if (notes.length === 0) return el("p", { class: "lint-clean" }, "Review lint: nothing to fix.");
  return el(
    "div",
    {},
    el("h3", {}, `Review lint (${notes.length})`),
    el("ul", { class: "lint-notes" }, notes.map((n) => el("li", { class: `lint-${n.kind}` },
      el("strong", {}, `Line ${n.line}: `), n.message,
      el("div", { class: "excerpt" }, `“${n.excerpt}”`),
      el("div", { class: "suggestion" }, `Try: ${n.suggestion}`)))),
  );
}

function evidenceList(evidence, context, day) {
  const events = new Map(context.timeline.map((e) => [e.id, e]));
  const findings = new Map(context.findings.map((f) => [f.id, f]));
  const items = evidence.map((item) => {
    if (item.event !== undefined) {
      const e = events.get(item.event);
      if (!e) return el("li", { class: "missing" }, `#${item.event}: not in the timeline`);
      return el("li", { class: "cited-event", "data-event": e.id },
        el("span", { class: "time" }, clock(e.at, day)), " ",
        el("span", { class: "actor" }, e.actor || e.kind), " ",
        el("span", { class: "eid" }, `#${e.id}`),
        el("div", {}, e.text));
    }
    if (item.finding !== undefined) {
      const f = findings.get(item.finding);
      if (!f) return el("li", { class: "missing" }, `finding ${item.finding}: not found`);
      return el("li", { class: "cited-finding" }, el("span", { class: "kind" }, f.kind), " ", f.title, el("div", {}, f.detail));
    }
    if (item.window !== undefined) {
      const w = item.window;
      return el("li", {}, `${w.series}: ${clock(w.start, day)}–${clock(w.end, day)}`);
    }
    if (item.postmortem !== undefined) return el("li", {}, `past postmortem ${item.postmortem}`);
    return el("li", {}, JSON.stringify(item));
  });
  if (items.length === 0) return el("p", { class: "quiet" }, "It cites nothing.");
  return el("ul", { class: "cited" }, items);
}

// ---- the incident view ---------------------------------------------------------------------

const FINDING_GROUPS = [
  ["nudge", "Nudges for the incident commander"],
  ["signature", "Graph signatures"],
  ["similar-incident", "Seen before"],
  ["seen-before", "Seen before"],
];

async function renderIncident(id) {
  const enc = encodeURIComponent(id);
  const [{ incident, timeline, findings }, triage, pending] = await Promise.all([
    loadIncident(id),
    api("GET", `/v1/incidents/${enc}/nudges`),
    api("GET", `/v1/proposals?state=pending&incident=${enc}`),
  ]);
  const day = new Date(incident.started);
  const parts = [
    el("p", { class: "back" }, el("a", { href: "/review" }, "← Review queue")),
    el("h1", {}, `${incident.severity} · ${incident.title}`),
    el("p", { class: "meta" },
      incident.service ? `${incident.service} · ` : "",
      `started ${clock(incident.started)}`,
      incident.ended ? ` · ended ${clock(incident.ended, day)}` : " · still open",
      pending.length ? [" · ", el("a", { href: "/review" }, `${pending.length} draft${pending.length === 1 ? "" : "s"} waiting for review`)] : null),
  ];
  const seenGroups = new Set();
  for (const [kind, title] of FINDING_GROUPS) {
    if (seenGroups.has(title)) continue;
    const group = findings.filter((f) => FINDING_GROUPS.some(([k, t]) => t === title && k === f.kind));
    seenGroups.add(title);
    parts.push(findingSection(kind, title, group, triage, day, id));
  }
  const movers = findings.filter((f) => f.subject === FIRST_MOVER);
  if (movers.length) parts.push(moversSection(movers, day, id));
  const other = findings.filter((f) => !FINDING_GROUPS.some(([k]) => k === f.kind) && f.subject !== FIRST_MOVER);
  if (other.length) {
    parts.push(el("details", { class: "other" }, el("summary", {}, `Other notes (${other.length})`), el("ul", { class: "findings" }, other.map((f) => findingItem(f, day)))));
  }
  parts.push(changesSection(timeline, day));
  parts.push(el("section", { class: "timeline" }, el("h2", {}, `Timeline (${timeline.length} events)`), timelineTable(timeline, day)));
  show(...parts);
}

// The first-mover finding (which of the incident's series moved first, and how much earlier),
// newest first, beside the plot of every series on one axis with the onsets it names marked.
const FIRST_MOVER = "first-mover";

function moversSection(movers, day, incident) {
  const newest = movers[movers.length - 1];
  const figure = el("figure", { class: "plot movers-plot" }, el("figcaption", {}, "All series, each on its own range; onsets marked"));
  api("GET", `/v1/incidents/${encodeURIComponent(incident)}/plots/movers.svg`)
    .then((blob) => figure.prepend(el("img", { src: URL.createObjectURL(blob), alt: `all series aligned: ${newest.title}` })))
    .catch((error) => figure.append(el("p", { class: "error" }, explain(error))));
  return el("section", { class: "findings-first-mover" },
    el("h2", {}, "What moved first"),
    el("div", { class: "movers" },
      el("ul", { class: "findings" }, [...movers].reverse().map((f) => findingItem(f, day))),
      figure));
}

// Change events on the timeline (deploys, rollbacks, config, flags, infrastructure, freezes):
// a responder's second question is "what changed?", so they get their own list above the
// timeline. Their text is a sentence, then `key: value` lines (see rhyme_store::changes).
const CHANGE_KINDS = new Set(["deploy", "rollback", "config", "feature-flag", "infrastructure", "freeze-start", "freeze-end"]);

function changesSection(timeline, day) {
  const changes = timeline.filter((e) => CHANGE_KINDS.has(e.kind));
  const section = el("section", { class: "changes" }, el("h2", {}, `What changed (${changes.length})`));
  if (changes.length === 0) {
    section.append(el("p", { class: "quiet" }, "No change recorded for this service from two hours before the incident to now."));
    return section;
  }
  section.append(el("ul", { class: "findings" }, changes.map((e) => changeItem(e, day))));
  return section;
}

function changeItem(e, day) {
  const [headline, ...lines] = e.text.split("\n");
  const fields = new Map(lines.map((line) => {
    const at = line.indexOf(": ");
    return at > 0 ? [line.slice(0, at), line.slice(at + 2)] : [line, ""];
  }));
  // Only web links: a sender's `javascript:` URL must not become a clickable link.
  const link = fields.get("link");
  return el("li", { class: `finding change kind-${e.kind}` },
    el("div", { class: "finding-head" }, el("span", { class: "time" }, clock(e.at, day)), " ", el("strong", {}, headline)),
    el("div", { class: "quiet" }, e.actor ? `by ${e.actor} · ` : "", el("a", { href: `#event-${e.id}` }, `#${e.id}`),
      link && /^https?:\/\//i.test(link) ? [" · ", el("a", { href: link, rel: "noreferrer" }, "details")] : null),
    fields.has("freeze") ? el("div", { class: "warning" }, `made during change freeze ${fields.get("freeze")}`) : null);
}

function findingSection(kind, title, group, triage, day, incident) {
  const section = el("section", { class: `findings-${kind}` }, el("h2", {}, `${title} (${group.length})`));
  if (group.length === 0) {
    section.append(el("p", { class: "quiet" }, kind === "nudge" ? "No nudges: nothing in the response matched a known anti-pattern." : "None so far."));
    return section;
  }
  const list = el("ul", { class: "findings" });
  for (const f of group) {
    const item = findingItem(f, day);
    if (kind === "nudge") {
      const t = triage.find((x) => x.pattern === f.subject);
      if (t) item.append(el("div", { class: "triage" }, `${t.triage} by ${t.by} at ${clock(t.at, day)}${t.until ? " until " + clock(t.until, day) : ""}`));
    }
    if (kind === "signature") {
      for (const e of f.evidence) if (e.window) item.append(plot(incident, e.window.series));
    }
    list.append(item);
  }
  section.append(list);
  return section;
}

function findingItem(f, day) {
  const when = f.at !== null && f.at !== undefined ? f.at : f.created_at;
  const cited = f.evidence.filter((e) => e.event !== undefined).map((e) => `#${e.event}`);
  return el("li", { class: "finding" },
    el("div", { class: "finding-head" }, el("span", { class: "time" }, clock(when, day)), " ", el("strong", {}, f.title)),
    f.detail ? el("div", { class: "detail" }, f.detail) : null,
    cited.length ? el("div", { class: "quiet" }, `rests on ${cited.join(", ")}`) : null,
    el("div", { class: "quiet" }, `${f.plugin.name} ${f.plugin.version}`));
}

// The plot needs the token, so it is fetched, then shown from a blob URL.
function plot(incident, series) {
  const figure = el("figure", { class: "plot" }, el("figcaption", {}, series));
  api("GET", `/v1/series/${encodeURIComponent(incident)}/${encodeURIComponent(series)}.svg`)
    .then((blob) => figure.prepend(el("img", { src: URL.createObjectURL(blob), alt: `plot of ${series}` })))
    .catch((error) => figure.append(el("p", { class: "error" }, explain(error))));
  return figure;
}

function timelineTable(events, day) {
  if (events.length === 0) return el("p", { class: "quiet" }, "No events yet.");
  return el("table", {},
    el("thead", {}, el("tr", {}, el("th", {}, "UTC"), el("th", {}, "Who"), el("th", {}, "Kind"), el("th", {}, "What"))),
    el("tbody", {}, events.map((e) => el("tr", { id: `event-${e.id}`, class: `kind-${e.kind}` },
      el("td", { class: "time" }, clock(e.at, day)),
      el("td", {}, e.actor || "—", e.role ? el("span", { class: "quiet" }, ` (${e.role})`) : null),
      el("td", {}, e.kind),
      el("td", {}, e.text, " ", el("span", { class: "eid" }, `#${e.id}`))))));
}

// ---- the report ----------------------------------------------------------------------------

// "45s", "12m", "1h 20m", "2d 3h", as the Markdown report writes durations.
function duration(ms) {
  if (ms === null || ms === undefined) return "–";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) { const m = Math.floor((s % 3600) / 60); return m ? `${Math.floor(s / 3600)}h ${m}m` : `${Math.floor(s / 3600)}h`; }
  const h = Math.floor((s % 86400) / 3600);
  return h ? `${Math.floor(s / 86400)}d ${h}h` : `${Math.floor(s / 86400)}d`;
}

// The numbers across incidents over the page's `?since=` (default 7d, the server's) or
// `?from=`/`?to=`: context first, then the times with the incidents that lack events, the
// plots, follow-through and nudge answers. Counts only: the report has no field for a person.
async function renderReport() {
  const params = new URLSearchParams(location.search);
  const span = {};
  for (const key of ["since", "from", "to"]) if (params.get(key)) span[key] = params.get(key);
  const query = new URLSearchParams(span).toString();
  const r = await api("GET", `/v1/report?${query}`);
  const c = r.context;
  const resolve = r.times[3];
  const open = r.actions.open_by_age.reduce((n, [, k]) => n + k, 0);
  const ignored = r.nudges.reduce((n, p) => n + p.ignored, 0);
  const heading = el("h1", { id: "report-heading" },
    `${c.current.incidents} incidents (before: ${c.previous.incidents}) · median time to resolve ${duration(resolve.median_ms)} · ${r.actions.overdue} overdue action items · ${ignored} nudges unanswered`);
  const notes = c.notes.map((n) => el("p", { class: "note context-note" }, n));
  const times = el("table", { id: "report-times" },
    el("thead", {}, el("tr", {}, ["measure", "n", "median", "p90", "lacking the events"].map((h) => el("th", {}, h)))),
    el("tbody", {}, r.times.map((m) => el("tr", {},
      el("td", { title: m.definition }, m.label), el("td", {}, m.n), el("td", {}, duration(m.median_ms)),
      el("td", {}, m.p90_ms === null && m.n > 0 ? "n < 10" : duration(m.p90_ms)),
      el("td", {}, m.lacking.map((l) => `${l.incident} (${l.reason})`).join(", ") || "none")))));
  const plots = el("div", { class: "report-plots" });
  for (const name of ["incidents", "time-to-resolve"]) {
    const figure = el("figure", {});
    plots.append(figure);
    api("GET", `/v1/report/plots/${name}.svg?${query}`)
      .then((blob) => figure.append(el("img", { src: URL.createObjectURL(blob), alt: `plot: ${name}` })))
      .catch((error) => figure.append(el("p", { class: "quiet" }, explain(error))));
  }
  const a = r.actions;
  const pct = (x) => (x === null ? "n/a" : `${Math.round(x * 100)}%`);
  const actions = el("p", { id: "report-actions" },
    `${a.total} action items: ${pct(a.completion_rate)} done or verified, ${pct(a.verified_rate)} verified, ${open} open, ${a.overdue} overdue, ${a.open_without_deadline} open without a dated deadline.`);
  const nudges = r.nudges.length === 0 ? el("p", { class: "quiet" }, "No nudge fired on these incidents.") : el("table", { id: "report-nudges" },
    el("thead", {}, el("tr", {}, ["pattern", "fired", "incidents", "acknowledged", "muted", "ignored"].map((h) => el("th", {}, h)))),
    el("tbody", {}, r.nudges.map((p) => el("tr", {}, [p.pattern, p.fired, p.incidents, p.acknowledged, p.muted, p.ignored].map((v) => el("td", {}, v))))));
  const note = el("p", { id: "report-queued", role: "status" });
  const queue = el("button", { id: "report-queue", type: "button", class: "primary", onclick: async () => {
    queue.disabled = true;
    try {
      const p = await api("POST", "/v1/report/drafts", span);
      note.className = "ok";
      note.textContent = `Queued as ${p.id}; a reviewer publishes it from the queue.`;
    } catch (error) {
      note.className = "error";
      note.textContent = explain(error);
      queue.disabled = false;
    }
  } }, "Queue this report for review");
  show(heading, ...notes,
    el("h2", {}, "Response times"), times, plots,
    el("h2", {}, "Action items"), actions,
    el("h2", {}, "Nudges and how they were answered"), nudges,
    el("p", { class: "quiet" }, `${r.window.from} to ${r.window.to}. Counts incidents, times and promises, never people.`),
    el("div", { class: "actions-row" }, queue), note);
}

// ---- start ---------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("sign-out").addEventListener("click", () => signOut());
  if (!token()) {
    renderSignIn();
    return;
  }
  start().catch((error) => {
    if (!(error instanceof ApiError && error.status === 401)) show(el("p", { class: "error" }, explain(error)));
  });
});

// ---- action items --------------------------------------------------------------------------

const MOVES = {
  planned: ["in-progress", "done", "dropped"],
  "in-progress": ["planned", "done", "dropped"],
  done: ["in-progress", "verified", "dropped"],
  verified: [],
  dropped: [],
};

// Every kept action item, newest postmortems last: its elements, what it lacks, whether it is
// overdue, and the moves its status allows (the server checks the role of each).
async function renderActions() {
  const items = await api("GET", "/v1/actions");
  const open = items.filter((i) => i.status === "planned" || i.status === "in-progress").length;
  const overdue = items.filter((i) => i.overdue).length;
  const heading = el("h1", { id: "actions-heading" }, `${items.length} action items · ${open} open · ${overdue} overdue`);
  const list = el("div", { id: "actions" });
  show(heading, list);
  if (items.length === 0) list.append(el("p", { class: "quiet" }, "No action items yet. They are kept when a postmortem draft is approved."));
  for (const item of items) list.append(actionCard(item));
}

function ticketLink(ticket) {
  if (!ticket) return el("span", { class: "quiet" }, "none");
  return /^https?:\/\//.test(ticket) ? el("a", { href: ticket, rel: "noreferrer" }, ticket) : el("code", {}, ticket);
}

function actionCard(item) {
  const card = el("section", { class: `action ${item.overdue ? "overdue" : ""}`, "data-id": item.id });
  const fill = (item) => {
    const status = el("p", { class: "status", role: "status" });
    const pick = el("select", { class: "move" }, MOVES[item.status].map((s) => el("option", { value: s }, s)));
    const reason = el("input", { class: "reason", type: "text", placeholder: "Reason (required to drop)" });
    const move = el("button", { type: "button", class: "primary" }, "Move");
    move.addEventListener("click", async () => {
      move.disabled = true;
      try {
        const body = { status: pick.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        const moved = await api("POST", `/v1/actions/${encodeURIComponent(item.id)}/status`, body);
        fill(moved);
      } catch (error) {
        status.textContent = explain(error);
        status.className = "status error";
        move.disabled = false;
      }
    });
    const where = item.incident ? el("a", { href: `/review/incidents/${encodeURIComponent(item.incident)}` }, item.incident) : el("span", {}, item.postmortem);
    card.className = `action ${item.overdue ? "overdue" : ""}`;
    card.replaceChildren(
      el("p", { class: "item-text" }, item.text),
      el("p", { class: "item-state" },
        el("strong", { class: "item-status" }, item.status),
        item.overdue ? el("span", { class: "error" }, " · overdue") : "",
        item.status_by ? el("span", { class: "quiet" }, ` · by ${item.status_by} ${clock(item.status_at)}${item.status_reason ? `: ${item.status_reason}` : ""}`) : ""),
      el("dl", { class: "elements" },
        el("dt", {}, "Owner"), el("dd", {}, item.owner || "none named"),
        el("dt", {}, "Ticket"), el("dd", {}, ticketLink(item.ticket)),
        el("dt", {}, "Deadline"), el("dd", {}, item.deadline || "none"),
        el("dt", {}, "Incident"), el("dd", {}, where)),
      item.missing.length ? el("p", { class: "lacks warn" }, `Lacks: ${item.missing.join(", ")}`) : "",
      MOVES[item.status].length ? el("div", { class: "actions-row" }, pick, reason, move) : el("p", { class: "quiet" }, "Final."),
      status,
    );
  };
  fill(item);
  return card;
}
