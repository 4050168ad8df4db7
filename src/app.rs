//! Turns the parsed command line into work: load rules, read answers, assess, write.

use std::io::{self, Write};

use crate::answers::AnswerError;
use crate::batch;
use crate::clean;
use crate::cli::{Cli, ColorWhen, Command};
use crate::exit_codes::ExitCode;
use crate::export;
use crate::fhir;
use crate::interactive::store::Kept;
use crate::report::{self, TextOptions};
use crate::rulebase::{self, LoadError};
use crate::training::{self};

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rule base could not be loaded.
    #[error(transparent)]
    Rules(#[from] LoadError),
    /// The answers were refused.
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// The answers were refused, or a FHIR resource that is not a response to runback's
    /// questionnaire was given.
    #[error(transparent)]
    Read(#[from] fhir::ReadError),
    /// Asked to prompt, but the questions cannot be shown or answered.
    #[error(
        "cannot ask the questions: standard input and standard error must both be a terminal.\n  Pipe an answer file instead: runback template > answers.json, fill it in, then runback assess --answers answers.json"
    )]
    NoTerminal,
    /// Asked to prompt for a check-in, but it cannot be shown or answered.
    #[error(
        "cannot ask the check-in: standard input and standard error must both be a terminal.\n  Pipe a check-in file instead: runback template --checkin > checkin.json, fill it in, then runback checkin --answers checkin.json"
    )]
    NoCheckinTerminal,
    /// The terminal failed while prompting.
    #[error("the terminal failed while asking the questions: {0}")]
    Terminal(io::Error),
    /// Ctrl-C or Esc during the questionnaire.
    #[error("interrupted{kept}")]
    Interrupted {
        /// Where the answers so far are, told as it is: saved, not saved, or why not.
        kept: Kept,
    },
    /// The report could not be written to its file.
    #[error("cannot write the report to {}: {source}", clean::path(path))]
    Output {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The answers could not be saved.
    #[error("cannot save the answers to {}: {source}", clean::path(path))]
    Save {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// `SOURCE_DATE_EPOCH` holds no usable date.
    #[error(transparent)]
    Date(#[from] report::date::DateError),
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(io::Error),
    /// `runback check` found what its exit status reports; the findings are on stdout.
    #[error("the rule base check found problems")]
    Checked(ExitCode),
    /// The knowledge inventory named with `--knowledge` cannot be read.
    #[error("cannot read the knowledge inventory {}: {source}", clean::path(path))]
    Knowledge {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A batch stopped, or some of its lines could not be assessed.
    #[error(transparent)]
    Batch(#[from] batch::BatchError),
    /// The questionnaire cannot be exported as FHIR.
    #[error("{0}")]
    Fhir(String),
    /// A bout of back pain could not be followed: none to check in on, or none by that id.
    #[error("{0}")]
    Bout(String),
    /// The bouts kept could not be read or written.
    #[error(transparent)]
    Store(#[from] crate::bout::StoreError),
    /// A training log named with `--training` could not be read.
    #[error("cannot read the training log: {0}")]
    Training(#[from] training::TrainingError),
}

impl Error {
    /// The exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NoTerminal | Error::NoCheckinTerminal => ExitCode::Usage,
            Error::Checked(code) => *code,
            Error::Knowledge { .. } => ExitCode::CheckErrors,
            Error::Interrupted { .. } => ExitCode::Interrupted,
            Error::Batch(batch::BatchError::NoInput) => ExitCode::Usage,
            Error::Batch(batch::BatchError::Interrupted { .. }) => ExitCode::Interrupted,
            _ => ExitCode::Failure,
        }
    }
}

/// Runs runback with the process's arguments and returns its exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse_checked();
    match run(&cli) {
        Ok(()) => ExitCode::Success,
        // A reader that goes away (`runback ... | head`) is not an error.
        Err(Error::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(Error::Batch(e)) if e.is_broken_pipe() => ExitCode::Success,
        Err(Error::Checked(code)) => code,
        Err(e @ Error::Interrupted { .. }) => {
            crate::stdio::message(&format!("\nrunback: {e}"));
            e.exit_code()
        }
        Err(e) => {
            crate::stdio::message(&format!("runback: error: {e}"));
            e.exit_code()
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: &Cli) -> Result<(), Error> {
    // Authoring commands run without a rule base, or report on one that does not load.
    if let Some(
        command @ (Command::Check(_) | Command::Schema(_) | Command::Completions(_) | Command::Man),
    ) = &cli.command
    {
        return crate::commands::authoring::authoring(cli, command);
    }
    // Kept until the process exits, never dropped: freeing the rule base's thousands of
    // strings one by one was a tenth of a one-shot `runback assess`, and the system takes
    // the whole memory back at once.
    let rules = std::mem::ManuallyDrop::new(rulebase::from_dir_or_shipped(cli.rules.as_deref())?);
    let output = match &cli.command {
        None => {
            return crate::commands::assess::assess(
                &rules,
                &cli.assess,
                cli.color,
                cli.rules.as_deref(),
                true,
            );
        }
        Some(Command::Assess(args)) => {
            return crate::commands::assess::assess(
                &rules,
                args,
                cli.color,
                cli.rules.as_deref(),
                false,
            );
        }
        Some(Command::Checkin(args)) => {
            return crate::commands::bout::checkin(&rules, args, cli.color);
        }
        Some(Command::History(args)) => {
            return crate::commands::bout::history(&rules, args, cli.color);
        }
        Some(Command::Forget(args)) => {
            return crate::commands::bout::forget(&rules, args, cli.color);
        }
        Some(Command::Questions(args)) => crate::commands::questions::questions(&rules, args)?,
        Some(Command::Template(args)) => export::template(&rules, !args.bare, args.checkin),
        Some(Command::Training(args)) => crate::commands::training::training_only(&rules, args)?,
        Some(Command::Check(_) | Command::Schema(_) | Command::Completions(_) | Command::Man) => {
            unreachable!("authoring commands are run before the rule base is loaded")
        }
        Some(Command::Batch(args)) => {
            let options = batch::Options {
                input: args.input.clone(),
                output: args.output.clone(),
                format: args.format,
                force: args.force,
            };
            return Ok(batch::run_command(&rules, &options)?);
        }
    };
    write_stdout(&output)
}

/// Whether to colour what goes to `term`: `--color`, then `NO_COLOR`, `TERM=dumb` and a
/// terminal narrower than 40 columns, which all mean plain text.
pub(crate) fn use_color(color: ColorWhen, term: &console::Term) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let narrow = term.size_checked().is_some_and(|(_, cols)| cols < 40);
    match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => term.is_term() && !no_color && !dumb && !narrow,
    }
}

/// Colour and width for text written to standard output.
pub(crate) fn text_options(color: ColorWhen) -> TextOptions {
    let term = console::Term::stdout();
    let width = if term.is_term() {
        term.size_checked()
            .map_or(80, |(_, cols)| usize::from(cols))
    } else {
        80
    };
    TextOptions {
        ascii: false,
        detail: false,
        width,
        color: use_color(color, &term),
    }
}

pub(crate) fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = crate::stdio::stdout().map_err(Error::Write)?.lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Write)
}
