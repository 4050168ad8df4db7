//! Lints over a rule base that loaded: knowledge that no answer set can ever use.
//!
//! Reachability is decided with [`satisfy_within`], which searches for answers that make
//! a condition true while honouring every branch condition, so "can never fire" here
//! means what a runner would see: no answer file makes the rule count. Each rule (and
//! each branch condition) gets its own [`Budget`], shared with the explanation of what is
//! wrong with it, so no rule base can make `runback check` run for long: a condition too
//! tangled to decide within it is a warning of its own.

use std::collections::BTreeSet;

use super::{Finding, Severity};
use crate::engine::{
    self,
    satisfy::{Budget, Satisfiable, satisfy_ignoring_branches_within, satisfy_within},
};
use crate::rulebase::{Conclusion, Condition, QuestionIdx, RuleBase, words};

/// Every lint, in file order: questionnaire, causes, strategies, escalation, rules, sources.
pub fn lint(rb: &RuleBase) -> Vec<Finding> {
    lint_within(rb, Budget::per_rule())
}

/// [`lint`], with `budget` for each rule and each branch condition.
fn lint_within(rb: &RuleBase, budget: Budget) -> Vec<Finding> {
    // Each rule is searched once; what is left of its budget explains a finding.
    let rules: Vec<(Satisfiable, Budget)> = rb
        .rules
        .iter()
        .map(|rule| {
            let mut left = budget;
            (satisfy_within(rb, &rule.when, &mut left), left)
        })
        .collect();
    let mut out = Vec::new();
    never_asked_questions(rb, budget, &mut out);
    unread_questions(rb, &mut out);
    unreachable_causes(rb, &rules, &mut out);
    unused_strategies(rb, &mut out);
    unraised_levels(rb, &mut out);
    never_firing_rules(rb, rules, &mut out);
    duplicate_rules(rb, &mut out);
    uncited_sources(rb, &mut out);
    unknown_training_figures(rb, &mut out);
    fhir_invariants(rb, &mut out);
    out
}

/// The questionnaire as `runback questions --format fhir` exports it, and the check-in as
/// `--checkin` does, must meet the FHIR R4 Questionnaire invariants (que-1 to que-12) and
/// the form fillers' needs of `enableWhen`: a clinic's form tool may refuse or misread it
/// otherwise.
fn fhir_invariants(rb: &RuleBase, out: &mut Vec<Finding>) {
    use crate::fhir::Form;
    let forms = if rb.questionnaire.checkin.is_some() {
        &[Form::Assessment, Form::Checkin][..]
    } else {
        &[Form::Assessment][..]
    };
    for &form in forms {
        let exported = crate::fhir::questionnaire::build_form(rb, form, "2000-01-01");
        let which = match form {
            Form::Assessment => "(as FHIR)",
            Form::Checkin => "(as the check-in's FHIR)",
        };
        for v in crate::fhir::invariants::check(&exported) {
            out.push(finding(
                Severity::Error,
                &rb.files.questionnaire,
                format!("{which} {}", v.path),
                format!("linkId `{}`", v.link_id),
                format!("{}: {}", v.key, v.message),
            ));
        }
    }
}

