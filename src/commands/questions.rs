//! `runback questions`: the questionnaire as text, Markdown, JSON or a FHIR Questionnaire.

use crate::fhir;
use crate::report;
use crate::rulebase::RuleBase;

use crate::app::Error;

/// `runback questions --format fhir`: the Questionnaire, refused if it breaks an R4
/// invariant (which `runback check` reports in detail).
pub(crate) fn fhir_questionnaire(rules: &RuleBase) -> Result<String, Error> {
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
