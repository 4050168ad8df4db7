//! The project's knowledge inventory (`KNOWLEDGE.md`): the ids the rule base must hold.
//!
//! The inventory is Markdown written for people; its tables under a few headings list
//! the documents, causes, strategies and escalation levels, each id in the first column.

use std::io::{self, Read};
use std::path::Path;

/// The largest inventory read, in bytes: the project's is tens of kilobytes, and the limit
/// keeps `--knowledge /dev/zero`, or a stray huge file, from exhausting memory.
pub const MAX_INVENTORY_BYTES: usize = 4 << 20;

/// Reads an inventory, refusing one above [`MAX_INVENTORY_BYTES`] without reading the rest.
pub fn read(path: &Path) -> io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_INVENTORY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_INVENTORY_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "it is larger than the {} MiB limit for a knowledge inventory",
                MAX_INVENTORY_BYTES >> 20
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not valid UTF-8"))
}

/// A kind of item the inventory lists, with the heading of its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A source document (`## Documents`).
    Document,
    /// A likely cause (`## Likely causes`).
    Cause,
    /// A relief strategy (`## Relief strategies`).
    Strategy,
    /// An escalation level (`## Escalation`).
    Level,
}

impl Kind {
    /// Every kind, in the inventory's order.
    pub const ALL: [Kind; 4] = [Kind::Document, Kind::Cause, Kind::Strategy, Kind::Level];

    /// The start of the heading its table sits under.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Document => "Documents",
            Kind::Cause => "Likely causes",
            Kind::Strategy => "Relief strategies",
            Kind::Level => "Escalation",
        }
    }

    /// What the item is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Document => "source",
            Kind::Cause => "cause",
            Kind::Strategy => "strategy",
            Kind::Level => "escalation level",
        }
    }

    /// The rule file that should hold it.
    pub fn file(self) -> &'static str {
        match self {
            Kind::Document => "sources.json",
            Kind::Cause => "causes.json",
            Kind::Strategy => "strategies.json",
            Kind::Level => "escalation.json",
        }
    }
}

/// The ids in the first column of the table under the `## ` heading that starts with
/// `heading`, backticks removed, in order; empty when there is no such table.
pub fn table_ids(markdown: &str, heading: &str) -> Vec<String> {
    let Some(section) = markdown
        .split("\n## ")
        .skip(1)
        .find(|s| s.starts_with(heading))
    else {
        return Vec::new();
    };
    let rows = section
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with('|'));
    // The rows above the `|---|` line are the table's header.
    rows.skip_while(|l| !is_separator(l))
        .skip(1)
        .filter_map(|l| l.trim_start_matches('|').split('|').next())
        .map(|cell| cell.trim().trim_matches('`').to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

fn is_separator(row: &str) -> bool {
    row.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// Every id the inventory lists, with its kind, in the inventory's order.
pub fn inventory(markdown: &str) -> Vec<(Kind, String)> {
    Kind::ALL
        .iter()
        .flat_map(|&k| {
            table_ids(markdown, k.heading())
                .into_iter()
                .map(move |id| (k, id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "# Inventory\n\nIntro.\n\n## Documents\n| id | file |\n|---|---|\n| seed-000 | a.txt |\n| seed-001 | b.txt |\n\n## Likely causes\n| id | what |\n|---|---|\n| `weak_core` | tires |\n\nText after.\n\n## Escalation (always)\n| level | action |\n|---|---|\n| `emergency` | go |\n";

    #[test]
    fn reads_first_cells_below_the_header_with_or_without_backticks() {
        assert_eq!(table_ids(MD, "Documents"), ["seed-000", "seed-001"]);
        assert_eq!(table_ids(MD, "Likely causes"), ["weak_core"]);
        assert_eq!(table_ids(MD, "Escalation"), ["emergency"]);
        assert!(table_ids(MD, "Relief strategies").is_empty());
    }

    #[test]
    fn inventory_lists_every_kind_in_order() {
        let ids: Vec<_> = inventory(MD)
            .into_iter()
            .map(|(k, id)| format!("{}:{id}", k.noun()))
            .collect();
        assert_eq!(
            ids,
            [
                "source:seed-000",
                "source:seed-001",
                "cause:weak_core",
                "escalation level:emergency"
            ]
        );
    }
}
