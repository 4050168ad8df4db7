//! The flow over the shipped questionnaire, answered by a runner who knows their answers.

use super::*;
use crate::interactive::replay::Replay;
use crate::rulebase::embedded;

fn example(rules: &RuleBase) -> Answers {
    let text = std::fs::read_to_string("examples/answers.json").unwrap();
    Answers::parse(&text, "examples/answers.json", &rules.questionnaire).unwrap()
}

fn run_with(rules: &RuleBase, truth: &Answers, scope: Scope) -> (Outcome, Vec<String>) {
    let mut runner = Replay::new(&rules.questionnaire, truth);
    let start = Answers::none(&rules.questionnaire);
    let outcome = run(rules, &mut runner, start, scope, &mut |_| {}).unwrap();
    (outcome, runner.screens)
}

#[test]
fn every_question_on_the_clinician_summary_that_applies_is_asked_in_the_short_part() {
    // A physiotherapist reads the summary whatever the advice: "Weekly distance: not
    // answered" for a runner who knows it is a question never asked.
    let rules = embedded::shipped().unwrap();
    let truth = example(&rules);
    let (outcome, screens) = run_with(&rules, &truth, Scope::Short);
    let (answers, applies) = engine::applicable(&rules, outcome.answers());
    for (q, question) in rules.questionnaire.questions.iter().enumerate() {
        let refines = rules.questionnaire.refines(q);
        if question.summary && applies[q] && !refines && question.retired.is_none() {
            let asked = screens.iter().any(|s| {
                *s == question.id
                    || rules
                        .questionnaire
                        .checklist_of(q)
                        .is_some_and(|c| *s == c.id)
            });
            assert!(asked, "{} was not asked: {screens:?}", question.id);
            assert_eq!(answers.get(q), truth.get(q), "{}", question.id);
        }
    }
}

/// A runner who answers from `inner`, and goes back `times` screens once, at the
/// screen numbered `at`.
struct GoesBack<'a> {
    inner: Replay<'a>,
    at: usize,
    times: usize,
    shown: Vec<Progress>,
}

impl GoesBack<'_> {
    fn back(&mut self, p: Progress) -> bool {
        self.shown.push(p);
        if p.screen == self.at && self.times > 0 {
            self.times -= 1;
            self.at -= 1;
            return true;
        }
        false
    }
}

impl Prompter for GoesBack<'_> {
    fn welcome(&mut self, w: Welcome) -> Result<(), PromptError> {
        self.inner.welcome(w)
    }
    fn section(&mut self, s: &Section) -> Result<(), PromptError> {
        self.inner.section(s)
    }
    fn ask(
        &mut self,
        q: &Question,
        s: &Section,
        c: Option<Value>,
        p: Progress,
    ) -> Result<Reply, PromptError> {
        if self.back(p) {
            return Ok(Reply::Back);
        }
        self.inner.ask(q, s, c, p)
    }
    fn checklist(
        &mut self,
        c: &Checklist,
        s: &Section,
        l: &[String],
        t: &Ticks,
        p: Progress,
    ) -> Result<ChecklistReply, PromptError> {
        if self.back(p) {
            return Ok(ChecklistReply::Back);
        }
        self.inner.checklist(c, s, l, t, p)
    }
    fn notice(&mut self, t: &str) -> Result<(), PromptError> {
        self.inner.notice(t)
    }
    fn emergency(
        &mut self,
        l: &Level,
        r: &[&str],
        a: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError> {
        self.inner.emergency(l, r, a)
    }
    fn review(&mut self, i: &[ReviewItem], f: usize) -> Result<ReviewChoice, PromptError> {
        self.inner.review(i, f)
    }
}

#[test]
fn going_back_keeps_the_screens_answered_after_it_in_the_total() {
    let rules = embedded::shipped().unwrap();
    let truth = example(&rules);
    let mut runner = GoesBack {
        inner: Replay::new(&rules.questionnaire, &truth),
        at: 20,
        times: 19,
        shown: Vec::new(),
    };
    let start = Answers::none(&rules.questionnaire);
    run(&rules, &mut runner, start, Scope::Short, &mut |_| {}).unwrap();
    let furthest = runner.shown.iter().map(|p| p.screen).max().unwrap();
    let back_at_one = runner
        .shown
        .iter()
        .rposition(|p| p.screen == 1)
        .filter(|&i| i > 0)
        .unwrap_or_else(|| panic!("went back to the first screen: {:?}", runner.shown));
    for p in &runner.shown[back_at_one..] {
        assert!(
            p.screens >= furthest,
            "after going back the total fell below the {furthest} screens already seen: {:?}",
            runner.shown
        );
    }
}

#[test]
fn the_count_on_screen_goes_up_by_one_and_its_total_never_jumps_up() {
    let rules = embedded::shipped().unwrap();
    let mut sets = vec![example(&rules)];
    for entry in std::fs::read_dir("tests/clinical").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            sets.push(Answers::parse(&text, "", &rules.questionnaire).unwrap());
        }
    }
    for (n, truth) in sets.iter().enumerate() {
        for scope in [Scope::Short, Scope::Full] {
            let mut runner = Replay::new(&rules.questionnaire, truth);
            let start = Answers::none(&rules.questionnaire);
            run(&rules, &mut runner, start, scope, &mut |_| {}).unwrap();
            for (i, pair) in runner.progress.windows(2).enumerate() {
                let (before, after) = (pair[0], pair[1]);
                assert_eq!(
                    after.screen,
                    before.screen + 1,
                    "set {n}, {scope:?}, screen {i}: {:?}",
                    runner.progress
                );
                assert!(
                    after.screens <= before.screens.max(after.screen),
                    "set {n}, {scope:?}: the total jumped up: {:?}",
                    runner.progress
                );
            }
        }
    }
}

