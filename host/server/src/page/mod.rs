//! The reviewer's web page: one HTML shell, a script and a style sheet, compiled into the
//! binary and served by `rhyme serve` under `/review`. The page holds no authority of its own:
//! the reviewer signs in with an API token (kept in the tab's sessionStorage) and every action
//! is a `/v1` call with that token, so the server decides what the role may do.
//!
//! | path | what |
//! |---|---|
//! | `/review` | the queue of pending proposals, each with its evidence and review lint |
//! | `/review/incidents/{id}` | one incident: nudges, graph signatures with plots, seen before, what moved first with all series aligned, what changed, timeline |
//! | `/review/actions` | action items of approved postmortems: elements, what they lack, overdue, status moves |
//! | `/review/themes` | recurring mechanisms: the postmortems grouped by what broke (`/v1/themes`) |
//! | `/review/report` | the numbers across incidents (`?since=7d`): context, times, plots, follow-through, nudges; queue it for review |

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::state::AppState;

const SHELL: &str = include_str!("review.html");
const SCRIPT: &str = include_str!("review.js");
const STYLE: &str = include_str!("review.css");

/// Scripts and styles from this origin only, plots as blob images, nothing framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; \
                   form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The page's routes (no token needed: the page is static, its data comes from `/v1`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review", get(shell))
        .route("/review/incidents/{id}", get(shell))
        .route("/review/actions", get(shell))
        .route("/review/themes", get(shell))
        .route("/review/report", get(shell))
        .route("/review/review.js", get(script))
        .route("/review/review.css", get(style))
}

async fn shell() -> impl IntoResponse {
    asset("text/html; charset=utf-8", SHELL)
}

async fn script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLE)
}

fn asset(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
}
