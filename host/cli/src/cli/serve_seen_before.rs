//! Setting up seen-before for `rhyme serve`: when the seen-before plugin is installed and
//! enabled, the model is loaded once, here, and the plugin loaded with it and the data
//! folder's vector index. Otherwise the server runs without it and says why, once at start
//! and to each caller of `POST /v1/seen-before` (503).

use std::sync::Arc;

use rhyme_runtime::Sandbox;
use rhyme_runtime::capability::backend::Backends;
use rhyme_seen_before::PLUGIN;
use rhyme_seen_before::service::SeenBefore;
use rhyme_server::state::SeenBeforeSetup;

use super::Context;
use super::corpus::{load_embedder, vector_index};

/// The service, or why there is none.
pub(super) async fn setup(ctx: &Context, sandbox: &Sandbox, base: &Backends) -> SeenBeforeSetup {
    let registry = ctx.registry();
    match registry.installed(PLUGIN) {
        Ok(installed) if installed.policy.enabled => {}
        Ok(_) => {
            return Err(format!(
                "the {PLUGIN} plugin is disabled (`rhyme plugin enable {PLUGIN}`)"
            ));
        }
        Err(_) => {
            return Err(format!(
                "the {PLUGIN} plugin is not installed (`rhyme plugin install plugins/{PLUGIN} --grant-asked`)"
            ));
        }
    }
    let dir = ctx.config.model_dir();
    if !dir.exists() {
        return Err(format!(
            "the embedding model is missing: no folder {} (run `make models`, or name the folder: [model] dir in rhyme.toml, or RHYME_MODEL_DIR)",
            dir.display()
        ));
    }
    let embedder = load_embedder(ctx).map_err(|e| format!("{e:#}"))?;
    let vectors = vector_index(ctx).map_err(|e| format!("opening the vector index: {e:#}"))?;
    let backends = Backends {
        embedder: Some(embedder.clone()),
        vectors: Some(vectors.clone()),
        ..base.clone()
    };
    let (plugin, _) = registry
        .load(sandbox, PLUGIN, &backends)
        .await
        .map_err(|e| format!("loading the {PLUGIN} plugin: {e}"))?;
    Ok(Arc::new(SeenBefore::new(
        plugin,
        embedder,
        vectors,
        ctx.data.clone(),
    )))
}
