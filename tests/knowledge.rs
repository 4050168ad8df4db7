//! The shipped rule base against the project's knowledge inventory and its safety promises.

use runback::answers::Answers;
use runback::check::knowledge::table_ids as knowledge_ids;
use runback::engine::satisfy::satisfy;
use runback::engine::{self, Assessment};
use runback::rulebase::{Conclusion, RuleBase, embedded};

/// Cause ids from KNOWLEDGE.md: the stable public ids.
const CAUSES: [&str; 15] = [
    "poor_posture",
    "weak_core",
    "poor_hip_mobility",
    "weak_hips_knee_collapse",
    "muscle_imbalance",
    "asymmetric_gait",
    "overstriding",
    "footwear",
    "overtraining",
    "muscle_strain",
    "hill_training",
    "sedentary_posture",
    "no_warmup_cooldown",
    "leg_length_asymmetry",
    "spinal_condition",
];

/// Strategy ids from KNOWLEDGE.md.
const STRATEGIES: [&str; 16] = [
    "core_strength",
    "glute_hip_strength",
    "hip_mobility_work",
    "hamstring_stretching",
    "upright_form",
    "shorter_strides",
    "gait_assessment",
    "footwear_review",
    "load_management",
    "pause_hills",
    "cross_training",
    "warmup_cooldown",
    "soft_tissue",
    "ice_heat",
    "mobility_strength_routine",
    "professional_assessment",
];

/// Escalation levels from KNOWLEDGE.md, most urgent first.
const LEVELS: [&str; 4] = ["emergency", "urgent", "soon", "routine"];

/// Document ids from KNOWLEDGE.md: the five articles every claim goes back to.
const DOCUMENTS: [&str; 5] = ["seed-000", "seed-001", "seed-002", "seed-003", "seed-004"];

fn shipped() -> RuleBase {
    embedded::shipped().expect("the shipped rule base is valid")
}

fn level<'a>(a: &Assessment<'a>) -> &'a str {
    &a.rules.levels[a.escalation.level].id
}

fn fixture(name: &str, rb: &RuleBase) -> Answers {
    let path = format!("tests/fixtures/answers/{name}.json");
    let text = std::fs::read_to_string(&path).unwrap();
    Answers::parse(&text, &path, &rb.questionnaire).unwrap()
}

/// The lists above are the project's own copy of the inventory's ids, so a plain clone
/// checks the rule base against them; where the inventory itself is at hand (beside the
/// repository, or named by `RUNBACK_KNOWLEDGE`), the copy must still match it. CI sets
/// `RUNBACK_REQUIRE_KNOWLEDGE` where the inventory must be found.
#[test]
fn the_id_lists_here_match_knowledge_md_when_it_is_at_hand() {
    let path =
        std::env::var("RUNBACK_KNOWLEDGE").unwrap_or_else(|_| "../shared/KNOWLEDGE.md".into());
    let Ok(md) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("RUNBACK_REQUIRE_KNOWLEDGE").is_none(),
            "{path} is required here"
        );
        eprintln!("skipped: {path} is not here; the copies in tests/knowledge.rs are checked");
        return;
    };
    assert_eq!(knowledge_ids(&md, "Documents"), DOCUMENTS, "{path}");
    assert_eq!(knowledge_ids(&md, "Likely causes"), CAUSES, "{path}");
    assert_eq!(
        knowledge_ids(&md, "Relief strategies"),
        STRATEGIES,
        "{path}"
    );
    assert_eq!(knowledge_ids(&md, "Escalation"), LEVELS, "{path}");
}

#[test]
fn the_inventory_reader_finds_each_table_of_the_copy_in_the_project() {
    // tests/fixtures/knowledge.md has the inventory's layout; the reader must find all
    // four tables in it, or the comparison above could pass by reading nothing.
    let md = std::fs::read_to_string("tests/fixtures/knowledge.md").unwrap();
    assert_eq!(knowledge_ids(&md, "Documents"), ["guide-1"]);
    assert_eq!(
        knowledge_ids(&md, "Likely causes"),
        ["worn_shoes", "too_much", "hill_training"]
    );
    assert_eq!(
        knowledge_ids(&md, "Relief strategies"),
        ["new_shoes", "rest"]
    );
    assert_eq!(knowledge_ids(&md, "Escalation"), ["urgent", "routine"]);
}

#[test]
fn every_inventory_id_is_in_the_rule_base_in_order_of_urgency() {
    let rb = shipped();
    let causes: Vec<&str> = rb.causes.iter().map(|c| c.id.as_str()).collect();
    let strategies: Vec<&str> = rb.strategies.iter().map(|s| s.id.as_str()).collect();
    let levels: Vec<&str> = rb.levels.iter().map(|l| l.id.as_str()).collect();
    for id in CAUSES {
        assert!(causes.contains(&id), "cause {id} is missing");
    }
    for id in STRATEGIES {
        assert!(strategies.contains(&id), "strategy {id} is missing");
    }
    let sources: Vec<&str> = rb.sources.iter().map(|s| s.id.as_str()).collect();
    for id in DOCUMENTS {
        assert!(sources.contains(&id), "source {id} is missing");
    }
    assert_eq!(levels, LEVELS);
}

