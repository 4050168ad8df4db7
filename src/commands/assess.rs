//! `runback assess` (and plain `runback`): answers from a file or a pipe, or the
//! questionnaire in a terminal, then the report.

use std::io::{self, IsTerminal};
use std::path::Path;

use crate::answers::{self, AnswerError, Answers};
use crate::atomic_write;
use crate::clean;
use crate::cli::{AssessArgs, AssessFormat, ColorWhen};
use crate::engine;
use crate::fhir;
use crate::report::training::TrainingView;
use crate::report::{self, TextOptions};
use crate::rulebase::RuleBase;
use crate::training::propose;

use super::{questionnaire::*, training::*};
use crate::app::{Error, text_options, write_stdout};

/// `runback assess`: the report for answers from a file or a pipe, or from the
/// questionnaire when standard input is a terminal. `plain` is a `runback` with no
/// subcommand, which in a terminal offers a check-in on the current bout first.
pub(crate) fn assess(
    rules: &RuleBase,
    args: &AssessArgs,
    color: ColorWhen,
    rules_dir: Option<&Path>,
    plain: bool,
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
        // Only when nothing asked for an assessment as such: a new bout, every question,
        // a file to save or resume, or the answers as a FHIR response.
        let offer_checkin = plain
            && !args.new_bout
            && !args.full
            && args.resume.is_none()
            && args.save_answers.is_none()
            && args.format.report().is_some();
        return interactive(rules, args, color, log.as_ref(), rules_dir, offer_checkin);
    }
    let mut answers = read_answers(rules, args.answers.as_deref())?;
    let training = log.map(|summary| {
        let proposals = propose::propose(&rules.questionnaire, &summary.figures);
        let applied = fill_from_log(rules, &mut answers, &proposals);
        TrainingView::new(&summary, &applied, &rules.questionnaire)
    });
    // Kept before the report is written: a bout that cannot be kept stops the run with
    // nothing on standard output.
    if args.keep || args.new_bout {
        // An --output that cannot be written (a folder missing or read-only) stops the run
        // before the assessment is kept, so running it again does not keep it twice.
        if let Some(path) = &args.output {
            drop(
                atomic_write::AtomicFile::create(path, args.force).map_err(|source| {
                    Error::Output {
                        path: path.clone(),
                        source,
                    }
                })?,
            );
        }
        let said = super::bout::keep_assessment(rules, &answers, args.new_bout)?;
        crate::stdio::message(&format!("runback: {said}"));
    }
    // From a file, the whole report is the same command with --detail.
    let more = report::More {
        command: args
            .answers
            .as_deref()
            .filter(|path| *path != Path::new("-"))
            .map(|path| detail_command(rules_dir, args, path)),
        asked: None,
    };
    // A page for answers kept in a bout with check-ins tells the bout's story too.
    let bout = super::bout::page_bout(
        rules,
        args.format == AssessFormat::Html && (args.keep || args.new_bout),
    );
    deliver(
        rules,
        &answers,
        args,
        color,
        args.force,
        training.as_ref(),
        more,
        bout.as_ref(),
    )
    .map(drop)
}

/// The command that prints the whole report from a file of answers, with the rule base
/// and the training log this run used.
pub(crate) fn detail_command(rules_dir: Option<&Path>, args: &AssessArgs, path: &Path) -> String {
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

/// The answers that counted as a QuestionnaireResponse, authored now (or at
/// `SOURCE_DATE_EPOCH`).
pub(crate) fn fhir_response(
    rules: &RuleBase,
    answers: &Answers,
    status: fhir::response::Status,
) -> Result<String, Error> {
    let authored = fhir::response::date_time(report::date::now()?);
    let response = fhir::response::build(rules, answers, status, authored);
    Ok(fhir::response::to_text(&response))
}

/// Renders the report and writes it to `--output` (whole, or not at all) or standard
/// output; the file written, if any. A page tells the story of `bout` since its first
/// assessment.
#[allow(clippy::too_many_arguments)]
pub(crate) fn deliver(
    rules: &RuleBase,
    answers: &Answers,
    args: &AssessArgs,
    color: ColorWhen,
    overwrite: bool,
    training: Option<&TrainingView>,
    more: report::More,
    bout: Option<&crate::bout::Bout>,
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
                (None, Some(format)) => {
                    report::render_with_bout(&assessment, format, &view, text, bout)
                }
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
                (None, Some(format)) => write_stdout(&report::render_with_bout(
                    &assessment,
                    format,
                    &view,
                    text,
                    bout,
                ))?,
                (None, None) => unreachable!("a response is made when there is no report format"),
            }
            Ok(None)
        }
    }
}

/// After a text report in the terminal, whose top has scrolled out of sight by the
/// time the runner is asked what next: the level and where to start, again.
pub(crate) fn recap(
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
pub(crate) fn read_answers(rules: &RuleBase, path: Option<&Path>) -> Result<Answers, Error> {
    read_answers_for(rules, path, fhir::Form::Assessment)
}

/// [`read_answers`] for the assessment or a check-in: a QuestionnaireResponse to the
/// other one is refused.
pub(crate) fn read_answers_for(
    rules: &RuleBase,
    path: Option<&Path>,
    form: fhir::Form,
) -> Result<Answers, Error> {
    let questionnaire = &rules.questionnaire;
    let from_stdin = |name: &str| -> Result<Answers, Error> {
        let text = answers::read_text(io::stdin().lock(), name)?;
        Ok(fhir::parse_answers_for(&text, name, questionnaire, form)?)
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
            Ok(fhir::parse_answers_for(&text, &name, questionnaire, form)?)
        }
        None => from_stdin("<stdin>"),
    }
}

/// After a confirmed emergency the terminal shows only what to do now; the full report is
/// one command away.
pub(crate) fn emergency_report(
    rules: &RuleBase,
    answers: &Answers,
    args: &AssessArgs,
    color: ColorWhen,
    detail: Option<String>,
    training: Option<&TrainingView>,
) -> Result<(), Error> {
    if args.output.is_some() || args.format != AssessFormat::Text || args.detail {
        // Kept in its bout already: a page tells the bout's story.
        let bout = super::bout::page_bout(rules, args.format == AssessFormat::Html);
        return deliver(
            rules,
            answers,
            args,
            color,
            true,
            training,
            report::More::default(),
            bout.as_ref(),
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
pub(crate) fn save_page(
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
    // The answers are kept in their bout by now: the page tells its story.
    let bout = super::bout::page_bout(rules, true);
    let page = report::render_with_bout(
        &assessment,
        report::Format::Html,
        &view,
        text_options(ColorWhen::Never),
        bout.as_ref(),
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

pub(crate) fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Writes answers, atomically and readable only by the owner: as a FHIR
/// QuestionnaireResponse when the file name ends in `.fhir.json` (`in-progress` until the
/// questionnaire is finished), in the answer-file format otherwise.
pub(crate) fn save_answers(
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
