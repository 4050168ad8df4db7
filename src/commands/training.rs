//! `runback training`, and the training log an assessment reads: summarised, its
//! figures turned into answers the runner has not given.

use crate::answers::Answers;
use crate::clean;
use crate::cli::{ColorWhen, TrainingArgs, TrainingFormat};
use crate::engine;
use crate::report::training::TrainingView;
use crate::report::{self, TextOptions};
use crate::rulebase::RuleBase;
use crate::training::{self, Summary, propose};

use crate::app::{Error, text_options};

/// Reads the training log and summarises the weeks up to the report's day.
pub(crate) fn summarise_log(paths: &[std::path::PathBuf]) -> Result<Summary, Error> {
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
pub(crate) fn fill_from_log(
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
pub(crate) fn log_answers_kept(
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
pub(crate) fn training_only(rules: &RuleBase, args: &TrainingArgs) -> Result<String, Error> {
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
