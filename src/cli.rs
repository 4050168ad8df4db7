//! The command line, as clap sees it. `app.rs` turns it into actions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::batch::Format as BatchFormat;
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
  runback -a answers.json -f html -o report.html   a page to print for a physiotherapist
  runback assess -a answers.json --explain         why each rule did or did not fire
  runback --training ~/Downloads/export_12345.zip  answer in the terminal, the training
                                         questions answered from a Strava export
  runback training activities/           only the training log's last 12 weeks
  runback questions                      read the whole questionnaire
  runback questions --format fhir        the questionnaire as a FHIR R4 Questionnaire
  runback assess -a response.json        a FHIR QuestionnaireResponse is read as answers
  runback assess -a me.json -f fhir-response   the answers as a QuestionnaireResponse
  runback --rules rules check            lint an edited rule base
  runback completions bash               shell completions (also zsh, fish, ...)
  runback batch -i club.jsonl -o out.csv --format csv
                                         assess many runners, one answer set per line

Exit codes:
  0    the report (or other output) was written
  1    bad answers, an invalid rule base, or a file that cannot be read;
       for batch, some lines could not be assessed (the rest were written);
       for check --deny-warnings, the rule base has warnings
  2    the command line was wrong; for check, the rule base has errors
  130  interrupted (Ctrl-C)";

/// Self-assessment for runners with back pain: likely causes, what to try, and when to
/// see a professional. Not a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "runback", version, about, after_help = EXAMPLES)]
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

impl Cli {
    /// Parses the process's arguments, exiting with a usage error (status 2) when the
    /// options of `assess` are given before another subcommand. Help and version text
    /// that cannot be written (a full disk, a closed standard output) is an error, as
    /// any other output is: a message on standard error and status 1.
    pub fn parse_checked() -> Self {
        use clap::{CommandFactory, error::ErrorKind};
        let cli = Cli::try_parse().unwrap_or_else(|e| exit_after(&e));
        if cli.command.is_some() && cli.assess != AssessArgs::default() {
            Cli::command()
                .error(
                    ErrorKind::ArgumentConflict,
                    "the options of `assess` (such as --answers, --format, --output, --save-answers) go after `assess`, or with no subcommand at all",
                )
                .exit();
        }
        if let Some(Command::Questions(args)) = &cli.command
            && args.checkin
            && args.format != QuestionsFormat::Fhir
        {
            Cli::command()
                .error(
                    ErrorKind::ArgumentConflict,
                    "--checkin goes with --format fhir (the check-in's Questionnaire); `runback questions` lists the check-in's questions in every other format",
                )
                .exit();
        }
        cli
    }
}

/// Prints what clap has to say (help, version, or a usage error) and exits with its
/// status, or with status 1 if help or version text meant for standard output could not
/// be written. A reader that goes away (`runback --help | head`) is not an error.
fn exit_after(e: &clap::Error) -> ! {
    use std::io::Write;
    if e.use_stderr() {
        e.exit();
    }
    let written = crate::stdio::stdout()
        .and_then(|_| e.print())
        .and_then(|()| std::io::stdout().flush());
    match written {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            crate::stdio::message(&format!("runback: error: cannot write the output: {err}"));
            std::process::exit(crate::exit_codes::ExitCode::Failure.code().into());
        }
        _ => std::process::exit(e.exit_code()),
    }
}

/// The subcommands. Each one's options are made only when it is run (or help, a
/// completion script or the manual needs them): making them all was most of reading the
/// command line.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Assess a set of answers and print a report.
    Assess(AssessArgs),
    /// Check in on the back pain you assessed: a minute of questions, then whether to
    /// run today and whether to see someone now.
    Checkin(CheckinArgs),
    /// Show how the back pain has gone since the first assessment: pain over time,
    /// check-ins, decisions and warning signs.
    History(HistoryArgs),
    /// Delete a bout of back pain runback has kept, or everything it has kept.
    Forget(ForgetArgs),
    /// Print the questionnaire: every question, its id, allowed values and help.
    Questions(QuestionsArgs),
    /// Print an answer file with every question id, ready to fill in.
    Template(TemplateArgs),
    /// Check the rule base: every load-time validation, then lints for knowledge no
    /// answers can use (unreachable causes, rules that never fire, duplicates).
    Check(CheckArgs),
    /// Print a JSON Schema for an answer file, a rule file, or the JSON of a report, a
    /// check-in or the history, for editors and validators.
    Schema(SchemaArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff); view it with `runback man | man -l -`.
    Man,
    /// Assess many answer sets, one JSON object per line (JSONL), into JSONL or CSV.
    Batch(BatchArgs),
    /// Summarise a training log (Strava, Garmin, intervals.icu exports; FIT, GPX, TCX
    /// files; folders of them): the last 12 weeks, longer-than-usual runs, and the
    /// answers it gives.
    Training(TrainingArgs),
}

