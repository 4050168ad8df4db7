//! `runback check --coverage`: what cites each source, and what the inventory lists that
//! the rule base lacks.

use super::knowledge::{self, Kind};
use crate::rulebase::{RuleBase, SourceIdx};

/// The knowledge inventory to compare with, if it could be found.
#[derive(Debug, Clone)]
pub enum Inventory {
    /// The inventory's text, read from `path`.
    Found {
        /// Where it was read from, as shown.
        path: String,
        /// Its Markdown.
        text: String,
    },
    /// No inventory at the default place.
    NotFound {
        /// Where it was looked for.
        path: String,
    },
}

/// The coverage listing and how many inventory ids the rule base lacks.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The listing, ready to print.
    pub text: String,
    /// Inventory ids missing from the rule base (each a warning).
    pub missing: usize,
}

/// Lists, for each source, the causes, strategies, levels and rules that cite it; then
/// every inventory id the rule base lacks.
pub fn coverage(rb: &RuleBase, origin: &str, inventory: &Inventory) -> Coverage {
    let mut out = format!("What cites each source in {origin}\n");
    // Wide enough for the longest label, "strategies (NN)", whatever the counts.
    let most = [
        rb.causes.len(),
        rb.strategies.len(),
        rb.levels.len(),
        rb.rules.len(),
        rb.left_out.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let width = format!("strategies ({most})").len() + 2;
    for (si, s) in rb.sources.iter().enumerate() {
        out.push_str(&format!("\n{}: {}\n", s.id, s.title));
        let cites = |list: &[SourceIdx]| list.contains(&si);
        let rows: [(&str, Vec<&str>); 4] = [
            (
                "causes",
                rb.causes
                    .iter()
                    .filter(|c| cites(&c.sources))
                    .map(|c| c.id.as_str())
                    .collect(),
            ),
            (
                "strategies",
                rb.strategies
                    .iter()
                    .filter(|x| cites(&x.sources))
                    .map(|x| x.id.as_str())
                    .collect(),
            ),
            (
                "levels",
                rb.levels
                    .iter()
                    .filter(|l| cites(&l.sources))
                    .map(|l| l.id.as_str())
                    .collect(),
            ),
            (
                "rules",
                rb.rules
                    .iter()
                    .filter(|r| cites(&r.sources))
                    .map(|r| r.id.as_str())
                    .collect(),
            ),
        ];
        let left_out = rb.left_out.iter().filter(|l| l.source == si).count();
        if rows.iter().all(|(_, ids)| ids.is_empty()) && left_out == 0 {
            out.push_str("  cited by nothing\n");
            continue;
        }
        for (label, ids) in rows {
            if ids.is_empty() {
                continue;
            }
            let head = format!("  {:<width$}", format!("{label} ({})", ids.len()));
            let indent = " ".repeat(width + 2);
            let options = textwrap::Options::new(80)
                .initial_indent(&head)
                .subsequent_indent(&indent);
            out.push_str(&textwrap::fill(&ids.join(", "), options));
            out.push('\n');
        }
        if left_out > 0 {
            out.push_str(&format!(
                "  {:<width$}claims not used, listed in sources.json under left_out\n",
                format!("left out ({left_out})"),
            ));
        }
    }

    let mut missing = 0;
    out.push('\n');
    match inventory {
        Inventory::NotFound { path } => out.push_str(&format!(
            "Knowledge inventory: {path} not found; pass --knowledge FILE to compare the rule base with it\n"
        )),
        Inventory::Found { path, text } => {
            let ids = knowledge::inventory(text);
            let lacking: Vec<_> = ids
                .iter()
                .filter(|(kind, id)| !has(rb, *kind, id))
                .collect();
            missing = lacking.len();
            if ids.is_empty() {
                out.push_str(&format!(
                    "Knowledge inventory {path}: no tables of ids found (expected `## Documents`, `## Likely causes`, `## Relief strategies`, `## Escalation`)\n"
                ));
            } else if lacking.is_empty() {
                out.push_str(&format!(
                    "Knowledge inventory {path}: all {} ids are in the rule base\n",
                    ids.len()
                ));
            } else {
                out.push_str(&format!(
                    "Knowledge inventory {path}: {missing} of {} ids {} missing from the rule base\n",
                    ids.len(),
                    if missing == 1 { "is" } else { "are" }
                ));
                for (kind, id) in lacking {
                    out.push_str(&format!(
                        "  {} `{id}` ({}): add it to {}\n",
                        kind.noun(),
                        kind.heading(),
                        kind.file()
                    ));
                }
            }
        }
    }
    Coverage {
        text: crate::clean::clean_lines(&out).into_owned(),
        missing,
    }
}

fn has(rb: &RuleBase, kind: Kind, id: &str) -> bool {
    match kind {
        Kind::Document => rb.sources.iter().any(|s| s.id == id),
        Kind::Cause => rb.causes.iter().any(|c| c.id == id),
        Kind::Strategy => rb.strategies.iter().any(|s| s.id == id),
        Kind::Level => rb.levels.iter().any(|l| l.id == id),
    }
}
