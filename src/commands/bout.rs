//! Following a bout of back pain: `runback checkin`, `runback history`, `runback forget`,
//! and keeping an assessment as the start (or next entry) of a bout.

use std::io::{self, IsTerminal};
use std::path::Path;

use crate::answers::{AnswerError, AnswerProblem, Answers};
use crate::atomic_write;
use crate::bout::{self, Bouts, Kind, facts::Runs};
use crate::cli::{CheckinArgs, CheckinFormat, ColorWhen, ForgetArgs, HistoryArgs};
use crate::engine;
use crate::report::{self, Format, ReportView, TextOptions, bout::CheckinView, bout::HistoryView};
use crate::rulebase::RuleBase;

use crate::app::{Error, text_options, write_stdout};

/// Keeps an assessment in the current bout, or starts a new one: after 12 weeks (the
/// rule base's `bout_weeks`), or when asked. Says which, in a sentence.
pub(crate) fn keep_assessment(
    rules: &RuleBase,
    answers: &Answers,
    new_bout: bool,
) -> Result<String, Error> {
    let Some(checkin) = &rules.questionnaire.checkin else {
        return Err(Error::Bout(
            "this rule base has no check-in, so there is no bout to keep".into(),
        ));
    };
    let now = report::date::now()?;
    let bouts = Bouts::open()?;
    let current = (!new_bout)
        .then(|| bouts.current(now, checkin.bout_weeks))
        .flatten();
    let started = current.is_none();
    let bout = current.unwrap_or_else(|| bouts.new_bout(now));
    let assessment = engine::assess(rules, answers);
    let entry = bout::entry(rules, Kind::Assessment, now, answers, &assessment, None);
    let bout = bouts.add(&bout, entry)?;
    Ok(if started {
        "This assessment starts a new bout of back pain: check in every few days with runback checkin.".to_string()
    } else {
        format!(
            "This assessment joins the bout of back pain that began on {}: runback history shows it.",
            report::date::readable_day(&report::date::ymd_of(bout.started()))
        )
    })
}

/// The bout an assessment's printed page tells the story of, when `joins`: the current
/// one, which the answers join (or have joined) as they are kept. A bout that cannot be
/// read leaves the page without the story, never without the report.
pub(crate) fn page_bout(rules: &RuleBase, joins: bool) -> Option<bout::Bout> {
    let checkin = rules.questionnaire.checkin.as_ref().filter(|_| joins)?;
    let now = report::date::now().ok()?;
    Bouts::open().ok()?.current(now, checkin.bout_weeks)
}

/// The bout a check-in follows now, with the time, or why there is none.
pub(crate) fn current_bout(rules: &RuleBase) -> Result<(Bouts, bout::Bout, i64), Error> {
    let Some(checkin) = &rules.questionnaire.checkin else {
        return Err(Error::Bout(
            "this rule base has no check-in questions".into(),
        ));
    };
    let now = report::date::now()?;
    let bouts = Bouts::open()?;
    let weeks = checkin.bout_weeks;
    match bouts.current(now, weeks) {
        Some(bout) => Ok((bouts, bout, now)),
        None => Err(Error::Bout(format!(
            "there is no assessment from the last {weeks} weeks to check in on.\n  Answer the questionnaire first (runback), or keep one from a file: runback assess --answers FILE --keep"
        ))),
    }
}

