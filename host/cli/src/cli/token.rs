//! `rhyme token ...`: API tokens for `rhyme serve`. The secret is printed once, at creation;
//! the store keeps only its hash.

use clap::Subcommand;
use rhyme_store::Role;
use serde_json::json;

use super::{Context, store};

#[derive(Debug, Subcommand)]
pub(super) enum TokenCommand {
    /// Create a token and print its secret (shown this once).
    Create {
        /// responder, ic, reviewer or admin.
        #[arg(long)]
        role: String,
        /// Who or what holds it; unique among active tokens.
        #[arg(long)]
        name: String,
    },
    /// Revoke a token by name or id.
    Revoke { name: String },
    /// List tokens (never their secrets).
    List,
}

pub(super) fn run(ctx: &Context, command: TokenCommand) -> anyhow::Result<()> {
    store::runtime()?.block_on(async {
        let db = store::open(ctx).await?;
        let result = match command {
            TokenCommand::Create { role, name } => create(ctx, &db, &role, &name).await,
            TokenCommand::Revoke { name } => {
                let info = db.revoke_token(&store::operator(), &name).await?;
                if ctx.json {
                    println!("{}", json!({"revoked": info.name, "id": info.id}));
                } else {
                    println!("revoked {} ({})", info.name, info.role);
                }
                Ok(())
            }
            TokenCommand::List => list(ctx, &db).await,
        };
        db.close().await;
        result
    })
}

async fn create(
    ctx: &Context,
    db: &rhyme_store::Store,
    role: &str,
    name: &str,
) -> anyhow::Result<()> {
    let role: Role = role.parse()?;
    let token = db.create_token(&store::operator(), name, role).await?;
    if ctx.json {
        println!(
            "{}",
            json!({"name": token.info.name, "role": role.as_str(), "id": token.info.id, "secret": token.secret})
        );
    } else {
        println!("{}", token.secret);
        eprintln!("token `{name}` ({role}) created; the secret above is shown only now");
    }
    Ok(())
}

async fn list(ctx: &Context, db: &rhyme_store::Store) -> anyhow::Result<()> {
    let tokens = db.tokens().await?;
    if ctx.json {
        println!("{}", serde_json::to_string(&tokens)?);
        return Ok(());
    }
    println!(
        "{:<24} {:<10} {:<10} {:<20}",
        "NAME", "ROLE", "STATE", "CREATED BY"
    );
    for t in tokens {
        let state = if t.revoked_at.is_some() {
            "revoked"
        } else {
            "active"
        };
        println!(
            "{:<24} {:<10} {:<10} {:<20}",
            t.name, t.role, state, t.created_by
        );
    }
    Ok(())
}
