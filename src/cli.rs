//! The command line, as clap sees it. `app.rs` turns it into actions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::Format;

const EXAMPLES: &str = "\
Examples:
  runback                                answer the questions in the terminal
  runback --save-answers me.json         the same, keeping the answers (even if interrupted)
  runback assess --resume me.json        continue an interrupted questionnaire
  runback template > answers.json        write an answer file to fill in
  runback assess --answers answers.json  assess it and print a report
  runback assess < answers.json          the same, reading standard input
  runback assess -a answers.json -f json a report for programs
  runback questions                      read the whole questionnaire

Exit codes:
  0    the report (or other output) was written
  1    bad answers, an invalid rule base, or a file that cannot be read
  2    the command line was wrong
  130  interrupted (Ctrl-C)";

/// Self-assessment for runners with back pain: likely causes, what to try, and when to
/// see a professional. Not a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "runback", version, about, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Load the rule base from this folder instead of the one built in.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// When to use colour (NO_COLOR is honoured in `auto`).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,

    /// What to do; `assess` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The options of `assess`, for when the subcommand is omitted.
    #[command(flatten)]
    pub assess: AssessArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess a set of answers and print a report.
    Assess(AssessArgs),
    /// Print the questionnaire: every question, its id, allowed values and help.
    Questions(QuestionsArgs),
    /// Print an answer file with every question id, ready to fill in.
    Template,
}

/// Options of `runback assess`: where answers come from and how the report looks.
#[derive(Debug, Default, Args)]
pub struct AssessArgs {
    /// Read answers from this JSON file (`-` for standard input). Without it, answers are
    /// read from standard input when it is not a terminal, and asked in the terminal when
    /// it is.
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// When answering in the terminal, save the answers to this file (readable only by
    /// you), also when interrupted; `runback assess --answers FILE` reproduces the report.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub save_answers: Option<PathBuf>,

    /// Continue an interrupted questionnaire from a saved answer file, at the first
    /// unanswered question; the answers keep being saved to it unless --save-answers
    /// names another file.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub resume: Option<PathBuf>,
}

/// Options of `runback questions`.
#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = QuestionsFormat::Text)]
    pub format: QuestionsFormat,
}

/// Formats for `runback questions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionsFormat {
    /// Readable text.
    Text,
    /// JSON for programs.
    Json,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