// Options of `runback assess`: where answers come from and how the report looks.
// (A comment, not a doc comment: clap would show it in place of the subcommand's own
// description, which is the variant's in `Command`.)
#[derive(Debug, Default, PartialEq, Args)]
pub struct AssessArgs {
    /// Read answers from this JSON file (`-` for standard input). Without it, answers are
    /// read from standard input when it is not a terminal, and asked in the terminal when
    /// it is.
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Report format; `fhir-response` writes the answers that counted as a FHIR R4
    /// QuestionnaireResponse instead of a report.
    #[arg(long, short = 'f', value_enum, default_value_t = AssessFormat::Text)]
    pub format: AssessFormat,

    /// Write the report to this file instead of standard output (all at once: a failed
    /// run leaves no half-written file).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the --output or --save-answers file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Ask every question in one go, including those that need a video or a self-test
    /// (by default they are offered after a first, shorter report).
    #[arg(long)]
    pub full: bool,

    /// Add, for every rule, whether it fired and, if not, which part of its condition
    /// failed against which answer (in JSON: a `trace` array).
    #[arg(long)]
    pub explain: bool,

    /// Draw strength bars with ASCII characters only.
    #[arg(long)]
    pub ascii: bool,

    /// Print the whole text report: every reason's answers and sources, how to do each
    /// suggestion, the questions not answered and the sources (the Markdown, HTML and JSON
    /// reports always have everything).
    #[arg(long)]
    pub detail: bool,

    /// When answering in the terminal, also save the answers to this file (readable only
    /// by you), also when interrupted; `runback assess --answers FILE` reproduces the
    /// report. An existing file is refused unless --force or --resume names it.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub save_answers: Option<PathBuf>,

    /// Continue an interrupted questionnaire from a saved answer file, at the first
    /// unanswered question; the answers keep being saved to it unless --save-answers
    /// names another file.
    #[arg(long, value_name = "FILE", conflicts_with = "answers")]
    pub resume: Option<PathBuf>,

    /// Read your training from these files or folders (a Strava bulk export zip or its
    /// activities.csv, Garmin FIT, GPX, TCX, intervals.icu or Garmin Connect CSV): it
    /// answers the training questions you leave unanswered. Nothing leaves this machine.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub training: Vec<PathBuf>,

    /// Keep this assessment in the state folder as the start of a bout of back pain (or
    /// the next entry of the current one), as an assessment in the terminal always is:
    /// `runback checkin` then follows it.
    #[arg(long)]
    pub keep: bool,

    /// Start a new bout with this assessment, even when one from the last 12 weeks is
    /// still going.
    #[arg(long)]
    pub new_bout: bool,
}

// Options of `runback checkin`.
#[derive(Debug, Default, Args)]
pub struct CheckinArgs {
    /// Read the check-in from this JSON file (`-` for standard input; `runback template
    /// --checkin` writes one to fill in). Without it, a piped standard input is read, and
    /// a terminal is asked.
    #[arg(long, short = 'a', value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Report format; `fhir-response` writes the check-in's answers that counted as a FHIR
    /// R4 QuestionnaireResponse instead of a report (the check-in is kept all the same).
    #[arg(long, short = 'f', value_enum, default_value_t = CheckinFormat::Text)]
    pub format: CheckinFormat,

    /// Write the report to this file instead of standard output (all at once).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the --output file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Read your training from these files or folders: the runs since you last answered,
    /// and any run much longer than the month before it. Nothing leaves this machine.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub training: Vec<PathBuf>,

    /// Draw charts with ASCII characters only.
    #[arg(long)]
    pub ascii: bool,

    /// Print every reason's answers and sources.
    #[arg(long)]
    pub detail: bool,
}

// Options of `runback history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Output format (JSON: schemas/history.schema.json).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write it to this file instead of standard output (all at once).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the --output file if it exists.
    #[arg(long)]
    pub force: bool,

    /// Draw charts with ASCII characters only.
    #[arg(long)]
    pub ascii: bool,
}

// Options of `runback forget`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["bout", "all"]))]
pub struct ForgetArgs {
    /// Delete this bout (its id, as `runback history` shows it).
    #[arg(long, value_name = "ID")]
    pub bout: Option<String>,

    /// Delete everything runback has kept: every bout and every run's answers.
    #[arg(long)]
    pub all: bool,

    /// Do not ask for confirmation (for scripts).
    #[arg(long)]
    pub yes: bool,
}

