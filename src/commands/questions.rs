//! `runback questions`: the questionnaire as text, Markdown, JSON or a FHIR Questionnaire,
//! and the check-in's FHIR Questionnaire.

use crate::cli::{QuestionsArgs, QuestionsFormat};
use crate::export;
use crate::fhir::{self, Form};
use crate::report;
use crate::rulebase::RuleBase;

use crate::app::Error;

/// `runback questions` in the format asked for.
pub(crate) fn questions(rules: &RuleBase, args: &QuestionsArgs) -> Result<String, Error> {
    Ok(match args.format {
        QuestionsFormat::Text => export::questions_text(rules),
        QuestionsFormat::Json => export::questions_json(rules),
        QuestionsFormat::Markdown => export::questions_markdown(rules),
        QuestionsFormat::Fhir if args.checkin => fhir_questionnaire(rules, Form::Checkin)?,
        QuestionsFormat::Fhir => fhir_questionnaire(rules, Form::Assessment)?,
    })
}

/// `runback questions --format fhir [--checkin]`: the Questionnaire, refused if it breaks
/// an R4 invariant (which `runback check` reports in detail), or if the rule base has no
/// check-in to export.
pub(crate) fn fhir_questionnaire(rules: &RuleBase, form: Form) -> Result<String, Error> {
    if form == Form::Checkin && rules.questionnaire.checkin.is_none() {
        return Err(Error::Fhir(
            "this rule base has no check-in (no `checkin` in questionnaire.json), so there is no check-in Questionnaire to export".into(),
        ));
    }
    let q = fhir::questionnaire::build_form(rules, form, &report::date::today()?);
    let broken = fhir::invariants::check(&q);
    if let Some(first) = broken.first() {
        return Err(Error::Fhir(format!(
            "{} breaks {} FHIR Questionnaire invariant{} (first: {first}); `runback check` lists them",
            match form {
                Form::Assessment => "the questionnaire",
                Form::Checkin => "the check-in's questionnaire",
            },
            broken.len(),
            if broken.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(fhir::questionnaire::to_text(&q))
}
