//! `runback assess` in a terminal: the questionnaire, its answers kept as they come, the
//! report, and what is offered after it.

use std::io::{self, IsTerminal};
use std::path::Path;

use crate::answers::{self, Answers};
use crate::cli::{AssessArgs, AssessFormat, ColorWhen};
use crate::engine;
use crate::interactive::store::{Kept, Saves, Store};
use crate::interactive::{self, Outcome, Scope, terminal::TerminalPrompter};
use crate::report;
use crate::report::training::TrainingView;
use crate::rulebase::RuleBase;
use crate::training::{Summary, propose};

use super::{assess::*, training::*};
use crate::app::{Error, use_color};

/// The questionnaire in the terminal: the short first part (or everything with
/// `--full`), the report, an offer to refine it with the questions that need a video or a
/// self-test, and an offer to save a page to print. The answers are kept in the user's
/// state folder after every answer, so stopping or a closed window loses nothing. With
/// `offer_checkin` (a plain `runback`), a current bout is offered a check-in first.
pub(crate) fn interactive(
    rules: &RuleBase,
    args: &AssessArgs,
    color: ColorWhen,
    log: Option<&Summary>,
    rules_dir: Option<&Path>,
    offer_checkin: bool,
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
    // An unfinished run from before is offered, unless a file was named; and in a plain
    // `runback`, a check-in on the current bout.
    let mut run = store.as_ref().map(Store::new_run);
    let start = match (start, &store) {
        (Some(answers), _) => answers,
        (None, Some(store)) if args.save_answers.is_none() => {
            let mut unfinished = store.latest_unfinished(rules);
            let current = offer_checkin
                .then(|| super::bout::current_bout(rules).ok())
                .flatten();
            // An unfinished questionnaire saved since the bout's latest entry was most
            // likely cut short on its way into that bout: it is offered first. An older
            // one is offered once the runner has chosen a new assessment over a check-in.
            let resume_first = match (&unfinished, &current) {
                (Some(u), Some((_, bout, _))) => {
                    bout.entries.last().is_none_or(|e| u.saved_at > e.time)
                }
                _ => true,
            };
            let mut resumed = None;
            if resume_first && let Some(u) = unfinished.take() {
                resumed = offer_unfinished(rules, store, &mut prompter, u)?;
            }
            if let (None, Some(current)) = (&resumed, current) {
                let assessed_on =
                    report::date::readable_day(&report::date::ymd_of(current.1.started()));
                let check_in = prompter
                    .offer_checkin(&assessed_on)
                    .map_err(|e| prompt_error(e, Kept::Unanswered))?;
                if check_in {
                    drop(unfinished);
                    return super::bout::checkin_offered(
                        rules,
                        &mut prompter,
                        current,
                        args,
                        color,
                    );
                }
            }
            if let (None, Some(u)) = (&resumed, unfinished.take()) {
                resumed = offer_unfinished(rules, store, &mut prompter, u)?;
            }
            match resumed {
                Some((answers, resumed_run)) => {
                    run = Some(resumed_run);
                    answers
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
    // How a pass through the questions ended: the answers to report on, or the end of
    // the run (stopped, an emergency, or interrupted).
    let finish = |outcome: Outcome| -> Result<Option<Answers>, Error> {
        match outcome {
            Outcome::Report(answers) => Ok(Some(answers)),
            Outcome::Interrupted(answers) => {
                // Stopped before a single answer or skip: there is nothing to keep.
                if !answers.is_empty() || kept() != Kept::Unanswered {
                    keep(&answers, false);
                }
                Err(Error::Interrupted { kept: kept() })
            }
            Outcome::Stopped(answers) => {
                keep(&answers, true);
                Ok(None)
            }
            Outcome::Emergency(answers) => {
                keep(&answers, true);
                keep_in_bout(rules, &answers, args.new_bout);
                let training = log_view(&answers);
                emergency_report(
                    rules,
                    &answers,
                    args,
                    color,
                    kept_in()
                        .as_deref()
                        .map(|path| detail_command(rules_dir, args, path)),
                    training.as_ref(),
                )
                .map(|()| None)
            }
        }
    };
    let Some(answers) = finish(ask(rules, &mut prompter, start, scope, &keep)?)? else {
        return Ok(());
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
    // The answers join the current bout once finished (unless they start a new one): a
    // page tells its story.
    let bout = super::bout::page_bout(rules, args.format == AssessFormat::Html && !args.new_bout);
    let mut written = deliver(
        rules,
        &answers,
        args,
        color,
        args.force,
        log_view(&answers).as_ref(),
        more_of(&prompter),
        bout.as_ref(),
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
                match finish(ask(
                    rules,
                    &mut prompter,
                    answers.clone(),
                    Scope::Refine,
                    &keep,
                )?)? {
                    Some(refined) => answers = refined,
                    None => return Ok(()),
                }
                written = deliver(
                    rules,
                    &answers,
                    args,
                    color,
                    true,
                    log_view(&answers).as_ref(),
                    more_of(&prompter),
                    bout.as_ref(),
                )?;
                recap(rules, &answers, args, color)?;
            }
        }
    }
    keep(&answers, true);
    if let Some(said) = keep_in_bout(rules, &answers, args.new_bout) {
        let _ = prompter.tell(&said);
    }
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

/// Offers to continue an unfinished questionnaire: its answers and its run when the
/// runner continues it, `None` when they start again (its file is kept).
fn offer_unfinished(
    rules: &RuleBase,
    store: &Store,
    prompter: &mut TerminalPrompter,
    unfinished: crate::interactive::store::Unfinished,
) -> Result<Option<(Answers, crate::interactive::store::Run)>, Error> {
    // As the runner counts them: a checklist is one question, however many signs it
    // answers.
    let q = &rules.questionnaire;
    let mut screens = std::collections::HashSet::new();
    let count = (0..q.questions.len())
        .filter(|&i| unfinished.answers.get(i).is_some())
        .filter(|&i| screens.insert(q.checklist_of(i).map(|c| &c.id).ok_or(i)))
        .count();
    let resume = prompter
        .offer_resume(&unfinished.saved, count)
        .map_err(|e| prompt_error(e, Kept::Saved(unfinished.path.clone())))?;
    Ok(resume.then(|| (unfinished.answers.clone(), store.resume(unfinished))))
}

/// Keeps a finished assessment in the bout it belongs to, as every assessment in the
/// terminal is; a failure is a warning, never the end of the run. What happened, in a
/// sentence, when there is something to tell.
fn keep_in_bout(rules: &RuleBase, answers: &Answers, new_bout: bool) -> Option<String> {
    rules.questionnaire.checkin.as_ref()?;
    match super::bout::keep_assessment(rules, answers, new_bout) {
        Ok(said) => Some(said),
        Err(e) => {
            crate::stdio::message(&format!(
                "runback: warning: cannot keep this assessment for check-ins: {e}"
            ));
            None
        }
    }
}

/// Runs the questionnaire once; whatever happens at the prompt, the cursor is visible
/// again afterwards, and a blank line sets what follows apart from the last prompt.
pub(crate) fn ask(
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
pub(crate) fn prompt_error(e: interactive::flow::PromptError, kept: Kept) -> Error {
    let _ = console::Term::stderr().show_cursor();
    match e {
        interactive::flow::PromptError::Interrupted => Error::Interrupted { kept },
        interactive::flow::PromptError::Io(e) => Error::Terminal(e),
    }
}

/// How long the refining sections take and what they are about, from the rule base.
pub(crate) fn refine_summary(rules: &RuleBase) -> (u32, String) {
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