#[test]
fn every_cause_is_reachable_by_some_answer_set() {
    let rb = shipped();
    for id in CAUSES {
        let ci = rb.causes.iter().position(|c| c.id == id).unwrap();
        let reached = rb.rules.iter().any(|rule| match rule.then {
            Conclusion::Evidence { cause, strength } if cause == ci && strength > 0.0 => {
                satisfy(&rb, &rule.when).is_some_and(|answers| {
                    engine::assess(&rb, &answers)
                        .causes
                        .iter()
                        .any(|f| f.cause == ci)
                })
            }
            _ => false,
        });
        assert!(reached, "no answer set reaches cause {id}");
    }
}

#[test]
fn every_escalation_level_is_reachable_and_lands_on_that_level_or_higher() {
    let rb = shipped();
    for (li, id) in LEVELS.iter().enumerate() {
        let mut reached = false;
        for rule in &rb.rules {
            let Conclusion::Escalate(e) = &rule.then else {
                continue;
            };
            if e.level != li {
                continue;
            }
            let witness = satisfy(&rb, &rule.when)
                .unwrap_or_else(|| panic!("rule {} can never fire", rule.id));
            // Laid over a complete, harmless answer set, so that questions the witness
            // leaves empty do not raise the level on their own.
            let mut answers = fixture("routine", &rb);
            for q in 0..rb.questionnaire.questions.len() {
                if let Some(v) = witness.get(q) {
                    answers.set(q, Some(v));
                }
            }
            // A check-in's rules are weighed at a check-in.
            let phase = if rule.checkin {
                engine::Phase::Checkin
            } else {
                engine::Phase::Assessment
            };
            let a = engine::evaluate(&rb, &answers, phase);
            assert!(
                a.escalation.level <= li,
                "rule {} fired but the report says {}",
                rule.id,
                level(&a)
            );
            reached |= a.escalation.level == li;
        }
        if li == rb.default_level() {
            // The default level needs no rule: a complete, harmless answer set lands on it.
            let a = engine::assess(&rb, &fixture("routine", &rb));
            reached |= a.escalation.level == li;
        }
        assert!(reached, "no answer set yields level {id}");
    }
}

#[test]
fn each_level_fixture_yields_its_level() {
    let rb = shipped();
    for id in LEVELS {
        let a = engine::assess(&rb, &fixture(id, &rb));
        assert_eq!(level(&a), id, "fixture {id}.json");
    }
}

#[test]
fn an_empty_and_a_full_answer_set_both_carry_an_escalation_with_an_action() {
    let rb = shipped();
    for answers in [Answers::none(&rb.questionnaire), fixture("full", &rb)] {
        let a = engine::assess(&rb, &answers);
        assert!(a.escalation.level < rb.levels.len());
        assert!(!rb.levels[a.escalation.level].action.is_empty());
    }
    let empty = engine::assess(&rb, &Answers::none(&rb.questionnaire));
    assert_eq!(
        level(&empty),
        "urgent",
        "unanswered emergency signs count as 'not sure': a doctor today"
    );
    assert!(
        !empty.not_checked.is_empty(),
        "an empty answer set says that the warning signs were not checked"
    );
}

#[test]
fn an_emergency_answer_wins_over_any_other_answers() {
    let rb = shipped();
    let full = fixture("full", &rb);
    for rule in &rb.rules {
        let Conclusion::Escalate(e) = &rule.then else {
            continue;
        };
        if e.level != 0 {
            continue;
        }
        // The red flag on top of a full, otherwise ordinary answer set.
        let witness = satisfy(&rb, &rule.when).unwrap();
        let mut answers = full.clone();
        for q in 0..rb.questionnaire.questions.len() {
            if let Some(v) = witness.get(q) {
                answers.set(q, Some(v));
            }
        }
        let a = engine::assess(&rb, &answers);
        assert_eq!(level(&a), "emergency", "rule {}", rule.id);
        assert_eq!(
            a.escalation.reasons[0].level, 0,
            "the emergency reason is listed first"
        );
    }
}

#[test]
fn a_structural_condition_is_never_reported_without_a_professional() {
    let rb = shipped();
    let ci = rb
        .causes
        .iter()
        .position(|c| c.id == "spinal_condition")
        .unwrap();
    let soon = rb.levels.iter().position(|l| l.id == "soon").unwrap();
    let mut checked = 0;
    for rule in &rb.rules {
        if !matches!(rule.then, Conclusion::Evidence { cause, strength } if cause == ci && strength > 0.0)
        {
            continue;
        }
        let answers = satisfy(&rb, &rule.when)
            .unwrap_or_else(|| panic!("rule {} for the structural cause can never fire", rule.id));
        let a = engine::assess(&rb, &answers);
        if a.causes.iter().any(|f| f.cause == ci) {
            assert!(
                a.escalation.level <= soon,
                "rule {}: level {}",
                rule.id,
                level(&a)
            );
            checked += 1;
        }
    }
    // Every rule for the cause is tried; at least one must bring it into a report, or
    // this test would check nothing.
    assert!(checked > 0, "no answer set reported the structural cause");
}
