//! Turns the parsed command line into work: load rules, read answers, assess, write.

use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;

use clap::Parser;

use crate::answers::{AnswerError, Answers};
use crate::cli::{AssessArgs, Cli, ColorWhen, Command, QuestionsFormat};
use crate::engine;
use crate::exit_codes::ExitCode;
use crate::export;
use crate::report::{self, TextOptions};
use crate::rulebase::{self, LoadError, RuleBase};

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rule base could not be loaded.
    #[error(transparent)]
    Rules(#[from] LoadError),
    /// The answers were refused.
    #[error(transparent)]
    Answers(#[from] AnswerError),
    /// Nothing to assess: no answer file, and standard input is a terminal.
    #[error(
        "no answers given: standard input is a terminal and the interactive questionnaire is not available in this build.\n  Fill in an answer file and pass it: runback template > answers.json, then runback assess --answers answers.json"
    )]
    NoAnswers,
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(io::Error),
}

impl Error {
    /// The exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NoAnswers => ExitCode::Usage,
            _ => ExitCode::Failure,
        }
    }
}

/// Runs runback with the process's arguments and returns its exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::Success,
        // A reader that goes away (`runback ... | head`) is not an error.
        Err(Error::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::Success,
        Err(e) => {
            eprintln!("runback: error: {e}");
            e.exit_code()
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: &Cli) -> Result<(), Error> {
    let rules = rulebase::from_dir_or_shipped(cli.rules.as_deref())?;
    let output = match &cli.command {
        None => assess(&rules, &AssessArgs::default(), cli.color)?,
        Some(Command::Assess(args)) => assess(&rules, args, cli.color)?,
        Some(Command::Questions(args)) => match args.format {
            QuestionsFormat::Text => export::questions_text(&rules),
            QuestionsFormat::Json => export::questions_json(&rules),
        },
        Some(Command::Template) => export::template(&rules),
    };
    write_stdout(&output)
}

fn assess(rules: &RuleBase, args: &AssessArgs, color: ColorWhen) -> Result<String, Error> {
    let answers = read_answers(rules, args.answers.as_deref())?;
    let assessment = engine::assess(rules, &answers);
    Ok(report::render(
        &assessment,
        args.format,
        text_options(color),
    ))
}

/// Reads answers from a file, `-`, or a piped standard input; never from a terminal.
fn read_answers(rules: &RuleBase, path: Option<&Path>) -> Result<Answers, Error> {
    let questionnaire = &rules.questionnaire;
    let from_stdin = |name: &str| -> Result<Answers, Error> {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|source| AnswerError::Read {
                name: name.into(),
                source,
            })?;
        Ok(Answers::parse(&text, name, questionnaire)?)
    };
    match path {
        Some(p) if p == Path::new("-") => from_stdin("<stdin>"),
        Some(p) => {
            let name = p.display().to_string();
            let text = std::fs::read_to_string(p).map_err(|source| AnswerError::Read {
                name: name.clone(),
                source,
            })?;
            Ok(Answers::parse(&text, &name, questionnaire)?)
        }
        None if !io::stdin().is_terminal() => from_stdin("<stdin>"),
        None => Err(Error::NoAnswers),
    }
}

/// Colour and width for text written to standard output.
fn text_options(color: ColorWhen) -> TextOptions {
    let term = console::Term::stdout();
    let is_tty = io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => is_tty && !no_color && !dumb,
    };
    let width = if is_tty {
        term.size_checked()
            .map_or(80, |(_, cols)| usize::from(cols))
    } else {
        80
    };
    TextOptions { width, color }
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Write)
}
