//! Rhyme's end-to-end tests, one binary (`cargo test -p rhyme-tests`).
//!
//! | module | what it covers |
//! |---|---|
//! | `action_items` | postmortem action items: kept on approval, GitHub and Jira webhooks (signatures, replays), roles, audit, `rhyme actions`, overdue finding, the review page tab in Chromium |
//! | `sandbox` | every limit, trap and forbidden import, named; a good plugin unaffected, concurrently |
//! | `changes_api` | changes in: GitHub `deployment_status` (signed), Argo CD, `POST /v1/changes`, `rhyme changes import`; 401s, redeliveries stored once, a later incident sees them |
//! | `contract_versions` | a component built against rhyme:plugin@0.1.0 described and run, reading a timeline with typed changes; a built-in (0.2.0) plugin reading the typed change |
//! | `change_correlator` | the built-in change-correlator in `rhyme serve`: the likeliest change named, a rollback proposal pending, a deploy after the onset and one on an unrelated service passed over, a freeze flagged |
//! | `deploy_correlator` | the example team plugin: deploy, error spike, rollback proposal, approval, one delivery |
//! | `drafts_cli` | `rhyme draft` and `rhyme eval drafts`: CAN parts, citations, no blame |
//! | `llm_drafts` | the LLM drafter against a local chat-completions server: used, failing, hanging, rejected, not granted |
//! | `lint_cli` | `rhyme eval lint`: blame and action-item floors |
//! | `python_plugin` | a plugin written in Python (componentize-py): checked, installed, granted and called like any other |
//! | `nudges_cli` | `rhyme replay` and `rhyme eval nudges`: silence-triggered nudges, the eval floor |
//! | `nudges_triage_cli` | `rhyme nudges list/ack/mute/unmute` against `rhyme serve`: roles, audit, a mute holds |
//! | `plugin_kit` | `docs/writing-a-plugin.md` performed as written; `rhyme plugin new` and `rhyme plugin test` |
//! | `prometheus_pull` | `rhyme series pull` from a real Prometheus scraping `rhyme serve`; its errors, named |
//! | `publish` | approved drafts through the outbox to a Slack-compatible webhook (down at first) and a Markdown folder, once each |
//! | `review_page` | the reviewer's web page in headless Chromium: accept, edit then accept, reject, re-draft a section, a responder refused |
//! | `replicas` | two `rhyme serve` over one PostgreSQL: one incident's plugin jobs one at a time, one proposal |
//! | `registry_cli` | `rhyme plugin ...` as a user runs it: install, check, grants, exit codes |
//! | `server_api` | `rhyme serve`: roles on every route, bad input, plugins on ingest, the approval gate |
//! | `server_limits` | `rhyme.toml`'s `[server]` limits in `rhyme serve`: the header-read timeout, points per series |
//! | `server_jobs` | `rhyme serve`: plugin runs acknowledged but not done survive SIGKILL and store once |
//! | `server_durability` | `rhyme serve`: acknowledged events survive SIGKILL; clock ticks for open incidents |
//! | `seen_before_api` | `POST /v1/seen-before` by role and bad input, the finding on a new incident, feedback stored, shown, ranking and exported |
//! | `seen_before_cli` | `rhyme corpus import`, `rhyme ask`, `rhyme eval seen-before`: no duplicates, named errors, the eval floor |
//! | `themes` | `rhyme themes` and `GET /v1/themes` on the examples (a recurring certificate expiry) with the action items promised after each incident (imported or approved) and their status, on SQLite and PostgreSQL; the next incident's seen-before finding naming the group and last time's promises; the Recurring tab in Chromium; `rhyme eval themes` beside its TF-IDF k-means baseline |
//! | `slack_app` | the Slack app against a fake Slack: a SEV1's nudge to its IC, the IC's mute click (audited as the IC), a responder's click refused in words, `/rhyme seen-before` |
//! | `signature_cli` | `rhyme signature` on CSV and Prometheus files, messy data, the eval floor |

mod action_items;
mod bench_cli;
mod change_correlator;
mod changes_api;
mod contract_versions;
mod deploy_correlator;
mod drafts_cli;
mod lint_cli;
mod llm_drafts;
mod movers;
mod nudges_cli;
mod nudges_triage_cli;
mod plugin_kit;
mod prometheus_pull;
mod publish;
mod python_plugin;
mod registry_cli;
mod replicas;
mod report;
mod review_page;
mod robustness;
mod sandbox;
mod seen_before_api;
mod seen_before_cli;
mod server_api;
mod server_burst;
mod server_durability;
mod server_jobs;
mod server_limits;
mod signature_cli;
mod slack_app;
mod themes;
