//! Checks a plugin's answer before anyone sees it: the size cap, and the contract's rules
//! (short titles, confidences in range, something to show).

use super::error::{Limit, PluginError};
use rhyme_world::types::{Evidence, Finding, Output, PluginInfo, Proposal};

/// The contract's longest finding title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;

/// Approximate size in bytes of what the host holds for `output`.
pub fn size_of(output: &Output) -> usize {
    output.findings.iter().map(finding_size).sum::<usize>()
        + output.proposals.iter().map(proposal_size).sum::<usize>()
}

fn finding_size(f: &Finding) -> usize {
    f.subject.len() + f.title.len() + f.detail.len() + evidence_size(&f.evidence) + 32
}

fn proposal_size(p: &Proposal) -> usize {
    p.title.len() + p.body.len() + p.rationale.len() + evidence_size(&p.evidence) + 16
}

fn evidence_size(evidence: &[Evidence]) -> usize {
    evidence
        .iter()
        .map(|e| match e {
            Evidence::Event(id) | Evidence::Postmortem(id) | Evidence::Finding(id) => id.len() + 8,
            Evidence::Window(w) => w.series.len() + 24,
        })
        .sum()
}

/// Accepts `output` or says, naming the plugin, which rule it broke.
pub fn check(plugin: &str, output: &Output, cap_kib: u64) -> Result<(), PluginError> {
    let size = size_of(output);
    if size as u64 > cap_kib * 1024 {
        return Err(PluginError::LimitExceeded {
            plugin: plugin.to_string(),
            limit: Limit::Output,
            detail: format!(
                "returned about {} KiB, the cap is {cap_kib} KiB",
                size.div_ceil(1024)
            ),
        });
    }
    let broken = |detail: String| PluginError::Contract {
        plugin: plugin.to_string(),
        detail,
    };
    for (i, f) in output.findings.iter().enumerate() {
        let title_chars = f.title.chars().count();
        if f.title.trim().is_empty() {
            return Err(broken(format!("finding {i} has an empty title")));
        }
        if title_chars > MAX_TITLE_CHARS {
            return Err(broken(format!(
                "finding {i} has a title of {title_chars} characters; at most {MAX_TITLE_CHARS}"
            )));
        }
        if !(0.0..=1.0).contains(&f.confidence) {
            return Err(broken(format!(
                "finding {i} has confidence {}; it must be between 0 and 1",
                f.confidence
            )));
        }
    }
    for (i, p) in output.proposals.iter().enumerate() {
        if p.title.trim().is_empty() || p.body.trim().is_empty() {
            return Err(broken(format!("proposal {i} needs a title and a body")));
        }
    }
    Ok(())
}

/// Accepts what `describe` returned, given the manifest's name and version.
pub fn check_info(plugin: &str, info: &PluginInfo, version: &str) -> Result<(), PluginError> {
    let refuse = |reason: String| PluginError::Refused {
        plugin: plugin.to_string(),
        reason,
    };
    if info.name != plugin {
        return Err(refuse(format!(
            "`describe` says its name is `{}`, the manifest says `{plugin}`",
            info.name
        )));
    }
    if info.version != version {
        return Err(refuse(format!(
            "`describe` says version `{}`, the manifest says `{version}`",
            info.version
        )));
    }
    Ok(())
}
