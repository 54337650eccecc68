//! `rhyme openapi`: prints the API's OpenAPI document, the same one `rhyme serve` answers at
//! `/v1/openapi.json`. `rhyme openapi > docs/openapi.json` refreshes the committed copy.

use super::Context;

pub(super) fn run(_ctx: &Context) -> anyhow::Result<()> {
    print!("{}", rhyme_server::openapi::to_json());
    Ok(())
}