/// `runback checkin`: the check-in's answers from a file, a pipe or the terminal, weighed
/// with the bout so far, kept, and reported.
pub(crate) fn checkin(rules: &RuleBase, args: &CheckinArgs, color: ColorWhen) -> Result<(), Error> {
    if let Some(path) = &args.output {
        atomic_write::check_target(path, args.force).map_err(|source| Error::Output {
            path: path.clone(),
            source,
        })?;
    }
    if args.output.is_none() {
        crate::stdio::stdout().map_err(Error::Write)?;
    }
    let (bouts, bout, now) = current_bout(rules)?;
    let runs = match args.training.as_slice() {
        [] => None,
        paths => Some(read_runs(paths)?),
    };
    if args.answers.is_none() && io::stdin().is_terminal() {
        let mut prompter = crate::interactive::checkin::prompter(color)?;
        let current = (bouts, bout, now);
        return ask_checkin(rules, &mut prompter, current, runs.as_ref(), args, color);
    }
    let name = match args.answers.as_deref() {
        Some(p) if p != Path::new("-") => p.display().to_string(),
        _ => "<stdin>".to_string(),
    };
    let given = super::assess::read_answers_for(
        rules,
        args.answers.as_deref(),
        crate::fhir::Form::Checkin,
    )?;
    only_checkin_questions(rules, &given, &name)?;
    keep_and_deliver(rules, &bouts, bout, &given, now, runs.as_ref(), args, color)
}

/// A check-in chosen at the offer of a plain `runback`: asked with the offer's prompter,
/// kept, and reported as the assessment's options ask (`--format`, `--output`,
/// `--training`, `--ascii`, `--detail`).
pub(crate) fn checkin_offered(
    rules: &RuleBase,
    prompter: &mut crate::interactive::terminal::TerminalPrompter,
    current: (Bouts, bout::Bout, i64),
    assess: &crate::cli::AssessArgs,
    color: ColorWhen,
) -> Result<(), Error> {
    let (bouts, bout, now) = current;
    let args = CheckinArgs {
        answers: None,
        format: match assess.format.report() {
            Some(Format::Markdown) => CheckinFormat::Markdown,
            Some(Format::Json) => CheckinFormat::Json,
            Some(Format::Html) => CheckinFormat::Html,
            Some(Format::Text) => CheckinFormat::Text,
            None => CheckinFormat::FhirResponse,
        },
        output: assess.output.clone(),
        force: assess.force,
        training: assess.training.clone(),
        ascii: assess.ascii,
        detail: assess.detail,
    };
    let runs = match args.training.as_slice() {
        [] => None,
        paths => Some(read_runs(paths)?),
    };
    ask_checkin(
        rules,
        prompter,
        (bouts, bout, now),
        runs.as_ref(),
        &args,
        color,
    )
}

/// A check-in asked in the terminal, then kept and reported. At a level at which the
/// runner is to be seen first, what to do is said again below a report on screen, whose
/// top has scrolled away by then (the report closes on the most urgent level's action
/// itself).
fn ask_checkin(
    rules: &RuleBase,
    prompter: &mut crate::interactive::terminal::TerminalPrompter,
    current: (Bouts, bout::Bout, i64),
    runs: Option<&Runs>,
    args: &CheckinArgs,
    color: ColorWhen,
) -> Result<(), Error> {
    let (bouts, bout, now) = current;
    let Some(given) = crate::interactive::checkin::ask(rules, prompter, &bout, runs, now)? else {
        return Ok(());
    };
    let level = bout::check_in(rules, &bout, &given, now, runs)
        .assessment
        .escalation
        .level;
    keep_and_deliver(rules, &bouts, bout, &given, now, runs, args, color)?;
    let on_screen =
        args.output.is_none() && args.format == CheckinFormat::Text && io::stdout().is_terminal();
    if on_screen && level != 0 && rules.levels[level].seen_first {
        let _ = prompter.in_short(&rules.levels[level]);
    }
    Ok(())
}