/// A `from_training` annotation naming a figure no training log gives would never answer
/// its question: a misspelling the loader cannot see, since the names belong to the
/// training-log reader.
fn unknown_training_figures(rb: &RuleBase, out: &mut Vec<Finding>) {
    use crate::rulebase::FigureMap;
    use crate::training::{CROSS_TRAINING_KINDS, FIGURES};
    for (q, question) in rb.questionnaire.questions.iter().enumerate() {
        let Some(from) = &question.from_training else {
            continue;
        };
        let at = format!("{}/from_training", question_pointer(rb, q));
        let item = format!("question `{}`", question.id);
        if !FIGURES.contains(&from.figure.as_str()) {
            out.push(finding(
                Severity::Warning,
                &rb.files.questionnaire,
                at.clone(),
                item.clone(),
                format!(
                    "no training log gives a figure `{}`, so a log never answers this question; expected one of: {}",
                    from.figure,
                    FIGURES.join(", ")
                ),
            ));
        }
        if let FigureMap::Kinds(kinds) = &from.map {
            let known: Vec<&str> = CROSS_TRAINING_KINDS.iter().map(|k| k.name()).collect();
            for (kind, _) in kinds.iter().filter(|(k, _)| !known.contains(&k.as_str())) {
                out.push(finding(
                    Severity::Warning,
                    &rb.files.questionnaire,
                    format!("{at}/kinds"),
                    item.clone(),
                    format!(
                        "no training log lists the kind `{kind}`; expected one of: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
    }
}

/// What `runback check` says about a condition it could not decide within its budget.
const UNDECIDED: &str = "could not decide whether this rule can fire; simplify it (split it into smaller rules, or take out tests that repeat or cannot matter)";

fn finding(
    severity: Severity,
    file: &str,
    location: String,
    item: String,
    message: String,
) -> Finding {
    Finding {
        severity,
        file: file.to_string(),
        location,
        item: Some(item),
        message,
    }
}

/// The JSON pointer of a question in `questionnaire.json`.
fn question_pointer(rb: &RuleBase, q: QuestionIdx) -> String {
    let section = rb.questionnaire.questions[q].section;
    let within = q - rb.questionnaire.sections[section].questions.start;
    format!("/sections/{section}/questions/{within}")
}

fn in_words(rb: &RuleBase, c: &Condition) -> String {
    words::condition(c, &rb.questionnaire)
}

/// The questions a condition reads, each once, in questionnaire order.
fn read_by(c: &Condition) -> BTreeSet<QuestionIdx> {
    let mut read = BTreeSet::new();
    c.visit_questions(&mut |q| {
        read.insert(q);
    });
    read
}

fn never_asked_questions(rb: &RuleBase, budget: Budget, out: &mut Vec<Finding>) {
    for (qi, q) in rb.questionnaire.questions.iter().enumerate() {
        let Some(ask_if) = &q.ask_if else { continue };
        let found = satisfy_within(rb, ask_if, &mut { budget });
        if found == Satisfiable::Undecided {
            out.push(finding(
                Severity::Warning,
                &rb.files.questionnaire,
                format!("{}/ask_if", question_pointer(rb, qi)),
                format!("question `{}`", q.id),
                "could not decide whether its `ask_if` can hold, so whether it is ever asked; simplify it".into(),
            ));
        } else if found == Satisfiable::No {
            out.push(finding(
                Severity::Warning,
                &rb.files.questionnaire,
                format!("{}/ask_if", question_pointer(rb, qi)),
                format!("question `{}`", q.id),
                format!(
                    "its `ask_if` can never hold ({}), so it is never asked; write a condition some answers meet, or remove the question",
                    in_words(rb, ask_if)
                ),
            ));
        }
    }
}

fn unread_questions(rb: &RuleBase, out: &mut Vec<Finding>) {
    // The first reader of each question: a rule, or another question's branch.
    let mut reader: Vec<Option<String>> = vec![None; rb.questionnaire.questions.len()];
    for q in &rb.questionnaire.questions {
        if let Some(c) = &q.ask_if {
            for r in read_by(c) {
                reader[r].get_or_insert_with(|| format!("the `ask_if` of question `{}`", q.id));
            }
        }
    }
    for rule in &rb.rules {
        for r in read_by(&rule.when) {
            reader[r].get_or_insert_with(|| format!("rule `{}`", rule.id));
        }
    }
    for (qi, q) in rb.questionnaire.questions.iter().enumerate() {
        let at = question_pointer(rb, qi);
        let item = format!("question `{}`", q.id);
        match (&reader[qi], q.informational) {
            (None, false) => out.push(finding(
                Severity::Warning,
                &rb.files.questionnaire,
                at,
                item,
                "no rule or `ask_if` reads this question, so its answer changes nothing; use it in a rule in rules.json, or add `\"informational\": true` if the answer is context for the clinician reading the report".into(),
            )),
            (Some(by), true) => out.push(finding(
                Severity::Warning,
                &rb.files.questionnaire,
                format!("{at}/informational"),
                item,
                format!(
                    "marked informational, but {by} reads it; remove `\"informational\": true`"
                ),
            )),
            _ => {}
        }
    }
}

fn unreachable_causes(rb: &RuleBase, rules: &[(Satisfiable, Budget)], out: &mut Vec<Finding>) {
    for (ci, cause) in rb.causes.iter().enumerate() {
        let for_it: Vec<_> = rb
            .rules
            .iter()
            .zip(rules)
            .filter(|(r, _)| {
                matches!(r.then, Conclusion::Evidence { cause, strength } if cause == ci && strength > 0.0)
            })
            .collect();
        let mut any_fires = false;
        let reached = for_it.iter().any(|(_, (found, _))| match found {
            Satisfiable::Yes(answers) => {
                any_fires = true;
                engine::assess(rb, answers)
                    .causes
                    .iter()
                    .any(|f| f.cause == ci)
            }
            // Not proven unreachable: the rule's own finding says it was not decided.
            Satisfiable::Undecided => true,
            Satisfiable::No => false,
        });
        if reached {
            continue;
        }
        let for_it: Vec<_> = for_it.into_iter().map(|(rule, _)| rule).collect();
        let ids = for_it
            .iter()
            .map(|r| format!("`{}`", r.id))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if for_it.is_empty() {
            format!(
                "no rule gives evidence for this cause, so no report can name it; add a rule to rules.json with \"then\": {{ \"evidence\": {{ \"cause\": \"{}\", \"strength\": 0.5 }} }}",
                cause.id
            )
        } else if !any_fires {
            format!(
                "no report can name it: the rules for it ({ids}) can never fire; fix their conditions"
            )
        } else {
            format!(
                "no report can name it: whenever its rules ({ids}) fire, evidence against it outweighs them; lower the strength of the rules against it"
            )
        };
        out.push(finding(
            Severity::Warning,
            &rb.files.causes,
            format!("/causes/{ci}"),
            format!("cause `{}`", cause.id),
            message,
        ));
    }
}

fn unused_strategies(rb: &RuleBase, out: &mut Vec<Finding>) {
    for (si, s) in rb.strategies.iter().enumerate() {
        if rb.causes.iter().any(|c| c.strategies.contains(&si))
            || rb.fallback_strategies.contains(&si)
        {
            continue;
        }
        out.push(finding(
            Severity::Warning,
            &rb.files.strategies,
            format!("/strategies/{si}"),
            format!("strategy `{}`", s.id),
            "no cause lists this strategy, so no report can suggest it; add its id to the `strategies` of the causes it helps in causes.json (or to `fallback`), or remove it".into(),
        ));
    }
}

fn unraised_levels(rb: &RuleBase, out: &mut Vec<Finding>) {
    // The default level needs no rule: every report without a raised level shows it.
    for (li, level) in rb.levels.iter().enumerate().take(rb.default_level()) {
        let by_rule = rb
            .rules
            .iter()
            .any(|r| matches!(&r.then, Conclusion::Escalate(e) if e.level == li));
        let by_cause = rb
            .causes
            .iter()
            .any(|c| c.escalate.as_ref().is_some_and(|e| e.level == li));
        if by_rule || by_cause {
            continue;
        }
        out.push(finding(
            Severity::Warning,
            &rb.files.escalation,
            format!("/levels/{li}"),
            format!("level `{}`", level.id),
            format!(
                "no rule or cause raises this level, so no report can show it; add a rule to rules.json with \"then\": {{ \"escalate\": {{ \"level\": \"{}\", \"reason\": \"...\" }} }}, or remove the level",
                level.id
            ),
        ));
    }
}

fn never_firing_rules(rb: &RuleBase, rules: Vec<(Satisfiable, Budget)>, out: &mut Vec<Finding>) {
    for (ri, (rule, (found, mut budget))) in rb.rules.iter().zip(rules).enumerate() {
        match found {
            Satisfiable::Yes(_) => continue,
            Satisfiable::Undecided => {
                out.push(finding(
                    Severity::Warning,
                    &rb.files.rules,
                    format!("/rules/{ri}/when"),
                    format!("rule `{}`", rule.id),
                    UNDECIDED.to_string(),
                ));
                continue;
            }
            Satisfiable::No => {}
        }
        // A warning sign that can never be raised is a safety hole, not just dead text.
        let (severity, what) = match rule.then {
            Conclusion::Escalate(_) => (
                Severity::Error,
                "this escalation rule can never fire, so its warning sign is never raised",
            ),
            Conclusion::Evidence { .. } | Conclusion::Decide { .. } => {
                (Severity::Warning, "this rule can never fire")
            }
        };
        let why = match satisfy_ignoring_branches_within(rb, &rule.when, &mut budget) {
            Satisfiable::Yes(_) => branch_conflict(rb, &rule.when, &mut budget),
            _ => contradiction(rb, &rule.when, &mut budget),
        };
        out.push(finding(
            severity,
            &rb.files.rules,
            format!("/rules/{ri}/when"),
            format!("rule `{}`", rule.id),
            format!("{what}: {why}"),
        ));
    }
}

/// Whether no answers make `c` true, as far as the rest of `budget` can tell.
fn impossible(rb: &RuleBase, c: &Condition, budget: &mut Budget) -> bool {
    satisfy_ignoring_branches_within(rb, c, budget) == Satisfiable::No
}

/// Explains a condition that only its questions' branch conditions make impossible.
fn branch_conflict(rb: &RuleBase, when: &Condition, budget: &mut Budget) -> String {
    for q in read_by(when) {
        let question = &rb.questionnaire.questions[q];
        let Some(ask_if) = &question.ask_if else {
            continue;
        };
        let both = Condition::All(vec![when.clone(), ask_if.clone()]);
        if impossible(rb, &both, budget) {
            return format!(
                "it reads `{}`, which is asked only if {}, and the rest of the condition rules that out; test the question only together with its branch condition, or drop the contradicting test",
                question.id,
                in_words(rb, ask_if)
            );
        }
    }
    format!(
        "it needs answers to questions whose branch conditions it contradicts ({}); test each question only together with its branch condition",
        in_words(rb, when)
    )
}

/// Explains a condition that no answers can make true, naming the clashing tests.
fn contradiction(rb: &RuleBase, when: &Condition, budget: &mut Budget) -> String {
    if let Condition::All(list) = when {
        if let Some(c) = list.iter().find(|c| impossible(rb, c, budget)) {
            return format!(
                "`{}` can never be true; compare with a value the question's answers can take",
                in_words(rb, c)
            );
        }
        for (i, a) in list.iter().enumerate() {
            if budget.left() == 0 {
                break;
            }
            for b in &list[i + 1..] {
                let pair = Condition::All(vec![a.clone(), b.clone()]);
                if impossible(rb, &pair, budget) {
                    return format!(
                        "`{}` and `{}` cannot both be true; keep the test you mean, or use `any` if either should do",
                        in_words(rb, a),
                        in_words(rb, b)
                    );
                }
            }
        }
    }
    format!(
        "no answers make `{}` true; remove the tests that contradict each other",
        in_words(rb, when)
    )
}

fn duplicate_rules(rb: &RuleBase, out: &mut Vec<Finding>) {
    for (j, later) in rb.rules.iter().enumerate() {
        let Some((i, earlier)) = rb.rules[..j].iter().enumerate().find(|(_, r)| {
            r.when == later.when
                && match (&r.then, &later.then) {
                    (
                        Conclusion::Evidence { cause: a, .. },
                        Conclusion::Evidence { cause: b, .. },
                    ) => a == b,
                    (Conclusion::Escalate(a), Conclusion::Escalate(b)) => a.level == b.level,
                    _ => false,
                }
        }) else {
            continue;
        };
        let message = match (&earlier.then, &later.then) {
            (Conclusion::Evidence { .. }, _) if earlier.then == later.then => format!(
                "same condition and conclusion as rule `{}` (/rules/{i}), so the same answers would count twice; delete one and merge their sources",
                earlier.id
            ),
            _ if earlier.then == later.then => format!(
                "same condition and conclusion as rule `{}` (/rules/{i}), so a report would give the same reason twice; delete one and merge their sources",
                earlier.id
            ),
            (
                Conclusion::Evidence { strength: a, .. },
                Conclusion::Evidence { strength: b, .. },
            ) => format!(
                "same condition and cause as rule `{}` (/rules/{i}), with strength {b} against {a}, so the same answers would count twice; keep one rule with the strength you mean",
                earlier.id
            ),
            _ => format!(
                "same condition and level as rule `{}` (/rules/{i}), so one answer would give two reasons; keep one rule and merge the reasons",
                earlier.id
            ),
        };
        out.push(finding(
            Severity::Warning,
            &rb.files.rules,
            format!("/rules/{j}"),
            format!("rule `{}`", later.id),
            message,
        ));
    }
}

fn uncited_sources(rb: &RuleBase, out: &mut Vec<Finding>) {
    for (si, s) in rb.sources.iter().enumerate() {
        let cited = rb.causes.iter().any(|c| c.sources.contains(&si))
            || rb.strategies.iter().any(|x| x.sources.contains(&si))
            || rb.levels.iter().any(|l| l.sources.contains(&si))
            || rb.rules.iter().any(|r| r.sources.contains(&si))
            || rb
                .left_out
                .iter()
                .any(|l| l.source == si || l.see.contains(&si))
            || rb
                .unanswered
                .as_ref()
                .is_some_and(|u| u.sources.contains(&si))
            || rb
                .safety_net
                .as_ref()
                .is_some_and(|n| n.sources.contains(&si))
            || rb.run_today.as_ref().is_some_and(|r| {
                r.spike_sources.contains(&si)
                    || r.plan.sources.contains(&si)
                    || r.decisions.iter().any(|d| d.sources.contains(&si))
                    || r.plan.steps.iter().any(|s| s.sources.contains(&si))
            });
        if cited {
            continue;
        }
        out.push(finding(
            Severity::Warning,
            &rb.files.sources,
            format!("/sources/{si}"),
            format!("source `{}`", s.id),
            "nothing cites this source; cite it where it supports a cause, strategy, level or rule, or remove it".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebase::load::{FILE_NAMES, RuleFile, load};

    const QUESTIONNAIRE: &str = r#"{ "sections": [ { "id": "s", "title": "S", "questions": [
        { "id": "alarm", "label": "Alarm", "text": "Alarm?", "type": "yes_no" },
        { "id": "runs", "label": "Runs", "text": "Runs?", "type": "number", "unit": "runs", "min": 0, "max": 14 },
        { "id": "shoes", "label": "Shoes", "text": "Shoes?", "type": "single",
          "options": [ { "value": "new", "label": "New" }, { "value": "old", "label": "Old" } ] },
        { "id": "shoe_pain", "label": "Shoe pain", "text": "Hurts in old shoes?", "type": "yes_no",
          "ask_if": { "equals": { "question": "shoes", "value": "old" } } }
    ] } ] }"#;

    const CAUSES: &str = r#"{ "causes": [
        { "id": "worn", "title": "Worn", "summary": "Old shoes.", "strategies": ["new_shoes"], "sources": ["g"] }
    ] }"#;

    const SOURCES: &str =
        r#"{ "sources": [ { "id": "g", "title": "Guide", "kind": "guideline" } ] }"#;
    const STRATEGIES: &str = r#"{ "strategies": [ { "id": "new_shoes", "title": "New shoes", "how_to": "Buy some.", "sources": ["g"] } ] }"#;
    const ESCALATION: &str = r#"{ "disclaimer": "Not a diagnosis.", "levels": [
        { "id": "urgent", "title": "Urgent", "action": "Go.", "sources": ["g"] },
        { "id": "routine", "title": "Routine", "action": "Wait.", "sources": ["g"] } ] }"#;

    /// A rule base from the files given, the rest from a small valid one.
    fn base(questionnaire: &str, causes: &str, rules: &str) -> RuleBase {
        load_texts([
            SOURCES,
            questionnaire,
            causes,
            STRATEGIES,
            ESCALATION,
            rules,
        ])
    }

    fn load_texts(texts: [&str; 6]) -> RuleBase {
        let files = std::array::from_fn(|i| RuleFile {
            name: FILE_NAMES[i].to_string(),
            text: texts[i].to_string(),
        });
        load("test".into(), files).expect("the test rule base loads")
    }

    fn rule(id: &str, when: &str, then: &str) -> String {
        format!(r#"{{ "id": "{id}", "when": {when}, "then": {then}, "sources": ["g"] }}"#)
    }

    const ALARM: &str = r#"{ "equals": { "question": "alarm", "value": "yes" } }"#;
    const URGENT: &str = r#"{ "escalate": { "level": "urgent", "reason": "Alarm." } }"#;
    const WORN: &str = r#"{ "evidence": { "cause": "worn", "strength": 0.5 } }"#;

    /// The rules every test starts from: each question read, each cause and level reached.
    fn clean_rules(extra: &[String]) -> String {
        let mut rules = vec![
            rule("alarm", ALARM, URGENT),
            rule(
                "old",
                r#"{ "all": [ { "equals": { "question": "shoe_pain", "value": "yes" } }, { "at_least": { "question": "runs", "value": 3 } } ] }"#,
                WORN,
            ),
        ];
        rules.extend_from_slice(extra);
        format!(r#"{{ "rules": [ {} ] }}"#, rules.join(", "))
    }

    fn messages(rb: &RuleBase) -> Vec<String> {
        lint(rb).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_rule_base_that_uses_everything_is_clean() {
        assert_eq!(
            messages(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[]))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn equals_two_values_of_one_single_choice_can_never_fire() {
        let contradiction = rule(
            "both",
            r#"{ "all": [ { "equals": { "question": "shoes", "value": "new" } }, { "equals": { "question": "shoes", "value": "old" } } ] }"#,
            WORN,
        );
        let found = lint(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[contradiction])));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].location, "/rules/2/when");
        assert_eq!(
            found[0].message,
            "this rule can never fire: `shoes is new` and `shoes is old` cannot both be true; keep the test you mean, or use `any` if either should do"
        );
    }

    #[test]
    fn an_escalation_rule_that_can_never_fire_is_an_error() {
        let never = rule(
            "impossible",
            r#"{ "all": [ { "less_than": { "question": "runs", "value": 3 } }, { "greater_than": { "question": "runs", "value": 5 } } ] }"#,
            URGENT,
        );
        let found = lint(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[never])));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert!(
            found[0]
                .message
                .contains("`runs less than 3` and `runs greater than 5` cannot both be true"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_test_outside_the_range_of_its_question_is_named() {
        let never = rule(
            "too_many",
            r#"{ "all": [ { "equals": { "question": "alarm", "value": "no" } }, { "at_least": { "question": "runs", "value": 20 } } ] }"#,
            WORN,
        );
        let found = lint(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[never])));
        assert!(
            found[0]
                .message
                .contains("`runs at least 20` can never be true"),
            "{found:?}"
        );
    }

    #[test]
    fn reading_a_question_under_a_contradicting_branch_has_its_own_message() {
        let branch = rule(
            "new_shoes_hurt",
            r#"{ "all": [ { "equals": { "question": "shoes", "value": "new" } }, { "equals": { "question": "shoe_pain", "value": "yes" } } ] }"#,
            WORN,
        );
        let found = lint(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[branch])));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "this rule can never fire: it reads `shoe_pain`, which is asked only if shoes is old, and the rest of the condition rules that out; test the question only together with its branch condition, or drop the contradicting test"
        );
    }

    #[test]
    fn duplicates_are_reported_on_the_later_rule() {
        let again = rule("alarm_again", ALARM, URGENT);
        let found = messages(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[again])));
        assert_eq!(
            found,
            [
                "warning: rules.json:/rules/2: rule `alarm_again`: same condition and conclusion as rule `alarm` (/rules/0), so a report would give the same reason twice; delete one and merge their sources"
            ]
        );
        let stronger = rule(
            "old_again",
            r#"{ "all": [ { "equals": { "question": "shoe_pain", "value": "yes" } }, { "at_least": { "question": "runs", "value": 3 } } ] }"#,
            r#"{ "evidence": { "cause": "worn", "strength": 0.8 } }"#,
        );
        let found = messages(&base(QUESTIONNAIRE, CAUSES, &clean_rules(&[stronger])));
        assert!(
            found[0].contains("with strength 0.8 against 0.5"),
            "{found:?}"
        );
    }

    #[test]
    fn a_training_figure_or_kind_no_log_gives_is_a_warning() {
        let questionnaire = QUESTIONNAIRE.replace(
            r#"{ "id": "alarm","#,
            r#"{ "id": "km", "label": "Km", "text": "Km?", "type": "number", "unit": "km", "min": 0, "max": 300, "informational": true, "from_training": {"figure": "weekly_kms"} },
        { "id": "other", "label": "Other", "text": "Other?", "type": "multi", "informational": true,
          "options": [{"value": "swim", "label": "Swim"}, {"value": "row", "label": "Row"}],
          "from_training": {"figure": "cross_training_kinds", "kinds": {"swimming": "swim", "rowing": "row"}} },
        { "id": "alarm","#,
        );
        let found = messages(&base(&questionnaire, CAUSES, &clean_rules(&[])));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].contains("question `km`: no training log gives a figure `weekly_kms`"),
            "{found:?}"
        );
        assert!(
            found[1].contains("question `other`: no training log lists the kind `rowing`"),
            "{found:?}"
        );
    }

    #[test]
    fn unused_knowledge_is_listed_with_what_would_be_right() {
        let causes = r#"{ "causes": [
            { "id": "worn", "title": "Worn", "summary": "Old shoes.", "strategies": ["new_shoes"], "sources": ["g"] },
            { "id": "ghost", "title": "Ghost", "summary": "Never named.", "strategies": [], "sources": ["g"] }
        ] }"#;
        let questionnaire = QUESTIONNAIRE.replace(
            r#"{ "id": "alarm","#,
            r#"{ "id": "mood", "label": "Mood", "text": "Mood?", "type": "yes_no" },
        { "id": "note", "label": "Note", "text": "Note?", "type": "yes_no", "informational": true },
        { "id": "alarm","#,
        );
        let found = messages(&base(&questionnaire, causes, &clean_rules(&[])));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("warning: questionnaire.json:/sections/0/questions/0: question `mood`: no rule or `ask_if` reads this question"), "{found:?}");
        assert!(found[1].starts_with("warning: causes.json:/causes/1: cause `ghost`: no rule gives evidence for this cause"), "{found:?}");
    }

    #[test]
    fn a_question_marked_informational_but_read_is_flagged() {
        let questionnaire = QUESTIONNAIRE.replace(
            r#""text": "Alarm?", "type": "yes_no" }"#,
            r#""text": "Alarm?", "type": "yes_no", "informational": true }"#,
        );
        let found = messages(&base(&questionnaire, CAUSES, &clean_rules(&[])));
        assert_eq!(
            found,
            [
                "warning: questionnaire.json:/sections/0/questions/0/informational: question `alarm`: marked informational, but rule `alarm` reads it; remove `\"informational\": true`"
            ]
        );
    }

    #[test]
    fn strategies_levels_and_sources_nothing_uses_are_listed() {
        let sources = r#"{ "sources": [ { "id": "g", "title": "Guide", "kind": "guideline" },
            { "id": "unread", "title": "Unread", "kind": "article" } ] }"#;
        let strategies = STRATEGIES.replace(
            "} ] }",
            r#"}, { "id": "rest", "title": "Rest", "how_to": "Rest.", "sources": ["g"] } ] }"#,
        );
        let escalation = ESCALATION.replace(
            r#"{ "id": "routine""#,
            r#"{ "id": "soon", "title": "Soon", "action": "Book.", "sources": ["g"] },
            { "id": "routine""#,
        );
        let rb = load_texts([
            sources,
            QUESTIONNAIRE,
            CAUSES,
            &strategies,
            &escalation,
            &clean_rules(&[]),
        ]);
        let found = messages(&rb);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("warning: strategies.json:/strategies/1: strategy `rest`: no cause lists this strategy"), "{found:?}");
        assert!(found[1].starts_with("warning: escalation.json:/levels/1: level `soon`: no rule or cause raises this level"), "{found:?}");
        assert!(
            found[2].starts_with(
                "warning: sources.json:/sources/1: source `unread`: nothing cites this source"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_branch_that_can_never_hold_means_the_question_is_never_asked() {
        let questionnaire = QUESTIONNAIRE.replace(
            r#""ask_if": { "equals": { "question": "shoes", "value": "old" } }"#,
            r#""ask_if": { "all": [ { "equals": { "question": "shoes", "value": "old" } }, { "unanswered": "shoes" } ] }"#,
        );
        let found = messages(&base(&questionnaire, CAUSES, &clean_rules(&[])));
        assert!(found[0].starts_with("warning: questionnaire.json:/sections/0/questions/3/ask_if: question `shoe_pain`: its `ask_if` can never hold"), "{found:?}");
        // The rule that reads it and the cause only it reaches follow from that.
        assert!(
            found
                .iter()
                .any(|f| f.contains("rule `old`: this rule can never fire")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|f| f.contains(
                "cause `worn`: no report can name it: the rules for it (`old`) can never fire"
            )),
            "{found:?}"
        );
    }

    /// The questionnaire above with `k` more single choices `q1`..`qk` (a, b, c), each
    /// read by the rules the tests below add.
    fn wide_questionnaire(k: usize) -> String {
        let extra: Vec<String> = (1..=k)
            .map(|i| {
                format!(
                    r#"{{ "id": "q{i}", "label": "Q{i}", "text": "Q{i}?", "type": "single", "options": [ {{ "value": "a", "label": "A" }}, {{ "value": "b", "label": "B" }}, {{ "value": "c", "label": "C" }} ] }}"#
                )
            })
            .collect();
        QUESTIONNAIRE.replace(
            r#"{ "id": "alarm","#,
            &format!(r#"{}, {{ "id": "alarm","#, extra.join(", ")),
        )
    }

    /// `any(qi = a, qi = b)` for i in 1..=k: a choice about each question, 2^k in all.
    fn choices(k: usize) -> Vec<String> {
        (1..=k)
            .map(|i| {
                format!(
                    r#"{{ "any": [ {{ "equals": {{ "question": "q{i}", "value": "a" }} }}, {{ "equals": {{ "question": "q{i}", "value": "b" }} }} ] }}"#
                )
            })
            .collect()
    }

    const NEW: &str = r#"{ "equals": { "question": "shoes", "value": "new" } }"#;
    const OLD: &str = r#"{ "equals": { "question": "shoes", "value": "old" } }"#;

    #[test]
    fn a_contradiction_before_thirty_choices_is_found_without_trying_them() {
        // all(contradiction, any(q1=a, q1=b), ..., any(q30=a, q30=b)): the search used to
        // try all 2^30 combinations of the choices before meeting the contradiction.
        let mut parts = vec![format!(r#"{{ "all": [ {NEW}, {OLD} ] }}"#)];
        parts.extend(choices(30));
        let tangled = rule(
            "tangled",
            &format!(r#"{{ "all": [ {} ] }}"#, parts.join(", ")),
            WORN,
        );
        let found = messages(&base(
            &wide_questionnaire(30),
            CAUSES,
            &clean_rules(&[tangled]),
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("warning: rules.json:/rules/2/when: rule `tangled`: this rule can never fire: `shoes is new and shoes is old` can never be true"),
            "{found:?}"
        );
    }

    #[test]
    fn a_contradiction_in_a_choice_after_thirty_choices_is_found_once_not_per_combination() {
        // The first choice fails whichever way the thirty after it go, and is tried last
        // (depth first, the last choice first): that it fails is learnt once.
        let mut parts = choices(30);
        parts.insert(0, format!(
            r#"{{ "any": [ {{ "all": [ {NEW}, {OLD} ] }}, {{ "all": [ {{ "less_than": {{ "question": "runs", "value": 3 }} }}, {{ "greater_than": {{ "question": "runs", "value": 5 }} }} ] }} ] }}"#
        ));
        let tangled = rule(
            "hidden",
            &format!(r#"{{ "all": [ {} ] }}"#, parts.join(", ")),
            WORN,
        );
        let found = messages(&base(
            &wide_questionnaire(30),
            CAUSES,
            &clean_rules(&[tangled]),
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("rule `hidden`: this rule can never fire: `(shoes is new and shoes is old) or (runs less than 3 and runs greater than 5)` can never be true"),
            "{found:?}"
        );
    }

    #[test]
    fn a_rule_too_tangled_for_its_budget_is_a_warning_not_a_verdict() {
        let mut parts = choices(12);
        parts.push(OLD.to_string());
        let tangled = rule(
            "tangled",
            &format!(r#"{{ "all": [ {} ] }}"#, parts.join(", ")),
            URGENT,
        );
        let rb = base(&wide_questionnaire(12), CAUSES, &clean_rules(&[tangled]));
        assert_eq!(messages(&rb), Vec::<String>::new(), "it can fire");
        let found = lint_within(&rb, Budget::steps(20));
        let tangled: Vec<_> = found
            .iter()
            .filter(|f| f.item.as_deref() == Some("rule `tangled`"))
            .collect();
        assert_eq!(tangled.len(), 1, "{found:?}");
        assert_eq!(tangled[0].severity, Severity::Warning);
        assert_eq!(
            tangled[0].message,
            "could not decide whether this rule can fire; simplify it (split it into smaller rules, or take out tests that repeat or cannot matter)"
        );
        assert!(
            !found.iter().any(|f| f.message.contains("can never")),
            "nothing is claimed impossible for want of budget: {found:?}"
        );
    }

    #[test]
    fn the_shipped_rule_base_is_clean() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        assert_eq!(messages(&rb), Vec::<String>::new());
    }
}
