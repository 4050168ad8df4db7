//! Turns the parsed command line into work: load rules, read answers, assess, write.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::answers::{self, AnswerError, Answers};
use crate::atomic_write;
use crate::batch;
use crate::check::{self, coverage::Inventory};
use crate::clean;
use crate::cli::{
    AssessArgs, AssessFormat, CheckArgs, Cli, ColorWhen, Command, QuestionsFormat, TrainingArgs,
    TrainingFormat,
};
use crate::engine;
use crate::exit_codes::ExitCode;
use crate::export;
use crate::fhir;
use crate::interactive::store::{Kept, Saves, Store};
use crate::interactive::{self, Outcome, Scope, terminal::TerminalPrompter};
use crate::report::training::TrainingView;
use crate::report::{self, TextOptions};
use crate::rulebase::{self, LoadError, RuleBase};
use crate::training::{self, Summary, propose};

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
    /// A training log named with `--training` could not be read.
    #[error("cannot read the training log: {0}")]
    Training(#[from] training::TrainingError),
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
        return authoring(cli, command);
    }
    let rules = rulebase::from_dir_or_shipped(cli.rules.as_deref())?;
    let output = match &cli.command {
        None => return assess(&rules, &cli.assess, cli.color, cli.rules.as_deref()),
        Some(Command::Assess(args)) => {
            return assess(&rules, args, cli.color, cli.rules.as_deref());
        }
        Some(Command::Questions(args)) => match args.format {
            QuestionsFormat::Text => export::questions_text(&rules),
            QuestionsFormat::Json => export::questions_json(&rules),
            QuestionsFormat::Markdown => export::questions_markdown(&rules),
            QuestionsFormat::Fhir => fhir_questionnaire(&rules)?,
        },
        Some(Command::Template(args)) => export::template(&rules, !args.bare),
        Some(Command::Training(args)) => training_only(&rules, args)?,
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

fn assess(
    rules: &RuleBase,
    args: &AssessArgs,
    color: ColorWhen,
    rules_dir: Option<&Path>,
) -> Result<(), Error> {
    // Refuse an existing output file before asking anything, not after fifty questions.
    if let Some(path) = &args.output {
        atomic_write::check_target(path, args.force).map_err(|source| Error::Output {
            path: path.clone(),
            source,
        })?;
    }
    // Nor ask anything when the report would have nowhere to go.
    if args.output.is_none() {
        crate::stdio::stdout().map_err(Error::Write)?;
    }
    // The log is read first: a file that cannot be used stops the run before any question.
    let log = match args.training.as_slice() {
        [] => None,
        paths => Some(summarise_log(paths)?),
    };
    let asking = args.answers.is_none() && (args.resume.is_some() || io::stdin().is_terminal());
    if asking {
        return interactive(rules, args, color, log.as_ref(), rules_dir);
    }
    let mut answers = read_answers(rules, args.answers.as_deref())?;
    let training = log.map(|summary| {
        let proposals = propose::propose(&rules.questionnaire, &summary.figures);
        let applied = fill_from_log(rules, &mut answers, &proposals);
        TrainingView::new(&summary, &applied, &rules.questionnaire)
    });
    // From a file, the whole report is the same command with --detail.
    let more = report::More {
        command: args
            .answers
            .as_deref()
            .filter(|path| *path != Path::new("-"))
            .map(|path| detail_command(rules_dir, args, path)),
        asked: None,
    };
    deliver(
        rules,
        &answers,
        args,
        color,
        args.force,
        training.as_ref(),
        more,
    )
    .map(drop)
}

/// The command that prints the whole report from a file of answers, with the rule base
/// and the training log this run used.
fn detail_command(rules_dir: Option<&Path>, args: &AssessArgs, path: &Path) -> String {
    let mut command = "runback".to_string();
    if let Some(dir) = rules_dir {
        command.push_str(&format!(" --rules {}", clean::shell_quote(dir)));
    }
    command.push_str(&format!(
        " assess --answers {} --detail",
        clean::shell_quote(path)
    ));
    for log in &args.training {
        command.push_str(&format!(" --training {}", clean::shell_quote(log)));
    }
    command
}

/// `runback questions --format fhir`: the Questionnaire, refused if it breaks an R4
/// invariant (which `runback check` reports in detail).
fn fhir_questionnaire(rules: &RuleBase) -> Result<String, Error> {
    let q = fhir::questionnaire::build(rules, &report::date::today()?);
    let broken = fhir::invariants::check(&q);
    if let Some(first) = broken.first() {
        return Err(Error::Fhir(format!(
            "the questionnaire breaks {} FHIR Questionnaire invariant{} (first: {first}); `runback check` lists them",
            broken.len(),
            if broken.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(fhir::questionnaire::to_text(&q))
}

/// The answers that counted as a QuestionnaireResponse, authored now (or at
/// `SOURCE_DATE_EPOCH`).
fn fhir_response(
    rules: &RuleBase,
    answers: &Answers,
    status: fhir::response::Status,
) -> Result<String, Error> {
    let authored = fhir::response::date_time(report::date::now()?);
    let response = fhir::response::build(rules, answers, status, authored);
    Ok(fhir::response::to_text(&response))
}

/// Reads the training log and summarises the weeks up to the report's day.
fn summarise_log(paths: &[std::path::PathBuf]) -> Result<Summary, Error> {
    let log = training::read(paths, training::Limits::default())?;
    for w in &log.warnings {
        crate::stdio::message(&format!("runback: warning: {}: {}", w.file, w.reason));
    }
    // The runner's own day, as the log's days are; the report's day when it is fixed.
    let as_of = match std::env::var_os("SOURCE_DATE_EPOCH") {
        Some(_) => chrono::NaiveDate::parse_from_str(&report::date::today()?, "%Y-%m-%d")
            .expect("report::date::today gives YYYY-MM-DD"),
        None => chrono::Local::now().date_naive(),
    };
    Ok(training::summarise(&log, as_of))
}

/// Fills the questions left unanswered from the log, keeping only those that apply given
/// the other answers (a log answer to a question that does not apply would be noise).
fn fill_from_log(
    rules: &RuleBase,
    answers: &mut Answers,
    proposals: &[propose::Proposal],
) -> propose::Applied {
    let mut applied = propose::apply(answers, proposals);
    let (_, applies) = engine::applicable(rules, answers);
    applied.filled.retain(|p| {
        if !applies[p.question] {
            answers.set(p.question, None);
        }
        applies[p.question]
    });
    applied
}

/// After the questionnaire: which log answers stood, and which the runner changed.
fn log_answers_kept(
    answers: &Answers,
    filled: &[propose::Proposal],
    before: &propose::Applied,
) -> propose::Applied {
    let mut applied = propose::Applied {
        filled: Vec::new(),
        overruled: before.overruled.clone(),
    };
    for p in filled {
        match answers.get(p.question) {
            Some(v) if v == p.value => applied.filled.push(*p),
            Some(_) => applied.overruled.push(*p),
            None => {}
        }
    }
    applied
}

/// `runback training`: the log alone, and the answers it would give.
fn training_only(rules: &RuleBase, args: &TrainingArgs) -> Result<String, Error> {
    let summary = summarise_log(&args.paths)?;
    let proposals = propose::propose(&rules.questionnaire, &summary.figures);
    let mut answers = Answers::none(&rules.questionnaire);
    let applied = fill_from_log(rules, &mut answers, &proposals);
    let view = TrainingView::new(&summary, &applied, &rules.questionnaire);
    Ok(match args.format {
        TrainingFormat::Text => {
            let opts = TextOptions {
                ascii: args.ascii,
                ..text_options(ColorWhen::Never)
            };
            report::text::training_only(&view, opts)
        }
        TrainingFormat::Markdown => report::markdown::training_only(&view),
        TrainingFormat::Json => {
            let mut out = clean::json_pretty(&view);
            out.push('\n');
            out
        }
    })
}

/// Renders the report and writes it to `--output` (whole, or not at all) or standard
/// output; the file written, if any.
fn deliver(
    rules: &RuleBase,
    answers: &Answers,
    args: &AssessArgs,
    color: ColorWhen,
    overwrite: bool,
    training: Option<&TrainingView>,
    more: report::More,
) -> Result<Option<std::path::PathBuf>, Error> {
    let assessment = engine::assess(rules, answers);
    let view = report::ViewOptions {
        date: report::date::today()?,
        explain: args.explain,
        training: training.cloned(),
        more,
    };
    // The answers as a QuestionnaireResponse: the same text to a file or to stdout.
    let response = match args.format.report() {
        Some(_) => None,
        None => Some(fhir_response(
            rules,
            answers,
            fhir::response::Status::Completed,
        )?),
    };
    match &args.output {
        Some(path) => {
            // A file gets plain text at a fixed width unless colour is forced.
            let text = TextOptions {
                width: 80,
                color: color == ColorWhen::Always,
                ascii: args.ascii,
                detail: args.detail,
            };
            let report = match (&response, args.format.report()) {
                (Some(r), _) => r.clone(),
                (None, Some(format)) => report::render(&assessment, format, &view, text),
                (None, None) => unreachable!("a response is made when there is no report format"),
            };
            atomic_write::write_file(path, report.as_bytes(), overwrite).map_err(|source| {
                Error::Output {
                    path: path.clone(),
                    source,
                }
            })?;
            Ok(Some(path.clone()))
        }
        None => {
            let text = TextOptions {
                ascii: args.ascii,
                detail: args.detail,
                ..text_options(color)
            };
            match (response, args.format.report()) {
                (Some(r), _) => write_stdout(&r)?,
                (None, Some(format)) => {
                    write_stdout(&report::render(&assessment, format, &view, text))?
                }
                (None, None) => unreachable!("a response is made when there is no report format"),
            }
            Ok(None)
        }
    }
}

/// After a text report in the terminal, whose top has scrolled out of sight by the
/// time the runner is asked what next: the level and where to start, again.
fn recap(
    rules: &RuleBase,
    answers: &Answers,
    args: &AssessArgs,
    color: ColorWhen,
) -> Result<(), Error> {
    if args.output.is_some()
        || args.format != AssessFormat::Text
        || !console::Term::stdout().is_term()
    {
        return Ok(());
    }
    let assessment = engine::assess(rules, answers);
    let view = report::ReportView::new(&assessment, &report::ViewOptions::default());
    write_stdout(&report::text::render_recap(&view, text_options(color)))
}

/// Reads answers from a file, `-`, or a piped standard input; never from a terminal.
fn read_answers(rules: &RuleBase, path: Option<&Path>) -> Result<Answers, Error> {
    let questionnaire = &rules.questionnaire;
    let from_stdin = |name: &str| -> Result<Answers, Error> {
        let text = answers::read_text(io::stdin().lock(), name)?;
        Ok(fhir::parse_answers(&text, name, questionnaire)?)
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
            Ok(fhir::parse_answers(&text, &name, questionnaire)?)
        }
        None => from_stdin("<stdin>"),
    }
}

/// The questionnaire in the terminal: the short first part (or everything with
/// `--full`), the report, an offer to refine it with the questions that need a video or a
/// self-test, and an offer to save a page to print. The answers are kept in the user's
/// state folder after every answer, so stopping or a closed window loses nothing.
fn interactive(
    rules: &RuleBase,
    args: &AssessArgs,
    color: ColorWhen,
    log: Option<&Summary>,
    rules_dir: Option<&Path>,
) -> Result<(), Error> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Error::NoTerminal);
    }
    let save_to = args.save_answers.as_deref().or(args.resume.as_deref());
    // A file to save to is checked before the first question, not after the last: it must
    // be writable, and an existing one is replaced only with --force or by --resume.
    if let Some(path) = args.save_answers.as_deref() {
        let ours = args.resume.as_deref() == Some(path);
        if path.exists() && !args.force && !ours {
            return Err(Error::Save {
                path: path.to_path_buf(),
                source: io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "the file already exists (use --force to replace it, or --resume to continue it)",
                ),
            });
        }
    }
    let start = match &args.resume {
        Some(path) => Some(read_answers(rules, Some(path))?),
        None => None,
    };
    if let (Some(path), None) = (args.save_answers.as_deref(), &start) {
        save_answers(rules, &Answers::none(&rules.questionnaire), path, false)?;
    }
    // How the saves to the named file go; it holds the answers so far from the start.
    let save_to_saves = save_to.map(Saves::new);
    if let Some(saves) = &save_to_saves {
        saves.record(Ok(()));
    }
    let store = match Store::open() {
        Ok(store) => Some(store),
        Err(e) => {
            crate::stdio::message(&format!(
                "runback: warning: cannot keep your answers in the state folder ({e}); use --save-answers FILE to keep them"
            ));
            None
        }
    };
    interactive::guard_ctrl_c();
    let mut prompter = TerminalPrompter::new(
        use_color(color, &console::Term::stderr()),
        store.as_ref().map(|s| s.dir().display().to_string()),
    );
    // An unfinished run from before is offered first, unless a file was named.
    let mut run = store.as_ref().map(Store::new_run);
    let start = match (start, &store) {
        (Some(answers), _) => answers,
        (None, Some(store)) if args.save_answers.is_none() => {
            match store.latest_unfinished(rules) {
                Some(unfinished) => {
                    // As the runner counts them: a checklist is one question, however
                    // many signs it answers.
                    let q = &rules.questionnaire;
                    let mut screens = std::collections::HashSet::new();
                    let count = (0..q.questions.len())
                        .filter(|&i| unfinished.answers.get(i).is_some())
                        .filter(|&i| screens.insert(q.checklist_of(i).map(|c| &c.id).ok_or(i)))
                        .count();
                    let resume = prompter
                        .offer_resume(&unfinished.saved, count)
                        .map_err(|e| prompt_error(e, Kept::Saved(unfinished.path.clone())))?;
                    if resume {
                        let answers = unfinished.answers.clone();
                        run = Some(store.resume(unfinished));
                        answers
                    } else {
                        Answers::none(&rules.questionnaire)
                    }
                }
                None => Answers::none(&rules.questionnaire),
            }
        }
        _ => Answers::none(&rules.questionnaire),
    };
    // The log answers what the runner has not; the flow then skips those questions, and
    // the review shows them, marked, to change.
    let mut start = start;
    let fresh = start.is_empty();
    let (log_filled, log_before) = match log {
        Some(summary) => {
            let proposals = propose::propose(&rules.questionnaire, &summary.figures);
            let applied = fill_from_log(rules, &mut start, &proposals);
            prompter.mark_from_log(
                applied
                    .filled
                    .iter()
                    .map(|p| {
                        let q = &rules.questionnaire.questions[p.question];
                        (p.question, answers::describe(q, p.value))
                    })
                    .collect(),
                fresh,
            );
            (applied.filled.clone(), applied)
        }
        None => (Vec::new(), propose::Applied::default()),
    };
    let log_view = |answers: &Answers| {
        log.map(|summary| {
            let kept = log_answers_kept(answers, &log_filled, &log_before);
            TrainingView::new(summary, &kept, &rules.questionnaire)
        })
    };
    // Where the answers are now, as the stop message tells it: the named file, else the
    // run's, whichever holds them as they are.
    let kept = || {
        let places: Vec<&Saves> = save_to_saves
            .iter()
            .chain(run.as_ref().map(|r| r.saves()))
            .collect();
        Kept::of(&places, save_to.is_some() || run.is_some())
    };
    // The file that holds the answers as they are, if one does.
    let kept_in = || match kept() {
        Kept::Saved(path) => Some(path),
        _ => None,
    };
    // What a SIGTERM or SIGHUP (a closed window) at a prompt leaves on the way out.
    let farewell =
        || crate::interrupt::set_farewell(Error::Interrupted { kept: kept() }.to_string());
    farewell();
    // A save that fails is told once, on screen, between two questions.
    let keep = |answers: &Answers, finished: bool| {
        let mut warnings = Vec::new();
        if let Some(run) = &run {
            warnings.extend(run.save(rules, answers, finished));
        }
        if let (Some(path), Some(saves)) = (save_to, &save_to_saves) {
            let saved = save_answers(rules, answers, path, finished).map_err(|e| match e {
                Error::Save { source, .. } => source,
                other => io::Error::other(other.to_string()),
            });
            warnings.extend(saves.record(saved));
        }
        for warning in warnings {
            crate::stdio::message(&warning);
        }
        farewell();
    };
    let scope = if args.full { Scope::Full } else { Scope::Short };
    let outcome = ask(rules, &mut prompter, start, scope, &keep)?;
    let answers = match outcome {
        Outcome::Interrupted(answers) => {
            // Stopped before a single answer or skip: there is nothing to keep.
            if !answers.is_empty() || kept() != Kept::Unanswered {
                keep(&answers, false);
            }
            return Err(Error::Interrupted { kept: kept() });
        }
        Outcome::Stopped(answers) => {
            keep(&answers, true);
            return Ok(());
        }
        Outcome::Emergency(answers) => {
            keep(&answers, true);
            let training = log_view(&answers);
            return emergency_report(
                rules,
                &answers,
                args,
                color,
                kept_in()
                    .as_deref()
                    .map(|path| detail_command(rules_dir, args, path)),
                training.as_ref(),
            );
        }
        Outcome::Report(answers) => answers,
    };
    keep(&answers, args.full);
    // The whole report is one command away, from the file that keeps these answers, and
    // only the questions the runner was shown count as left without an answer.
    let more_of = |prompter: &TerminalPrompter| report::More {
        command: kept_in()
            .as_deref()
            .map(|path| detail_command(rules_dir, args, path)),
        asked: Some(prompter.asked(&rules.questionnaire)),
    };
    let mut written = deliver(
        rules,
        &answers,
        args,
        color,
        args.force,
        log_view(&answers).as_ref(),
        more_of(&prompter),
    )?;
    recap(rules, &answers, args, color)?;
    let mut answers = answers;
    // A runner told to be seen first is offered nothing else to do.
    let seen_first = |answers: &Answers| {
        rules.levels[engine::assess(rules, answers).escalation.level].seen_first
    };
    // The first report stands on its own; the questions that need a video or a self-test
    // are offered after it.
    if scope == Scope::Short && !seen_first(&answers) {
        let more = interactive::flow::screens_ahead(rules, &answers, Scope::Refine);
        if more > 0 {
            let (minutes, about) = refine_summary(rules);
            let refine = prompter
                .offer_refine(more, minutes, &about)
                .map_err(|e| prompt_error(e, kept()))?;
            if refine {
                let outcome = ask(rules, &mut prompter, answers.clone(), Scope::Refine, &keep)?;
                match outcome {
                    Outcome::Interrupted(a) => {
                        keep(&a, false);
                        return Err(Error::Interrupted { kept: kept() });
                    }
                    Outcome::Stopped(a) => {
                        keep(&a, true);
                        return Ok(());
                    }
                    Outcome::Emergency(a) => {
                        keep(&a, true);
                        let training = log_view(&a);
                        return emergency_report(
                            rules,
                            &a,
                            args,
                            color,
                            kept_in()
                                .as_deref()
                                .map(|path| detail_command(rules_dir, args, path)),
                            training.as_ref(),
                        );
                    }
                    Outcome::Report(a) => answers = a,
                }
                written = deliver(
                    rules,
                    &answers,
                    args,
                    color,
                    true,
                    log_view(&answers).as_ref(),
                    more_of(&prompter),
                )?;
                recap(rules, &answers, args, color)?;
            }
        }
    }
    keep(&answers, true);
    if let Some(path) = &written {
        let _ = prompter.tell(&format!("Your report is in {}", absolute(path).display()));
    }
    // A page to print, unless the report already is one.
    let page_written = args.format == AssessFormat::Html && written.is_some();
    if !page_written && !seen_first(&answers) {
        let print = prompter
            .offer_print()
            .map_err(|e| prompt_error(e, kept()))?;
        if print {
            let path = save_page(rules, &answers, log_view(&answers))?;
            let _ = prompter.tell(&format!(
                "Saved {}: open it in a browser and print it, or take it with you.",
                path.display()
            ));
        }
    }
    if let Some(path) = &kept_in() {
        let _ = prompter.tell(&format!("Your answers are kept in {}", path.display()));
    }
    Ok(())
}