/// Keeps a check-in and writes its report to `--output` (whole, or not at all) or
/// standard output. The report's file is made (with no name yet) before the check-in is
/// kept, so an output that cannot be written, in a folder that is missing or read-only,
/// keeps nothing: the runner can run the same check-in again without a second entry.
#[allow(clippy::too_many_arguments)]
fn keep_and_deliver(
    rules: &RuleBase,
    bouts: &Bouts,
    bout: bout::Bout,
    given: &Answers,
    now: i64,
    runs: Option<&Runs>,
    args: &CheckinArgs,
    color: ColorWhen,
) -> Result<(), Error> {
    let output_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Output { path, source }
    };
    let output = match &args.output {
        Some(path) => {
            Some(atomic_write::AtomicFile::create(path, args.force).map_err(output_error(path))?)
        }
        None => None,
    };
    let report = record_checkin(rules, bouts, bout, given, now, runs, args, color)?;
    match (output, &args.output) {
        (Some(mut file), Some(path)) => {
            use std::io::Write;
            file.writer()
                .write_all(report.as_bytes())
                .map_err(output_error(path))?;
            file.commit().map_err(output_error(path))
        }
        _ => write_stdout(&report),
    }
}

/// Weighs a check-in, keeps it in the bout, and renders its report.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_checkin(
    rules: &RuleBase,
    bouts: &Bouts,
    bout: bout::Bout,
    given: &Answers,
    now: i64,
    runs: Option<&Runs>,
    args: &CheckinArgs,
    color: ColorWhen,
) -> Result<String, Error> {
    let checkin = bout::check_in(rules, &bout, given, now, runs);
    let options = report::bout::view_options(now);
    let view = ReportView::new(&checkin.assessment, &options);
    let file_questions = rules.questionnaire.file_questions(true);
    let view_checkin = CheckinView::new(&checkin, &view, &bout, now, &file_questions);
    let text = match args.output {
        Some(_) => TextOptions {
            width: 80,
            color: color == ColorWhen::Always,
            ascii: args.ascii,
            detail: args.detail,
        },
        None => TextOptions {
            ascii: args.ascii,
            detail: args.detail,
            ..text_options(color)
        },
    };
    let rendered = match args.format.report() {
        Some(Format::Text) => report::text::render_checkin(&view, &view_checkin, text),
        Some(Format::Json) => {
            let mut out = crate::clean::json_pretty(&view_checkin);
            out.push('\n');
            out
        }
        Some(Format::Markdown) => report::markdown::render_checkin(&view, &view_checkin),
        Some(Format::Html) => report::html::render_checkin(&view, &view_checkin),
        // The check-in's answers for a clinic's system, authored now.
        None => crate::fhir::response::to_text(&crate::fhir::response::build_checkin(
            rules,
            &checkin.answers,
            crate::fhir::response::date_time(now),
        )),
    };
    let entry = checkin.entry(rules, now);
    bouts.add(&bout, entry)?;
    Ok(rendered)
}

