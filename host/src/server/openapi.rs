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
        api::nudges::list, api::nudges::acknowledge, api::nudges::mute,
        api::proposals::list, api::proposals::get, api::proposals::approve, api::proposals::edit, api::proposals::reject,
        api::plots::svg,
        api::audit::entries, api::audit::verify,
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
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    Document::openapi()
}