/// Runs the questionnaire once; whatever happens at the prompt, the cursor is visible
/// again afterwards, and a blank line sets what follows apart from the last prompt.
fn ask(
    rules: &RuleBase,
    prompter: &mut TerminalPrompter,
    start: Answers,
    scope: Scope,
    keep: &dyn Fn(&Answers, bool),
) -> Result<Outcome, Error> {
    let mut on_change = |answers: &Answers| keep(answers, false);
    let outcome =
        interactive::run(rules, prompter, start, scope, &mut on_change).map_err(Error::Terminal);
    let _ = console::Term::stderr().show_cursor();
    let _ = console::Term::stderr().write_line("");
    outcome
}

/// A prompt outside the questionnaire (an offer) that was interrupted or failed.
fn prompt_error(e: interactive::flow::PromptError, kept: Kept) -> Error {
    let _ = console::Term::stderr().show_cursor();
    match e {
        interactive::flow::PromptError::Interrupted => Error::Interrupted { kept },
        interactive::flow::PromptError::Io(e) => Error::Terminal(e),
    }
}

/// How long the refining sections take and what they are about, from the rule base.
fn refine_summary(rules: &RuleBase) -> (u32, String) {
    let sections: Vec<&crate::rulebase::Section> = rules
        .questionnaire
        .sections
        .iter()
        .filter(|s| s.refine.is_some())
        .collect();
    let minutes = sections
        .iter()
        .filter_map(|s| s.refine.as_ref())
        .map(|r| r.minutes)
        .sum();
    let titles: Vec<String> = sections.iter().map(|s| s.title.to_lowercase()).collect();
    let about = match titles.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    (minutes, about)
}