/// Refuses answers to questions a check-in does not ask, naming them.
fn only_checkin_questions(rules: &RuleBase, answers: &Answers, name: &str) -> Result<(), Error> {
    let allowed = rules.questionnaire.file_questions(true);
    let problems: Vec<AnswerProblem> = rules
        .questionnaire
        .questions
        .iter()
        .enumerate()
        .filter(|(q, _)| answers.get(*q).is_some() && !allowed.contains(q))
        .map(|(_, question)| AnswerProblem {
            question: question.id.to_string(),
            message: if question.from_bout.is_some() {
                "runback works this out from the check-ins it keeps; leave it out".into()
            } else {
                "not a check-in question; `runback template --checkin` lists them".into()
            },
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(AnswerError::Invalid {
        name: name.to_string(),
        problems,
        unlisted: 0,
    }
    .into())
}

/// The runs of a training log.
fn read_runs(paths: &[std::path::PathBuf]) -> Result<Runs, Error> {
    let log = crate::training::read(paths, crate::training::Limits::default())?;
    for w in &log.warnings {
        crate::stdio::message(&format!("runback: warning: {}: {}", w.file, w.reason));
    }
    Ok(Runs::from_activities(&log.activities))
}

/// `runback history`: every bout kept, in the chosen format.
pub(crate) fn history(rules: &RuleBase, args: &HistoryArgs, color: ColorWhen) -> Result<(), Error> {
    if let Some(path) = &args.output {
        atomic_write::check_target(path, args.force).map_err(|source| Error::Output {
            path: path.clone(),
            source,
        })?;
    }
    let now = report::date::now()?;
    let bouts = Bouts::open()?;
    let view = HistoryView::new(rules, &bouts.all(), now);
    let text = TextOptions {
        ascii: args.ascii,
        ..match args.output {
            Some(_) => TextOptions {
                width: 80,
                color: false,
                ascii: false,
                detail: false,
            },
            None => text_options(color),
        }
    };
    let rendered = match args.format {
        Format::Text => report::text::render_history(&view, text),
        Format::Json => {
            let mut out = crate::clean::json_pretty(&view);
            out.push('\n');
            out
        }
        Format::Markdown => report::markdown::render_history(&view),
        Format::Html => report::html::render_history(&view),
    };
    match &args.output {
        Some(path) => {
            atomic_write::write_file(path, rendered.as_bytes(), args.force).map_err(|source| {
                Error::Output {
                    path: path.clone(),
                    source,
                }
            })
        }
        None => write_stdout(&rendered),
    }
}

/// `runback forget`: deletes one bout, or everything runback keeps, once confirmed (on
/// screen, or with `--yes`).
pub(crate) fn forget(rules: &RuleBase, args: &ForgetArgs, color: ColorWhen) -> Result<(), Error> {
    let _ = rules;
    let bouts = Bouts::open()?;
    let all = bouts.all();
    let (what, targets): (String, Vec<String>) = match &args.bout {
        Some(id) => match all.iter().find(|b| &b.id == id) {
            Some(b) => (
                format!(
                    "the bout of back pain from {} ({} entr{})",
                    report::date::readable_day(&report::date::ymd_of(b.started())),
                    b.entries.len(),
                    if b.entries.len() == 1 { "y" } else { "ies" }
                ),
                vec![b.id.clone()],
            ),
            None => {
                return Err(Error::Bout(format!(
                    "no bout `{}` is kept; runback history lists them",
                    crate::clean::clean(id)
                )));
            }
        },
        None => (
            "everything runback has kept (every bout and every run's answers)".to_string(),
            all.iter().map(|b| b.id.clone()).collect(),
        ),
    };
    if !args.yes && !confirmed(&what, color)? {
        crate::stdio::message("runback: nothing was deleted.");
        return Ok(());
    }
    for id in &targets {
        bouts.forget(id)?;
    }
    if args.all {
        // Every file in the folder, those that no longer read as a bout too.
        bouts.forget_all()?;
        let store = crate::interactive::store::Store::open()
            .map_err(|source| Error::Bout(format!("cannot open the answers kept: {source}")))?;
        store
            .forget_all()
            .map_err(|source| Error::Bout(format!("cannot delete the answers kept: {source}")))?;
    }
    crate::stdio::message(&format!("runback: deleted {what}."));
    Ok(())
}

/// Asks before deleting, with nothing chosen; without a terminal, `--yes` is needed.
fn confirmed(what: &str, color: ColorWhen) -> Result<bool, Error> {
    if !io::stdin().is_terminal() || !io::stderr().is_terminal() {
        return Err(Error::Bout(format!(
            "nothing was deleted: with no terminal to ask in, add --yes to delete {what}"
        )));
    }
    crate::interactive::guard_ctrl_c();
    let mut prompter = crate::interactive::terminal::TerminalPrompter::new(
        crate::app::use_color(color, &console::Term::stderr()),
        None,
    );
    let answer = prompter.confirm(
        &format!("Delete {what}? This cannot be undone."),
        "Yes, delete it",
        "No, keep it",
    );
    let _ = console::Term::stderr().show_cursor();
    answer.map_err(|e| {
        super::questionnaire::prompt_error(
            e,
            crate::interactive::store::Kept::Untouched("nothing was deleted."),
        )
    })
}
