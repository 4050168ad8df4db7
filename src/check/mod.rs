//! `runback check`: every load-time validation, then lints over the resolved rule base.
//!
//! Loading already refuses a rule base that is malformed or inconsistent; those problems
//! become errors here. A rule base that loads can still hold dead knowledge (a cause no
//! rule reaches, a rule that can never fire, a duplicate); [`lints`] finds that.

pub mod coverage;
pub mod knowledge;
pub mod lints;

use std::fmt;

use crate::rulebase::{LoadError, Problem, RuleBase};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The rule base is wrong or unsafe: it will not load, or a red flag can never be
    /// raised.
    Error,
    /// The rule base works, but holds knowledge that can never be used.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One thing `runback check` found: where, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The file, as shown to the author; empty when the message names it.
    pub file: String,
    /// A JSON pointer into the file, or `line:column` for syntax errors.
    pub location: String,
    /// The item, e.g. "rule `hill_pain`", when one is known.
    pub item: Option<String>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl Finding {
    /// A load problem, which is always an error.
    pub fn from_problem(p: Problem) -> Self {
        Finding {
            severity: Severity::Error,
            file: p.file,
            location: p.location,
            item: p.item,
            message: p.message,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::clean::clean;
        // One finding, one line: every part can hold text from the rule files.
        write!(f, "{}: ", self.severity)?;
        if !self.file.is_empty() {
            f.write_str(&clean(&self.file))?;
            if !self.location.is_empty() {
                write!(f, ":{}", clean(&self.location))?;
            }
            f.write_str(": ")?;
        }
        if let Some(item) = &self.item {
            write!(f, "{}: ", clean(item))?;
        }
        f.write_str(&clean(&self.message))
    }
}

/// What `runback check` found in one rule base.
#[derive(Debug, Clone)]
pub struct Report {
    /// Where the rule base came from ("the embedded rule base", or a folder).
    pub origin: String,
    /// Every finding, errors first, then in file order.
    pub findings: Vec<Finding>,
    /// Whether the rule base loaded (and so whether the lints ran).
    pub loaded: bool,
}

impl Report {
    /// Checks the result of loading a rule base: its problems, or its lints.
    pub fn new(origin: String, loaded: Result<&RuleBase, &LoadError>) -> Self {
        let (findings, loaded) = match loaded {
            Ok(rb) => (lints::lint(rb), true),
            Err(LoadError::Invalid { problems, .. }) => (
                problems
                    .iter()
                    .cloned()
                    .map(Finding::from_problem)
                    .collect(),
                false,
            ),
            // A file that cannot be read (or is too large): its message names the file.
            Err(other) => (
                vec![Finding {
                    severity: Severity::Error,
                    file: String::new(),
                    location: String::new(),
                    item: None,
                    message: other.to_string(),
                }],
                false,
            ),
        };
        let mut findings = findings;
        // Errors first; then by file, in the order the checks first met each file, and by
        // position within it, so `/rules/5` comes before `/rules/10`.
        let mut files: Vec<String> = Vec::new();
        for f in &findings {
            if !files.contains(&f.file) {
                files.push(f.file.clone());
            }
        }
        findings.sort_by_cached_key(|f| {
            let file = files.iter().position(|x| *x == f.file);
            (f.severity, file, natural(&f.location))
        });
        Report {
            origin,
            findings,
            loaded,
        }
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The findings, one a line, and a closing summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            out.push_str(&format!("{f}\n"));
        }
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        let counted = format!(
            "{errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
        let summary = if !self.loaded {
            format!(
                "{} cannot be loaded ({errors} error{}); fix them and run `runback check` again",
                self.origin,
                plural(errors)
            )
        } else if errors + warnings == 0 {
            format!("{} is clean", self.origin)
        } else {
            format!("{}: {counted}", self.origin)
        };
        out.push_str(&format!("runback check: {summary}\n"));
        crate::clean::clean_lines(&out).into_owned()
    }

    /// How `runback check` ends: 2 on errors, 1 on warnings when they are denied, else 0.
    pub fn exit_code(&self, deny_warnings: bool) -> crate::exit_codes::ExitCode {
        use crate::exit_codes::ExitCode;
        if self.count(Severity::Error) > 0 {
            ExitCode::CheckErrors
        } else if deny_warnings && self.count(Severity::Warning) > 0 {
            ExitCode::CheckWarnings
        } else {
            ExitCode::Success
        }
    }
}

/// A location's parts, numbers compared as numbers.
fn natural(location: &str) -> Vec<(u64, String)> {
    location
        .split(['/', ':'])
        .map(|part| match part.parse::<u64>() {
            Ok(n) => (n, String::new()),
            Err(_) => (u64::MAX, part.to_string()),
        })
        .collect()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
