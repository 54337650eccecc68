//! The OpenAPI document, generated from the handlers' annotations (`GET /v1/openapi.json`).
//! `ROUTES` in `mod.rs` and this list must name the same operations; a test holds them to it.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::api;
use super::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Rhyme", description = "Incidents in, findings and proposals out; a reviewer decides every proposal."),
    paths(
        api::incidents::create, api::incidents::list, api::incidents::get, api::incidents::timeline, api::incidents::findings,
        api::ingest::events, api::ingest::series, api::alertmanager::ingest, api::slack::ingest, api::slack::bind,
        api::nudges::list, api::nudges::acknowledge, api::nudges::mute, api::nudges::unmute,
        api::proposals::list, api::proposals::get, api::proposals::approve, api::proposals::edit, api::proposals::reject,
        api::plots::svg,
        api::audit::entries, api::audit::verify,
        api::seen_before::ask, api::seen_before::feedback,
        api::drafts::request, api::drafts::regenerate, api::lint::lint, api::me::me,
    ),
    components(schemas(Problem)),
    modifiers(&Bearer),
)]
struct Document;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    Document::openapi()
}

/// The document as committed in `docs/openapi.json`: pretty-printed, keys in a stable order,
/// with a final newline. Regenerate the copy with `rhyme openapi > docs/openapi.json`.
pub fn to_json() -> String {
    // Through `Value`, whose maps keep keys sorted, so the text does not depend on the order
    // in which the annotations were collected.
    let value = serde_json::to_value(document()).expect("the OpenAPI document serialises");
    let mut text = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    /// CI fails when the committed copy falls behind the code.
    #[test]
    fn the_committed_copy_matches_the_code() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == super::to_json(),
            "{} differs from the API the code serves; regenerate it with\n\n    cargo run --release -p rhyme -- openapi > docs/openapi.json\n",
            path.display()
        );
    }
}