#[test]
fn the_short_part_asks_every_warning_sign_first_and_none_of_the_self_tests() {
    let rules = embedded::shipped().unwrap();
    let (outcome, screens) = run_with(&rules, &example(&rules), Scope::Short);
    assert!(matches!(outcome, Outcome::Report(_)));
    assert!(
        screens.len() <= 27,
        "{} screens: {screens:?}",
        screens.len()
    );
    assert_eq!(
        &screens[1..7],
        [
            "emergency_signs",
            "rf_leg_weakness",
            "same_day_signs",
            "age",
            "back_history",
            "health_history"
        ]
    );
    for q in &screens {
        if let Some(i) = rules.questionnaire.find(q) {
            assert!(
                !rules.questionnaire.refines(i),
                "{q} needs a video or a self-test"
            );
        }
    }
    // What it skipped could not have changed the escalation.
    let full = engine::assess(&rules, &example(&rules));
    let short = engine::assess(&rules, outcome.answers());
    assert_eq!(short.escalation.level, full.escalation.level);
}

#[test]
fn refining_asks_only_the_self_tests_and_a_full_run_asks_everything() {
    let rules = embedded::shipped().unwrap();
    let truth = example(&rules);
    let (_, refine) = run_with(&rules, &truth, Scope::Refine);
    assert!(
        !refine.contains(&"welcome".to_string()),
        "no second welcome"
    );
    let asked: Vec<&String> = refine.iter().filter(|s| *s != "review").collect();
    assert!(!asked.is_empty());
    for q in asked {
        let i = rules.questionnaire.find(q).unwrap();
        assert!(rules.questionnaire.refines(i), "{q} is not a self-test");
    }
    let (_, full) = run_with(&rules, &truth, Scope::Full);
    assert!(full.contains(&"plank_seconds".to_string()));
    assert!(
        full.contains(&"heavy_week".to_string()),
        "the full run asks what the short one skips"
    );
}

/// What a checklist's ticks answer, as the answer file would hold it.
fn ticked(rules: &RuleBase, checklist: &str, ticks: Ticks) -> Vec<(String, serde_json::Value)> {
    let checklist = rules
        .questionnaire
        .checklists
        .iter()
        .find(|c| c.id == checklist)
        .unwrap();
    let mut keep = |_: &Answers| {};
    let flow = Flow::new(
        rules,
        Answers::none(&rules.questionnaire),
        Scope::Short,
        None,
        &mut keep,
    );
    flow.checklist_answers(checklist, &ticks)
        .into_iter()
        .map(|(q, v)| {
            let question = &rules.questionnaire.questions[q];
            (
                question.id.to_string(),
                crate::answers::to_json(question, v.unwrap()),
            )
        })
        .collect()
}

#[test]
fn a_checklist_answers_each_of_its_questions() {
    let rules = embedded::shipped().unwrap();
    let answer = |list: &[(String, serde_json::Value)], id: &str| {
        list.iter().find(|(q, _)| q == id).unwrap().1.clone()
    };
    // Saddle numbness ticked: yes; the others, unticked, no.
    let some = ticked(
        &rules,
        "emergency_signs",
        Ticks {
            items: vec![0],
            none: false,
            unsure: false,
        },
    );
    assert_eq!(answer(&some, "rf_saddle_numbness"), "yes");
    assert_eq!(answer(&some, "rf_chest_pain"), "no");
    // "Not sure" with nothing ticked: every sign unsure.
    let unsure = ticked(
        &rules,
        "emergency_signs",
        Ticks {
            items: vec![],
            none: false,
            unsure: true,
        },
    );
    assert!(unsure.iter().all(|(_, v)| v == "unsure"), "{unsure:?}");
    // Chest pain ticked and "not sure": chest pain yes, the rest unsure.
    let both = ticked(
        &rules,
        "emergency_signs",
        Ticks {
            items: vec![4],
            none: false,
            unsure: true,
        },
    );
    assert_eq!(answer(&both, "rf_chest_pain"), "yes");
    assert_eq!(answer(&both, "rf_both_legs"), "unsure");
    // "None of these": every sign no.
    let none = ticked(
        &rules,
        "emergency_signs",
        Ticks {
            items: vec![],
            none: true,
            unsure: false,
        },
    );
    assert!(none.iter().all(|(_, v)| v == "no"), "{none:?}");
}

#[test]
fn a_checklist_item_of_a_multiple_choice_adds_its_value() {
    let rules = embedded::shipped().unwrap();
    let answer = |list: &[(String, serde_json::Value)], id: &str| {
        list.iter().find(|(q, _)| q == id).unwrap().1.clone()
    };
    let drugs_and_spine = ticked(
        &rules,
        "health_history",
        Ticks {
            items: vec![3, 5],
            none: false,
            unsure: false,
        },
    );
    assert_eq!(
        answer(&drugs_and_spine, "infection_risk"),
        serde_json::json!(["injecting_drugs", "spine_procedure"])
    );
    assert_eq!(answer(&drugs_and_spine, "cancer_history"), "no");
    let none = ticked(
        &rules,
        "health_history",
        Ticks {
            items: vec![],
            none: true,
            unsure: false,
        },
    );
    assert_eq!(answer(&none, "infection_risk"), serde_json::json!(["none"]));
}
