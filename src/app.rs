//! Turns the parsed command line into work: load rules, read answers, assess, write.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::answers::{self, AnswerError, Answers};
use crate::atomic_write;
use crate::batch;
use crate::check::{self, coverage::Inventory};
use crate::cli::{AssessArgs, CheckArgs, Cli, ColorWhen, Command, QuestionsFormat};
use crate::engine;
use crate::exit_codes::ExitCode;
use crate::export;
use crate::interactive::{self, Outcome, terminal::TerminalPrompter};
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
    /// Asked to prompt, but the questions cannot be shown or answered.
    #[error(
        "cannot ask the questions: standard input and standard error must both be a terminal.\n  Pipe an answer file instead: runback template > answers.json, fill it in, then runback assess --answers answers.json"
    )]
    NoTerminal,
    /// The terminal failed while prompting.
    #[error("the terminal failed while asking the questions: {0}")]
    Terminal(io::Error),
    /// Ctrl-C or Esc during the questionnaire.
    #[error("interrupted{}", match saved_to {
        Some(p) => format!("; your answers so far are saved in {0}. Continue with: runback assess --resume {0}", p.display()),
        None => String::new(),
    })]
    Interrupted {
        /// Where the answers so far were saved, if anywhere.
        saved_to: Option<std::path::PathBuf>,
    },
    /// The report could not be written to its file.
    #[error("cannot write the report to {}: {source}", path.display())]
    Output {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The answers could not be saved.
    #[error("cannot save the answers to {}: {source}", path.display())]
    Save {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(io::Error),
    /// `runback check` found what its exit status reports; the findings are on stdout.
    #[error("the rule base check found problems")]
    Checked(ExitCode),
    /// The knowledge inventory named with `--knowledge` cannot be read.
    #[error("cannot read the knowledge inventory {}: {source}", path.display())]
    Knowledge {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// A batch stopped, or some of its lines could not be assessed.
    #[error(transparent)]
    Batch(#[from] batch::BatchError),
}

impl Error {
    /// The exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NoTerminal => ExitCode::Usage,
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
            eprintln!("\nrunback: {e}");
            e.exit_code()
        }
        Err(e) => {
            eprintln!("runback: error: {e}");
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
        return authoring(cli, command);
    }
    let rules = rulebase::from_dir_or_shipped(cli.rules.as_deref())?;
    let output = match &cli.command {
        None => return assess(&rules, &cli.assess, cli.color),
        Some(Command::Assess(args)) => return assess(&rules, args, cli.color),
        Some(Command::Questions(args)) => match args.format {
            QuestionsFormat::Text => export::questions_text(&rules),
            QuestionsFormat::Json => export::questions_json(&rules),
            QuestionsFormat::Markdown => export::questions_markdown(&rules),
        },
        Some(Command::Template(args)) => export::template(&rules, !args.bare),
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

/// `check`, `schema`, `completions` and `man`: the tools for rule authors and packagers.
fn authoring(cli: &Cli, command: &Command) -> Result<(), Error> {
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
const DEFAULT_KNOWLEDGE: &str = "../shared/KNOWLEDGE.md";

/// `runback check`: lints (or coverage) on stdout, the verdict in the exit status.
fn check(cli: &Cli, args: &CheckArgs) -> Result<(), Error> {
    let origin = match &cli.rules {
        Some(dir) => format!("the rule base in {}", dir.display()),
        None => "the embedded rule base".to_string(),
    };
    let loaded = rulebase::from_dir_or_shipped(cli.rules.as_deref());
    let (text, code) = match (&loaded, args.coverage) {
        (Ok(rules), true) => {
            let inventory = match &args.knowledge {
                Some(path) => Inventory::Found {
                    path: path.display().to_string(),
                    text: std::fs::read_to_string(path).map_err(|source| Error::Knowledge {
                        path: path.clone(),
                        source,
                    })?,
                },
                None => match std::fs::read_to_string(DEFAULT_KNOWLEDGE) {
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

fn assess(rules: &RuleBase, args: &AssessArgs, color: ColorWhen) -> Result<(), Error> {
    // Refuse an existing output file before asking anything, not after fifty questions.
    if let Some(path) = &args.output
        && !args.force
        && path.exists()
    {
        return Err(Error::Output {
            path: path.clone(),
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the file already exists (use --force to replace it)",
            ),
        });
    }
    let asking = args.answers.is_none() && (args.resume.is_some() || io::stdin().is_terminal());
    let (answers, emergency) = if asking {
        match ask(rules, args, color)? {
            Some(asked) => (asked.answers, asked.emergency),
            None => return Ok(()),
        }
    } else {
        (read_answers(rules, args.answers.as_deref())?, false)
    };
    let assessment = engine::assess(rules, &answers);
    let view = report::ViewOptions {
        date: report::date::today(),
        explain: args.explain,
    };
    // After a confirmed emergency the terminal shows only what to do now; the full report
    // is one flag (or one command) away.
    if emergency && args.output.is_none() && args.format == report::Format::Text && !args.detail {
        let saved = args.save_answers.as_deref().or(args.resume.as_deref());
        let hint = match saved {
            Some(path) => format!(
                "Your answers are saved. The full report, for later: runback assess --answers {} --detail",
                path.display()
            ),
            None => "The full report, for later: run runback again with --detail.".to_string(),
        };
        let text = TextOptions {
            ascii: args.ascii,
            detail: false,
            ..text_options(color)
        };
        let view = report::ReportView::new(&assessment, &view);
        return write_stdout(&report::text::render_emergency(&view, text, &hint));
    }
    match &args.output {
        Some(path) => {
            // A file gets plain text at a fixed width unless colour is forced.
            let text = TextOptions {
                width: 80,
                color: color == ColorWhen::Always,
                ascii: args.ascii,
                detail: args.detail,
            };
            let report = report::render(&assessment, args.format, &view, text);
            atomic_write::write_file(path, report.as_bytes(), args.force).map_err(|source| {
                Error::Output {
                    path: path.clone(),
                    source,
                }
            })
        }
        None => {
            let text = TextOptions {
                ascii: args.ascii,
                detail: args.detail,
                ..text_options(color)
            };
            write_stdout(&report::render(&assessment, args.format, &view, text))
        }
    }
}

/// Reads answers from a file, `-`, or a piped standard input; never from a terminal.
fn read_answers(rules: &RuleBase, path: Option<&Path>) -> Result<Answers, Error> {
    let questionnaire = &rules.questionnaire;
    let from_stdin = |name: &str| -> Result<Answers, Error> {
        let text = answers::read_text(io::stdin().lock(), name)?;
        Ok(Answers::parse(&text, name, questionnaire)?)
    };
    match path {
        Some(p) if p == Path::new("-") => from_stdin("<stdin>"),
        Some(p) => {
            let name = p.display().to_string();
            let file = std::fs::File::open(p).map_err(|source| AnswerError::Read {
                name: name.clone(),
                source,
            })?;
            let text = answers::read_text(file, &name)?;
            Ok(Answers::parse(&text, &name, questionnaire)?)
        }
        None => from_stdin("<stdin>"),
    }
}

/// Asks the questionnaire in the terminal; `None` when the runner chose to stop.
fn ask(rules: &RuleBase, args: &AssessArgs, color: ColorWhen) -> Result<Option<Asked>, Error> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Error::NoTerminal);
    }
    let start = match &args.resume {
        Some(path) => read_answers(rules, Some(path))?,
        None => Answers::none(&rules.questionnaire),
    };
    let save_to = args.save_answers.as_deref().or(args.resume.as_deref());
    interactive::guard_ctrl_c();
    let mut prompter = TerminalPrompter::new(use_color(color, &console::Term::stderr()));
    // Kept after every answer, so closing the terminal mid-way loses nothing; a failure
    // here is reported by the final save below.
    let mut keep = |answers: &Answers| {
        if let Some(path) = save_to {
            let _ = save_answers(rules, answers, path);
        }
    };
    let outcome = interactive::run(rules, &mut prompter, start, &mut keep).map_err(Error::Terminal);
    // Whatever happened at the prompt, the cursor must be visible again; a blank line
    // then sets the report apart from the last prompt.
    let _ = console::Term::stderr().show_cursor();
    let _ = console::Term::stderr().write_line("");
    let outcome = outcome?;
    let answers = match &outcome {
        Outcome::Report(a)
        | Outcome::Emergency(a)
        | Outcome::Stopped(a)
        | Outcome::Interrupted(a) => a,
    };
    if let Some(path) = save_to {
        save_answers(rules, answers, path)?;
    }
    match outcome {
        Outcome::Report(answers) => Ok(Some(Asked {
            answers,
            emergency: false,
        })),
        Outcome::Emergency(answers) => Ok(Some(Asked {
            answers,
            emergency: true,
        })),
        Outcome::Stopped(_) => Ok(None),
        Outcome::Interrupted(_) => Err(Error::Interrupted {
            saved_to: save_to.map(Path::to_path_buf),
        }),
    }
}

/// Answers from the terminal, and whether the runner confirmed an emergency on the way.
struct Asked {
    answers: Answers,
    emergency: bool,
}

/// Writes answers in the answer-file format, atomically and readable only by the owner.
fn save_answers(rules: &RuleBase, answers: &Answers, path: &Path) -> Result<(), Error> {
    let mut text = serde_json::to_string_pretty(&answers.to_json(&rules.questionnaire))
        .expect("answers always serialize");
    text.push('\n');
    atomic_write::write_file(path, text.as_bytes(), true).map_err(|source| Error::Save {
        path: path.to_path_buf(),
        source,
    })
}

/// Whether to colour what goes to `term`: `--color`, then `NO_COLOR`, `TERM=dumb` and a
/// terminal narrower than 40 columns, which all mean plain text.
fn use_color(color: ColorWhen, term: &console::Term) -> bool {
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
fn text_options(color: ColorWhen) -> TextOptions {
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

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Write)
}