// Options of `runback training`.
#[derive(Debug, Args)]
pub struct TrainingArgs {
    /// Files or folders: a Strava bulk export zip or its activities.csv, Garmin FIT
    /// (.fit, .fit.gz), GPX, TCX, intervals.icu or Garmin Connect CSV.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = TrainingFormat::Text)]
    pub format: TrainingFormat,

    /// Draw the chart with ASCII characters only.
    #[arg(long)]
    pub ascii: bool,
}

/// Formats for `runback training`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TrainingFormat {
    /// Readable text with a chart.
    Text,
    /// GitHub-flavoured Markdown with a table.
    Markdown,
    /// JSON for programs (the report's `training` object).
    Json,
}

/// What `runback assess` writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum AssessFormat {
    /// Plain text for reading in a terminal.
    #[default]
    Text,
    /// Markdown that renders cleanly on GitHub.
    Markdown,
    /// JSON for programs (schema: schemas/report.schema.json).
    Json,
    /// One self-contained, printable HTML page to bring to a physiotherapist.
    Html,
    /// The answers that counted, as a FHIR R4 QuestionnaireResponse (not a report).
    FhirResponse,
}

impl AssessFormat {
    /// The report format, or `None` for the FHIR response.
    pub fn report(self) -> Option<Format> {
        match self {
            AssessFormat::Text => Some(Format::Text),
            AssessFormat::Markdown => Some(Format::Markdown),
            AssessFormat::Json => Some(Format::Json),
            AssessFormat::Html => Some(Format::Html),
            AssessFormat::FhirResponse => None,
        }
    }
}

/// What `runback checkin` writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckinFormat {
    /// Plain text for reading in a terminal.
    #[default]
    Text,
    /// Markdown that renders cleanly on GitHub.
    Markdown,
    /// JSON for programs (schema: schemas/checkin.schema.json).
    Json,
    /// One self-contained HTML page.
    Html,
    /// The check-in's answers that counted, as a FHIR R4 QuestionnaireResponse to the
    /// check-in's Questionnaire (not a report).
    FhirResponse,
}

impl CheckinFormat {
    /// The report format, or `None` for the FHIR response.
    pub fn report(self) -> Option<Format> {
        match self {
            CheckinFormat::Text => Some(Format::Text),
            CheckinFormat::Markdown => Some(Format::Markdown),
            CheckinFormat::Json => Some(Format::Json),
            CheckinFormat::Html => Some(Format::Html),
            CheckinFormat::FhirResponse => None,
        }
    }
}

// Options of `runback batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Read answer sets from this JSONL file, one JSON object per line with an optional
    /// `id` (`-` for standard input, the default).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// Write to this file instead of standard output; it appears only when complete.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format: a JSON report, a CSV summary row or a compact JSON verdict per answer set.
    #[arg(long, short = 'f', value_enum, default_value_t = BatchFormat::Jsonl)]
    pub format: BatchFormat,

    /// Replace the output file if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

// Options of `runback questions`.
#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = QuestionsFormat::Text)]
    pub format: QuestionsFormat,

    /// With --format fhir: the check-in's Questionnaire (the questions `runback checkin`
    /// reads) instead of the assessment's.
    #[arg(long)]
    pub checkin: bool,
}

/// Formats for `runback questions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionsFormat {
    /// Readable text.
    Text,
    /// JSON for programs.
    Json,
    /// GitHub-flavoured Markdown, a heading per section and question.
    Markdown,
    /// A FHIR R4 Questionnaire, for a clinic's form tool (see docs/fhir.md).
    Fhir,
}

// Options of `runback template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Only the question ids, each `null`: no `$` notes with the questions and their
    /// allowed values.
    #[arg(long)]
    pub bare: bool,

    /// A check-in file instead (`runback checkin --answers FILE`): the warning signs a
    /// check-in re-screens and the check-in's own questions.
    #[arg(long)]
    pub checkin: bool,
}

// Options of `runback check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Exit with status 1 when there are warnings (errors always give 2).
    #[arg(long)]
    pub deny_warnings: bool,

    /// Instead of linting, list for each source what cites it, and every id in the
    /// knowledge inventory that the rule base lacks.
    #[arg(long)]
    pub coverage: bool,

    /// The knowledge inventory to compare with under --coverage [default:
    /// ../shared/KNOWLEDGE.md, when it exists].
    #[arg(long, value_name = "FILE", requires = "coverage")]
    pub knowledge: Option<PathBuf>,
}

// Options of `runback schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file the schema describes; `answers` follows the questionnaire in use.
    #[arg(value_enum)]
    pub kind: crate::export::schema::SchemaKind,
}

// Options of `runback completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
