//! The OpenAPI document, generated from the handlers' annotations (`GET /v1/openapi.json`).
//! `ROUTES` in `mod.rs` and this list must name the same operations; a test holds them to it.
//!
//! Each handler's annotation names the answers particular to it (its success, 404, 409, 429,
//! 502, 503); `Refusals` adds those that follow from how a route is built, the same for every
//! route of a kind: 401 for a bearer token, 403 for a route limited to some roles, 400, 413,
//! 415 and 422 for a JSON body, 500 everywhere. Every error is `application/problem+json` with
//! the [`Problem`] schema. `tests/scripts/schemathesis.sh` holds the server to the result.

use std::collections::BTreeSet;

use utoipa::openapi::content::Content;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr, Required};
use utoipa::{Modify, OpenApi};

use super::api;
use super::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(title = "Rhyme", description = "Incidents in, findings and proposals out; a reviewer decides every proposal."),
    paths(
        api::incidents::create, api::incidents::list, api::incidents::get, api::incidents::timeline, api::incidents::findings,
        api::ingest::events, api::ingest::series, api::alertmanager::ingest, api::slack::ingest, api::slack::bind,
        api::slack_actions::interactions, api::slack_commands::commands, api::slack_users::map, api::slack_users::unmap,
        api::changes::record, api::github::ingest, api::changes::argocd::ingest,
        api::nudges::list, api::nudges::acknowledge, api::nudges::mute, api::nudges::unmute,
        api::proposals::list, api::proposals::get, api::proposals::approve, api::proposals::edit, api::proposals::reject,
        api::plots::svg, api::plots::movers_svg,
        api::audit::entries, api::audit::verify,
        api::seen_before::ask, api::seen_before::feedback,
        api::drafts::request, api::drafts::regenerate, api::lint::lint, api::me::me,
        api::actions::list, api::actions::get, api::actions::set_status, api::trackers::jira,
        api::themes::list,
        api::report::get, api::report::plot, api::report::draft,
    ),
    components(schemas(Problem)),
    modifiers(&Bearer),
)]
struct Document;

/// The roles a token can have; a route open to all of them answers no 403 for the role.
const ROLES: [&str; 4] = ["responder", "ic", "reviewer", "admin"];

/// The problem content type.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the refusals each route answers by its make (see the module's documentation), and
/// gives every error answer the problem content and a description.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        optional_bodies(openapi);
        for (path, item) in openapi.paths.paths.iter_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                refusals(path, operation);
            }
        }
    }
}

/// Every JSON body is read by [`crate::body::Body`], which takes an empty body as `{}`: a body
/// whose schema requires no property may be left out, and the document says so (approving
/// without a `revision`, queueing the report of the last 7 days).
fn optional_bodies(openapi: &mut utoipa::openapi::OpenApi) {
    let Some(components) = openapi.components.as_ref() else {
        return;
    };
    let optional: BTreeSet<String> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| match schema {
            RefOr::T(Schema::Object(object)) if object.required.is_empty() => Some(name.clone()),
            _ => None,
        })
        .collect();
    for item in openapi.paths.paths.values_mut() {
        for operation in [&mut item.post, &mut item.put].into_iter().flatten() {
            let Some(body) = operation.request_body.as_mut() else {
                continue;
            };
            let named = match body
                .content
                .get("application/json")
                .and_then(|c| c.schema.as_ref())
            {
                Some(RefOr::Ref(r)) => r.ref_location.strip_prefix("#/components/schemas/"),
                _ => None,
            };
            if named.is_some_and(|name| optional.contains(name)) {
                body.required = Some(Required::False);
            }
        }
    }
}

fn refusals(path: &str, operation: &mut Operation) {
    let scopes: Option<Vec<String>> = operation.security.as_ref().map(|requirements| {
        requirements
            .iter()
            .filter_map(|r| serde_json::to_value(r).ok())
            .filter_map(|v| serde_json::from_value::<Vec<String>>(v["bearer"].clone()).ok())
            .flatten()
            .collect()
    });
    let mut add = vec!["500"];
    if let Some(scopes) = &scopes {
        add.push("401");
        if !scopes.is_empty() && !ROLES.iter().all(|role| scopes.iter().any(|s| s == role)) {
            add.push("403");
        }
    }
    if operation.request_body.is_some() {
        add.extend(["400", "413", "422"]);
        // The signed routes read their body as bytes to check the signature over them, whatever
        // the content type says; every other body must be JSON.
        if !crate::SIGNED_ROUTES.contains(&path) {
            add.push("415");
        }
    }
    let responses = &mut operation.responses.responses;
    for status in add {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new("")));
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if !status.starts_with('4') && !status.starts_with('5') {
            continue;
        }
        if response.description.is_empty() {
            response.description = meaning(status).to_string();
        }
        if response.content.is_empty() {
            response.content.insert(
                PROBLEM_JSON.to_string(),
                Content::new(Some(Ref::from_schema_name("Problem"))),
            );
        }
        let header = |description: &str| {
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some(description))
                .build()
        };
        match status.as_str() {
            "401" if scopes.is_some() => {
                response.headers.insert(
                    "WWW-Authenticate".into(),
                    header("`Bearer` when the bearer token is missing, unknown or revoked"),
                );
            }
            "429" => {
                response.headers.insert(
                    "Retry-After".into(),
                    header("seconds to wait before sending the request again"),
                );
            }
            _ => {}
        }
    }
}

/// A seen-before question or verdict gives exactly one of `text` and `incident` (a string
/// each): a rule across two fields, which the derived schemas cannot state.
struct EitherTextOrIncident;

