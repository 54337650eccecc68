//! Who may do what (DESIGN.md, "People, roles and the approval gate"). The HTTP layer checks
//! `Role::may` for every route; the store checks it again where a wrong caller would do harm
//! (decisions, nudge triage, tokens), so no front end can forget.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::PluginRef;

/// A token's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Someone working the incident: may send data in and read.
    Responder,
    /// The incident commander: a responder who may also acknowledge or mute nudges.
    Ic,
    /// May read and decide on proposals (approve, edit then approve, reject), but not send data in.
    Reviewer,
    /// Manages plugins and tokens and reads the audit log; may not decide on proposals.
    Admin,
}

/// Things a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Send events, series and incidents in.
    Ingest,
    /// Read incidents, findings, proposals; ask "seen before?".
    Read,
    /// Acknowledge or mute nudges for an incident.
    TriageNudges,
    /// Approve, edit-then-approve or reject proposals.
    Decide,
    /// Install, grant, enable and disable plugins.
    ManagePlugins,
    /// Create and revoke API tokens; read the audit log.
    ManageTokens,
    /// Move a postmortem's action item along: planned, in progress, done.
    TrackActions,
    /// Close an action item: mark it verified (the change had its effect) or drop it.
    CloseActions,
}

impl Permission {
    /// What the permission allows, as a person would say it.
    ///
    /// ```
    /// use rhyme_store::{Principal, Permission, Role};
    /// let refused = Principal::new("ana", Role::Responder).require(Permission::Decide).unwrap_err();
    /// assert!(refused.to_string().contains("your role (responder) cannot approve"));
    /// assert!(refused.to_string().contains("needs the reviewer role"));
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Permission::Ingest => "send incidents, events or series",
            Permission::Read => "read incidents, findings or proposals",
            Permission::TriageNudges => "acknowledge or mute nudges",
            Permission::Decide => "approve, edit or reject proposals",
            Permission::ManagePlugins => "install, grant, enable or disable plugins",
            Permission::ManageTokens => "manage tokens or read the audit log",
            Permission::TrackActions => "move action items to planned, in-progress or done",
            Permission::CloseActions => "mark action items verified or dropped",
        }
    }
}

impl Role {
    /// Every role, in the order messages and listings give them.
    pub const ALL: [Role; 4] = [Role::Responder, Role::Ic, Role::Reviewer, Role::Admin];

    /// Whether this role holds `permission`.
    ///
    /// ```
    /// use rhyme_store::{Permission, Role};
    /// assert!(Role::Ic.may(Permission::TriageNudges));
    /// assert!(!Role::Admin.may(Permission::Decide));
    /// ```
    pub fn may(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Responder => matches!(permission, Ingest | Read | TrackActions),
            Role::Ic => matches!(
                permission,
                Ingest | Read | TriageNudges | TrackActions | CloseActions
            ),
            Role::Reviewer => matches!(permission, Read | Decide | TrackActions | CloseActions),
            Role::Admin => matches!(permission, Read | ManagePlugins | ManageTokens),
        }
    }

    /// The role's name in tokens, the API and the audit log (`responder`, `ic`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Responder => "responder",
            Role::Ic => "ic",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                Error::invalid(
                    "role",
                    format!("`{text}` is not one of responder, ic, reviewer, admin"),
                )
            })
    }
}

/// An authenticated caller: a token's name and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    /// The token's name, which identifies the person (or bot) in decisions and the audit log.
    pub name: String,
    /// What the token's holder may do.
    pub role: Role,
}

impl Principal {
    /// A caller named `name` holding `role`.
    pub fn new(name: impl Into<String>, role: Role) -> Self {
        Principal {
            name: name.into(),
            role,
        }
    }

    /// `Forbidden` unless the role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), Error> {
        if self.role.may(permission) {
            Ok(())
        } else {
            let holders: Vec<&str> = Role::ALL
                .into_iter()
                .filter(|r| r.may(permission))
                .map(Role::as_str)
                .collect();
            Err(Error::forbidden(format!(
                "your role ({}) cannot {}; that needs the {} role",
                self.role,
                permission.describe(),
                holders.join(" or ")
            )))
        }
    }
}

/// Who did something, as written to the audit log: a person (by token), the local operator
/// (the CLI, with access to the data folder), a plugin, or the host itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Who it was: a token name, the operator's name, `plugin@version`, or `rhyme` for the host.
    pub name: String,
    /// A role name, or `operator`, `plugin`, `system`.
    pub role: String,
}

impl Actor {
    /// The person at the local command line.
    pub fn operator(name: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            role: "operator".into(),
        }
    }

    /// The host acting on its own (expiry, delivery).
    pub fn system() -> Self {
        Actor {
            name: "rhyme".into(),
            role: "system".into(),
        }
    }

    /// A plugin as the author of an action, named `name@version`.
    pub fn plugin(plugin: &PluginRef) -> Self {
        Actor {
            name: format!("{}@{}", plugin.name, plugin.version),
            role: "plugin".into(),
        }
    }

    /// Whether this actor may create and revoke tokens.
    pub(crate) fn manages_tokens(&self) -> bool {
        self.role == "operator" || self.role == Role::Admin.as_str()
    }
}

impl From<&Principal> for Actor {
    fn from(principal: &Principal) -> Self {
        Actor {
            name: principal.name.clone(),
            role: principal.role.as_str().into(),
        }
    }
}