/// After a confirmed emergency the terminal shows only what to do now; the full report is
/// one command away.
fn emergency_report(
    rules: &RuleBase,
    answers: &Answers,
    args: &AssessArgs,
    color: ColorWhen,
    detail: Option<String>,
    training: Option<&TrainingView>,
) -> Result<(), Error> {
    if args.output.is_some() || args.format != AssessFormat::Text || args.detail {
        return deliver(
            rules,
            answers,
            args,
            color,
            true,
            training,
            report::More::default(),
        )
        .map(drop);
    }
    let assessment = engine::assess(rules, answers);
    let view_options = report::ViewOptions {
        date: report::date::today()?,
        explain: false,
        training: None,
        more: report::More::default(),
    };
    let view = report::ReportView::new(&assessment, &view_options);
    let hint = match detail {
        Some(command) => format!("Your answers are kept. The full report, for later: {command}"),
        None => "The full report, for later: run runback again with --detail.".to_string(),
    };
    let text = TextOptions {
        ascii: args.ascii,
        detail: false,
        ..text_options(color)
    };
    write_stdout(&report::text::render_emergency(&view, text, &hint))
}

/// Saves the printable page in the current folder, never over an existing file.
fn save_page(
    rules: &RuleBase,
    answers: &Answers,
    training: Option<TrainingView>,
) -> Result<std::path::PathBuf, Error> {
    let assessment = engine::assess(rules, answers);
    let date = report::date::today()?;
    let view = report::ViewOptions {
        date: date.clone(),
        explain: false,
        training,
        more: report::More::default(),
    };
    let page = report::render(
        &assessment,
        report::Format::Html,
        &view,
        text_options(ColorWhen::Never),
    );
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("runback-report-{date}.html")
        } else {
            format!("runback-report-{date}-{n}.html")
        };
        let path = absolute(Path::new(&name));
        match atomic_write::write_file(&path, page.as_bytes(), false) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(source) => return Err(Error::Output { path, source }),
        }
    }
}

fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Writes answers, atomically and readable only by the owner: as a FHIR
/// QuestionnaireResponse when the file name ends in `.fhir.json` (`in-progress` until the
/// questionnaire is finished), in the answer-file format otherwise.
fn save_answers(
    rules: &RuleBase,
    answers: &Answers,
    path: &Path,
    finished: bool,
) -> Result<(), Error> {
    let text = if fhir::is_response_file(path) {
        let status = if finished {
            fhir::response::Status::Completed
        } else {
            fhir::response::Status::InProgress
        };
        fhir_response(rules, answers, status)?
    } else {
        let mut text = serde_json::to_string_pretty(&answers.to_json(&rules.questionnaire))
            .expect("answers always serialize");
        text.push('\n');
        text
    };
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
    let mut out = crate::stdio::stdout().map_err(Error::Write)?.lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Write)
}
