//! `check`, `schema`, `completions` and `man`: the tools for rule authors and packagers,
//! run before (or without) a rule base that loads.

use std::path::Path;

use crate::check::{self, coverage::Inventory};
use crate::clean;
use crate::cli::{CheckArgs, Cli, Command};
use crate::exit_codes::ExitCode;
use crate::export;
use crate::rulebase::{self};

use crate::app::{Error, write_stdout};

/// `check`, `schema`, `completions` and `man`: the tools for rule authors and packagers.
pub(crate) fn authoring(cli: &Cli, command: &Command) -> Result<(), Error> {
    use clap::CommandFactory;
    let output = match command {
        Command::Check(args) => return check(cli, args),
        Command::Schema(args) => {
            let schema = match export::schema::rule_file(args.kind) {
                Some(schema) => schema,
                None => {
                    let rules = rulebase::from_dir_or_shipped(cli.rules.as_deref())?;
                    export::schema::answers(&rules.questionnaire)
                }
            };
            export::schema::to_text(&schema)
        }
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "runback", &mut out);
            String::from_utf8(out).expect("completion scripts are UTF-8")
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(Error::Write)?;
            String::from_utf8(out).expect("the man page is UTF-8")
        }
        _ => unreachable!("only authoring commands are passed here"),
    };
    write_stdout(&output)
}

/// Where `runback check --coverage` looks for the knowledge inventory by default.
pub(crate) const DEFAULT_KNOWLEDGE: &str = "../shared/KNOWLEDGE.md";

/// `runback check`: lints (or coverage) on stdout, the verdict in the exit status.
pub(crate) fn check(cli: &Cli, args: &CheckArgs) -> Result<(), Error> {
    let origin = match &cli.rules {
        Some(dir) => format!("the rule base in {}", clean::path(dir)),
        None => "the embedded rule base".to_string(),
    };
    let loaded = rulebase::from_dir_or_shipped(cli.rules.as_deref());
    let (text, code) = match (&loaded, args.coverage) {
        (Ok(rules), true) => {
            let inventory = match &args.knowledge {
                Some(path) => Inventory::Found {
                    path: clean::path(path),
                    text: check::knowledge::read(path).map_err(|source| Error::Knowledge {
                        path: path.clone(),
                        source,
                    })?,
                },
                None => match check::knowledge::read(Path::new(DEFAULT_KNOWLEDGE)) {
                    Ok(text) => Inventory::Found {
                        path: DEFAULT_KNOWLEDGE.into(),
                        text,
                    },
                    Err(_) => Inventory::NotFound {
                        path: DEFAULT_KNOWLEDGE.into(),
                    },
                },
            };
            let coverage = check::coverage::coverage(rules, &origin, &inventory);
            let code = if args.deny_warnings && coverage.missing > 0 {
                ExitCode::CheckWarnings
            } else {
                ExitCode::Success
            };
            (coverage.text, code)
        }
        _ => {
            let report = check::Report::new(origin, loaded.as_ref());
            (report.render(), report.exit_code(args.deny_warnings))
        }
    };
    write_stdout(&text)?;
    match code {
        ExitCode::Success => Ok(()),
        code => Err(Error::Checked(code)),
    }
}