impl Modify for EitherTextOrIncident {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let given = |name: &str| {
            ObjectBuilder::new()
                .property(name, ObjectBuilder::new().schema_type(Type::String))
                .required(name)
        };
        for name in ["AskIn", "FeedbackIn"] {
            let Some(schema) = components.schemas.get_mut(name) else {
                continue;
            };
            let exactly_one = OneOfBuilder::new()
                .item(given("text"))
                .item(given("incident"));
            *schema = AllOfBuilder::new()
                .item(schema.clone())
                .item(exactly_one)
                .into();
        }
    }
}

/// The text rules the server checks, as JSON Schema patterns (ECMA-262 regular expressions),
/// and the fields they apply to. Kept here, named, rather than spelled out in each annotation.
pub mod patterns {
    use utoipa::Modify;
    use utoipa::openapi::schema::Schema;
    use utoipa::openapi::{OpenApi, RefOr};

    /// Rust's white space (`char::is_whitespace`, what `str::trim` removes), spelled out for a
    /// character class: ECMA's `\s` differs (it has U+FEFF and lacks U+0085).
    macro_rules! space {
        () => {
            r"\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
        };
    }

    /// Not blank: at least one character that is not white space (`text.trim().is_empty()`
    /// is refused).
    pub const NOT_BLANK: &str = concat!("[^", space!(), "]");

    /// Blank or empty: read as absent.
    pub const BLANK: &str = concat!("^[", space!(), "]*$");

    /// An id or name the store keeps (`check_id`): not blank, no control characters.
    pub const ID: &str = concat!(
        r"^[^\x00-\x1F\x7F-\x9F]*[^",
        space!(),
        r"\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    );

    /// A Slack channel's id rather than its name: no `#` in front, no white space inside
    /// (around it is trimmed).
    pub const CHANNEL: &str = concat!(
        "^[",
        space!(),
        "]*[^#",
        space!(),
        "][^",
        space!(),
        "]*[",
        space!(),
        "]*$"
    );

    /// An alert's or a group's status: `firing` or `resolved` in any case, or blank (absent).
    pub const STATUS: &str = concat!(
        "^[",
        space!(),
        "]*([Ff][Ii][Rr][Ii][Nn][Gg]|[Rr][Ee][Ss][Oo][Ll][Vv][Ee][Dd])?[",
        space!(),
        "]*$"
    );

    /// The webhook payload versions read: Alertmanager's `4` and Grafana's `1`.
    pub const VERSION: &str = concat!("^[", space!(), "]*[14][", space!(), "]*$");

    /// (schema, property, pattern).
    const FIELDS: &[(&str, &str, &str)] = &[
        ("NewIncident", "id", ID),
        ("NewIncident", "title", NOT_BLANK),
        ("NewEvent", "id", ID),
        ("NewEvent", "kind", NOT_BLANK),
        ("SeriesIn", "name", ID),
        ("EditIn", "body", NOT_BLANK),
        ("RejectIn", "reason", NOT_BLANK),
        ("AskIn", "text", NOT_BLANK),
        ("FeedbackIn", "text", NOT_BLANK),
        ("ChannelIn", "channel", CHANNEL),
        ("Notification", "version", VERSION),
        ("Notification", "groupKey", NOT_BLANK),
        ("Notification", "status", STATUS),
        ("Alert", "status", STATUS),
        ("NewChange", "id", ID),
        ("ArgoNotification", "app", NOT_BLANK),
    ];

    /// Sets each field's pattern.
    pub(super) struct Patterns;

    impl Modify for Patterns {
        fn modify(&self, openapi: &mut OpenApi) {
            let schemas = &mut openapi
                .components
                .as_mut()
                .expect("the document has components")
                .schemas;
            for (schema, property, pattern) in FIELDS {
                let field = match schemas.get_mut(*schema) {
                    Some(RefOr::T(Schema::Object(object))) => object.properties.get_mut(*property),
                    _ => None,
                };
                match field {
                    Some(RefOr::T(Schema::Object(field))) => {
                        field.pattern = Some(pattern.to_string())
                    }
                    _ => panic!("no string property {schema}.{property} to give a pattern"),
                }
            }
        }
    }
}

/// What an error status means on every route that answers it, unless its annotation says more.
fn meaning(status: &str) -> &'static str {
    match status {
        "400" => "the body is not JSON, or is cut short",
        "401" => {
            "no bearer token, or one this server never issued or has revoked; `detail` says which"
        }
        "403" => "the token's role may not call this route (checked before the body is read)",
        "404" => "the incident, proposal or other thing named in the path does not exist",
        "409" => "the request clashes with what is stored",
        "413" => "the body is larger than the server accepts (8 MiB)",
        "415" => "the body is not sent as `application/json`",
        "422" => "a field or parameter is wrong; `field` names it",
        "429" => "the plugin queue is full; nothing was stored; retry after `Retry-After` seconds",
        "500" => "the host failed; the detail is in its log, not in the answer",
        "502" => "the plugin asked on the request's behalf failed or answered nothing usable",
        "503" => "a feature this host runs without; `detail` says which and why",
        _ => "refused; `detail` says why",
    }
}

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
    let mut document = Document::openapi();
    // Here rather than as `modifiers`: those run before the schemas the paths name are
    // collected into the components.
    Refusals.modify(&mut document);
    patterns::Patterns.modify(&mut document);
    EitherTextOrIncident.modify(&mut document);
    document
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
