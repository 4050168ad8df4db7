//! The flow, driven by a scripted prompter over small rule bases (and the shipped one
//! where a checklist is needed).

use std::collections::VecDeque;

use super::*;
use crate::rulebase::{embedded, load_dir};

/// One scripted step: what the runner does at the next prompt.
#[derive(Debug, Clone)]
enum Step {
    /// At question `id`, reply.
    Ask(&'static str, Reply),
    Emergency(EmergencyChoice),
    Review(ReviewChoice),
    /// At checklist `id`, reply.
    Checklist(&'static str, ChecklistReply),
    /// Ctrl-C at the next prompt of any kind.
    CtrlC,
}

/// A prompter that follows a script and records what it was shown.
struct Script<'a> {
    rules: &'a RuleBase,
    steps: VecDeque<Step>,
    asked: Vec<(String, Option<Value>, Progress)>,
    sections: Vec<String>,
    reviews: Vec<Vec<ReviewItem>>,
    /// Checklists shown, with what was ticked on them at first.
    checklists: Vec<(String, Ticks)>,
    emergencies: Vec<Vec<ReviewItem>>,
    /// The level of each emergency screen shown, by id.
    levels: Vec<String>,
    notices: Vec<String>,
    /// Whether this is a check-in, which confirms any level at which the runner is seen
    /// first; an assessment confirms only the most urgent.
    checkin: bool,
}

impl<'a> Script<'a> {
    fn new(rules: &'a RuleBase, steps: Vec<Step>) -> Self {
        Script {
            rules,
            steps: steps.into(),
            asked: Vec::new(),
            sections: Vec::new(),
            reviews: Vec::new(),
            checklists: Vec::new(),
            emergencies: Vec::new(),
            levels: Vec::new(),
            notices: Vec::new(),
            checkin: false,
        }
    }

    fn checkin(rules: &'a RuleBase, steps: Vec<Step>) -> Self {
        Script {
            checkin: true,
            ..Script::new(rules, steps)
        }
    }

    fn next(&mut self, what: &str) -> Result<Step, PromptError> {
        match self.steps.pop_front() {
            Some(Step::CtrlC) => Err(PromptError::Interrupted),
            Some(step) => Ok(step),
            None => panic!("the script ran out at {what}"),
        }
    }

    fn asked_ids(&self) -> Vec<&str> {
        self.asked.iter().map(|(id, _, _)| id.as_str()).collect()
    }
}

impl Prompter for Script<'_> {
    fn welcome(&mut self, _: Welcome) -> Result<(), PromptError> {
        Ok(())
    }

    fn section(&mut self, section: &Section) -> Result<(), PromptError> {
        self.sections.push(section.id.to_string());
        Ok(())
    }

    fn checklist(
        &mut self,
        checklist: &Checklist,
        _: &Section,
        _: &[String],
        current: &Ticks,
        _: Progress,
    ) -> Result<ChecklistReply, PromptError> {
        self.checklists
            .push((checklist.id.to_string(), current.clone()));
        match self.next(&checklist.id)? {
            Step::Checklist(id, reply) => {
                assert_eq!(id, checklist.id, "the flow showed another checklist");
                Ok(reply)
            }
            other => panic!(
                "checklist {} shown but the script says {other:?}",
                checklist.id
            ),
        }
    }

    fn notice(&mut self, text: &str) -> Result<(), PromptError> {
        self.notices.push(text.to_string());
        Ok(())
    }

    fn ask(
        &mut self,
        question: &Question,
        _: &Section,
        current: Option<Value>,
        progress: Progress,
    ) -> Result<Reply, PromptError> {
        self.asked
            .push((question.id.to_string(), current, progress));
        match self.next(&question.id)? {
            Step::Ask(id, reply) => {
                assert_eq!(
                    id, question.id,
                    "the flow asked a different question than the script expects"
                );
                Ok(reply)
            }
            other => panic!("asked {} but the script says {other:?}", question.id),
        }
    }

    fn emergency(
        &mut self,
        level: &Level,
        reasons: &[&str],
        answers: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError> {
        if self.checkin {
            assert!(level.seen_first, "{} confirmed at a check-in", level.id);
        } else {
            assert_eq!(level.id, self.rules.levels[0].id);
        }
        self.levels.push(level.id.to_string());
        assert!(!reasons.is_empty(), "the emergency advice says why");
        assert!(
            !answers.is_empty(),
            "the confirmation names the answers behind it"
        );
        self.emergencies.push(answers.to_vec());
        match self.next("emergency")? {
            Step::Emergency(choice) => Ok(choice),
            other => panic!("emergency shown but the script says {other:?}"),
        }
    }

    fn review(&mut self, items: &[ReviewItem], _: usize) -> Result<ReviewChoice, PromptError> {
        self.reviews.push(items.to_vec());
        match self.next("review")? {
            Step::Review(choice) => Ok(choice),
            other => panic!("review shown but the script says {other:?}"),
        }
    }
}

fn minimal() -> RuleBase {
    load_dir(std::path::Path::new("tests/fixtures/rules/minimal")).unwrap()
}

const NO: Reply = Reply::Answer(Value::Choice(1));
const YES: Reply = Reply::Answer(Value::Choice(0));
const NEW: Reply = Reply::Answer(Value::Choice(0));
const OLD: Reply = Reply::Answer(Value::Choice(1));

/// Runs a script from no answers, keeping nothing on the side.
fn run_fresh(rules: &RuleBase, script: &mut Script) -> Outcome {
    run(
        rules,
        script,
        Answers::none(&rules.questionnaire),
        Scope::Full,
        &mut |_| {},
    )
    .unwrap()
}

fn runs(n: f64) -> Reply {
    Reply::Answer(Value::Number(n))
}

fn answer_of(rules: &RuleBase, outcome: &Outcome, id: &str) -> Option<Value> {
    let (Outcome::Report(a)
    | Outcome::Emergency(a)
    | Outcome::Stopped(a)
    | Outcome::Interrupted(a)) = outcome;
    a.get(rules.questionnaire.find(id).unwrap())
}

#[test]
fn a_full_run_asks_every_question_in_order_then_reviews() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(4.0)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", YES),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert!(matches!(outcome, Outcome::Report(_)));
    assert_eq!(
        answer_of(&rules, &outcome, "runs"),
        Some(Value::Number(4.0))
    );
    assert_eq!(
        answer_of(&rules, &outcome, "shoe_pain"),
        Some(Value::Choice(0))
    );
    assert_eq!(script.sections, ["only"], "a section header is shown once");
    assert_eq!(
        script.reviews[0].len(),
        4,
        "the review lists every question that applied"
    );
}

#[test]
fn a_follow_up_is_skipped_when_its_condition_does_not_hold_and_progress_adjusts() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", Reply::Skip),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert_eq!(script.asked_ids(), ["alarm", "runs", "shoes"]);
    assert_eq!(
        answer_of(&rules, &outcome, "runs"),
        None,
        "a skipped question stays unanswered"
    );
    // Three questions apply until shoes are old; then the follow-up adds a fourth.
    assert_eq!(
        script.asked[0].2,
        Progress {
            screen: 1,
            screens: 3
        }
    );

    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(1.0)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", NO),
            Step::Review(ReviewChoice::Done),
        ],
    );
    run_fresh(&rules, &mut script);
    assert_eq!(script.asked[3].2.screen, 4);
    assert_eq!(script.asked[3].2.screens, 4);
}

#[test]
fn going_back_offers_the_previous_answer_and_a_changed_branch_drops_later_answers() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(3.0)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", YES),
            // At the review, nothing left: go back through the review instead.
            Step::Review(ReviewChoice::Change(
                rules.questionnaire.find("runs").unwrap(),
            )),
            Step::Ask("runs", runs(5.0)),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert_eq!(
        answer_of(&rules, &outcome, "runs"),
        Some(Value::Number(5.0))
    );
    // Changed from the review, the question keeps its place: second of four.
    assert_eq!(
        script.asked[4].2,
        Progress {
            screen: 2,
            screens: 4
        }
    );

    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(3.0)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", YES),
            Step::Review(ReviewChoice::Change(
                rules.questionnaire.find("shoes").unwrap(),
            )),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert_eq!(
        answer_of(&rules, &outcome, "shoe_pain"),
        None,
        "the follow-up no longer applies"
    );
    assert_eq!(script.reviews[1].len(), 3);
}

#[test]
fn back_returns_to_the_previous_question_with_its_answer_as_default() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(3.0)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", Reply::Back),
            Step::Ask("shoes", Reply::Back),
            Step::Ask("runs", runs(6.0)),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    let shown: Vec<(&str, Option<Value>)> = script
        .asked
        .iter()
        .map(|(id, v, _)| (id.as_str(), *v))
        .collect();
    assert_eq!(
        shown[4],
        ("shoes", Some(Value::Choice(1))),
        "going back shows the earlier answer"
    );
    assert_eq!(shown[5], ("runs", Some(Value::Number(3.0))));
    assert_eq!(
        answer_of(&rules, &outcome, "runs"),
        Some(Value::Number(6.0))
    );
    assert_eq!(answer_of(&rules, &outcome, "shoe_pain"), None);
}

#[test]
fn every_change_is_reported_so_the_answers_can_be_kept_safe() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(2.0)),
            Step::Ask("shoes", OLD),
            Step::CtrlC,
        ],
    );
    let mut seen = Vec::new();
    let mut keep = |a: &Answers| seen.push(a.clone());
    run(
        &rules,
        &mut script,
        Answers::none(&rules.questionnaire),
        Scope::Full,
        &mut keep,
    )
    .unwrap();
    assert_eq!(seen.len(), 3, "one report per answer");
    let shoes = rules.questionnaire.find("shoes").unwrap();
    assert_eq!(
        seen[2].get(shoes),
        Some(Value::Choice(1)),
        "the last report has every answer so far"
    );
    assert_eq!(seen[0].get(shoes), None);
}

#[test]
fn back_at_the_first_question_stays_there() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", Reply::Back),
            Step::Ask("alarm", NO),
            Step::CtrlC,
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert!(matches!(outcome, Outcome::Interrupted(_)));
    assert_eq!(script.asked_ids(), ["alarm", "alarm", "runs"]);
}

#[test]
fn editing_at_the_review_asks_follow_ups_the_change_opens() {
    let rules = minimal();
    let shoes = rules.questionnaire.find("shoes").unwrap();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(2.0)),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Change(shoes)),
            Step::Ask("shoes", OLD),
            Step::Ask("shoe_pain", YES),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert_eq!(
        answer_of(&rules, &outcome, "shoe_pain"),
        Some(Value::Choice(0))
    );
    assert_eq!(script.reviews.len(), 2);
}

#[test]
fn an_emergency_answer_is_confirmed_on_its_own_screen_before_anything_else() {
    let rules = minimal();
    let alarm = rules.questionnaire.find("alarm").unwrap();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", YES),
            Step::Emergency(EmergencyChoice::Stop),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert!(matches!(outcome, Outcome::Stopped(_)));
    assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(0)));
    assert_eq!(
        script.emergencies[0][0].question, alarm,
        "the confirmation names the answer behind it"
    );

    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", YES),
            Step::Emergency(EmergencyChoice::Confirm),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert!(
        matches!(outcome, Outcome::Emergency(_)),
        "confirming goes straight to what to do now"
    );
}

#[test]
fn i_chose_that_by_mistake_asks_the_question_again_and_the_run_goes_on() {
    let rules = minimal();
    let alarm = rules.questionnaire.find("alarm").unwrap();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", YES),
            Step::Emergency(EmergencyChoice::Change(alarm)),
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(2.0)),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    assert!(matches!(outcome, Outcome::Report(_)));
    assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(1)));
    assert_eq!(
        script.asked[1].1, None,
        "the question comes back with nothing chosen, so a stray Enter cannot repeat the mistake"
    );
    // In its own place, with the screens still to come counted.
    assert_eq!(script.asked[1].2, script.asked[0].2);

    // Choosing the same answer again brings the confirmation back.
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", YES),
            Step::Emergency(EmergencyChoice::Change(alarm)),
            Step::Ask("alarm", YES),
            Step::Emergency(EmergencyChoice::Confirm),
        ],
    );
    assert!(matches!(
        run_fresh(&rules, &mut script),
        Outcome::Emergency(_)
    ));
    assert_eq!(script.emergencies.len(), 2);
}

#[test]
fn a_sign_ticked_by_mistake_brings_back_its_whole_checklist_with_nothing_ticked() {
    let rules = embedded::shipped().unwrap();
    let saddle = rules.questionnaire.find("rf_saddle_numbness").unwrap();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Checklist(
                "emergency_signs",
                ChecklistReply::Answer(Ticks {
                    items: vec![0],
                    ..Ticks::default()
                }),
            ),
            Step::Emergency(EmergencyChoice::Change(saddle)),
            Step::Checklist(
                "emergency_signs",
                ChecklistReply::Answer(Ticks {
                    none: true,
                    ..Ticks::default()
                }),
            ),
            Step::CtrlC,
        ],
    );
    let outcome = run(
        &rules,
        &mut script,
        Answers::none(&rules.questionnaire),
        Scope::Short,
        &mut |_| {},
    )
    .unwrap();
    assert!(matches!(outcome, Outcome::Interrupted(_)), "{outcome:?}");
    assert_eq!(
        script.checklists,
        [
            ("emergency_signs".to_string(), Ticks::default()),
            ("emergency_signs".to_string(), Ticks::default()),
        ],
        "the whole checklist comes back, with nothing ticked"
    );

    // Two signs ticked, one by mistake: the other stays ticked, the mistaken one not.
    let mut script = Script::new(
        &rules,
        vec![
            Step::Checklist(
                "emergency_signs",
                ChecklistReply::Answer(Ticks {
                    items: vec![0, 1],
                    ..Ticks::default()
                }),
            ),
            Step::Emergency(EmergencyChoice::Change(saddle)),
            Step::CtrlC,
        ],
    );
    run(
        &rules,
        &mut script,
        Answers::none(&rules.questionnaire),
        Scope::Short,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(
        script.checklists[1].1,
        Ticks {
            items: vec![1],
            ..Ticks::default()
        },
        "the other sign is kept as ticked"
    );
    let checklist = rules.questionnaire.checklist_of(saddle).unwrap();
    for q in checklist.questions() {
        let question = &rules.questionnaire.questions[q];
        assert_eq!(
            answer_of(&rules, &outcome, &question.id),
            question.option("no").map(Value::Choice),
            "{} answered again",
            question.id
        );
    }
}

#[test]
fn an_interruption_keeps_the_answers_so_far_and_resume_continues_from_the_first_gap() {
    let rules = minimal();
    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("alarm", NO),
            Step::Ask("runs", runs(2.0)),
            Step::CtrlC,
        ],
    );
    let outcome = run_fresh(&rules, &mut script);
    let Outcome::Interrupted(saved) = outcome else {
        panic!("expected an interruption")
    };
    assert_eq!(
        saved.get(rules.questionnaire.find("runs").unwrap()),
        Some(Value::Number(2.0))
    );

    let mut script = Script::new(
        &rules,
        vec![
            Step::Ask("shoes", Reply::Back),
            Step::Ask("runs", runs(2.0)),
            Step::Ask("shoes", NEW),
            Step::Review(ReviewChoice::Done),
        ],
    );
    let outcome = run(&rules, &mut script, saved, Scope::Full, &mut |_| {}).unwrap();
    assert!(matches!(outcome, Outcome::Report(_)));
    assert_eq!(
        script.asked_ids(),
        ["shoes", "runs", "shoes"],
        "resume starts at the first unanswered question"
    );
    assert_eq!(answer_of(&rules, &outcome, "alarm"), Some(Value::Choice(1)));
}

mod checkin {
    //! A check-in, with the shipped rule base and a bout begun by the example answers.

    use super::*;
    use crate::bout::{Bout, Kind, facts::Runs};

    const DAY: i64 = 86_400;
    const ASSESSED: i64 = 1_764_979_200;
    const NOW: i64 = ASSESSED + 3 * DAY;

    fn shipped() -> RuleBase {
        embedded::shipped().unwrap()
    }

    fn bout(rules: &RuleBase) -> Bout {
        let text = std::fs::read_to_string("examples/answers.json").unwrap();
        let answers = Answers::parse(&text, "answers.json", &rules.questionnaire).unwrap();
        let assessment = engine::assess(rules, &answers);
        Bout {
            id: "test".into(),
            entries: vec![crate::bout::entry(
                rules,
                Kind::Assessment,
                ASSESSED,
                &answers,
                &assessment,
                None,
            )],
        }
    }

    fn run_checkin_with(
        rules: &RuleBase,
        bout: &Bout,
        runs: Option<&Runs>,
        script: &mut Script,
    ) -> Outcome {
        let of = CheckinOf {
            bout,
            runs,
            now: NOW,
        };
        super::super::run_checkin(rules, script, of, &mut |_| {}).unwrap()
    }

    fn id(rules: &RuleBase, id: &str) -> QuestionIdx {
        rules.questionnaire.find(id).unwrap()
    }

    fn item(rules: &RuleBase, question: &str) -> usize {
        let signs = &rules.questionnaire.checkin.as_ref().unwrap().signs;
        let q = id(rules, question);
        signs.items.iter().position(|i| i.question == q).unwrap()
    }

    fn tick(items: Vec<usize>) -> ChecklistReply {
        ChecklistReply::Answer(Ticks {
            items,
            ..Ticks::default()
        })
    }

    fn none_of_these() -> ChecklistReply {
        ChecklistReply::Answer(Ticks {
            none: true,
            ..Ticks::default()
        })
    }

    fn scale(n: f64) -> Reply {
        Reply::Answer(Value::Number(n))
    }

    #[test]
    fn a_runner_who_ran_is_asked_six_screens_in_order_with_the_signs_last_and_no_review() {
        let rules = shipped();
        let bout = bout(&rules);
        let mut script = Script::checkin(
            &rules,
            vec![
                Step::Ask("pain_now", scale(3.0)),
                Step::Ask("runs_since", scale(2.0)),
                Step::Ask("run_pain_worst", scale(4.0)),
                Step::Ask("pain_next_morning", Reply::Answer(Value::Choice(0))),
                Step::Ask("plan_followed", Reply::Answer(Value::Choice(0))),
                Step::Checklist("checkin_signs", none_of_these()),
            ],
        );
        let outcome = run_checkin_with(&rules, &bout, None, &mut script);
        let Outcome::Report(given) = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(script.reviews.is_empty(), "a check-in has no review");
        assert_eq!(
            script.checklists[0].1,
            Ticks::default(),
            "the signs start with nothing ticked, whatever the assessment said"
        );
        let totals: Vec<usize> = script.asked.iter().map(|(_, _, p)| p.screens).collect();
        assert_eq!(totals, [6, 6, 6, 6, 6], "about six screens from the start");
        assert_eq!(script.sections, ["checkin"], "one section, the check-in's");
        // "None of these" answers every sign no (leg weakness: none), and the check-in
        // holds only its own questions.
        let weakness = id(&rules, "rf_leg_weakness");
        assert_eq!(
            given.get(weakness),
            rules.questionnaire.questions[weakness]
                .option("none")
                .map(Value::Choice)
        );
        let asked = rules.questionnaire.file_questions(true);
        for q in 0..rules.questionnaire.questions.len() {
            assert_eq!(
                given.get(q).is_some(),
                asked.contains(&q),
                "{}",
                rules.questionnaire.questions[q].id
            );
        }
    }

    #[test]
    fn no_run_since_skips_how_the_run_went_and_the_count_comes_down() {
        let rules = shipped();
        let bout = bout(&rules);
        let mut script = Script::checkin(
            &rules,
            vec![
                Step::Ask("pain_now", scale(3.0)),
                Step::Ask("runs_since", scale(0.0)),
                Step::Ask("plan_followed", Reply::Skip),
                Step::Checklist("checkin_signs", none_of_these()),
            ],
        );
        run_checkin_with(&rules, &bout, None, &mut script);
        let progress: Vec<(usize, usize)> = script
            .asked
            .iter()
            .map(|(_, _, p)| (p.screen, p.screens))
            .collect();
        assert_eq!(progress, [(1, 6), (2, 6), (3, 4)]);
    }

    #[test]
    fn a_training_log_that_counts_the_runs_is_not_asked_how_many() {
        let rules = shipped();
        let bout = bout(&rules);
        let run = |days: i64, km: f64| {
            let start = chrono::DateTime::from_timestamp(ASSESSED + days * DAY, 0).unwrap();
            crate::training::Activity {
                start,
                date: start.date_naive(),
                kind: crate::training::Kind::Run,
                sport: "Run".into(),
                distance_m: Some(km * 1000.0),
                duration_s: None,
                ascent_m: None,
                gear: None,
                source: "log".into(),
            }
        };
        let runs = Runs::from_activities(&[run(-10, 10.0), run(1, 5.0), run(2, 6.0)]);
        let mut script = Script::checkin(
            &rules,
            vec![
                Step::Ask("pain_now", scale(3.0)),
                Step::Ask("run_pain_worst", scale(2.0)),
                Step::Ask("pain_next_morning", Reply::Answer(Value::Choice(1))),
                Step::Ask("plan_followed", Reply::Answer(Value::Choice(0))),
                Step::Checklist("checkin_signs", none_of_these()),
            ],
        );
        run_checkin_with(&rules, &bout, Some(&runs), &mut script);
        assert_eq!(script.asked[0].2.screens, 5);
    }

    #[test]
    fn a_sign_ticked_by_mistake_comes_back_unticked_with_the_other_ticks_kept() {
        let rules = shipped();
        let bout = bout(&rules);
        let saddle = item(&rules, "rf_saddle_numbness");
        let fever = item(&rules, "rf_fever_unwell");
        let mut script = Script::checkin(
            &rules,
            vec![
                Step::Ask("pain_now", scale(3.0)),
                Step::Ask("runs_since", scale(0.0)),
                Step::Ask("plan_followed", Reply::Answer(Value::Choice(0))),
                Step::Checklist("checkin_signs", tick(vec![saddle, fever])),
                Step::Emergency(EmergencyChoice::Change(id(&rules, "rf_saddle_numbness"))),
                Step::Checklist("checkin_signs", tick(vec![fever])),
                // A same-day sign is confirmed too.
                Step::Emergency(EmergencyChoice::Confirm),
            ],
        );
        let outcome = run_checkin_with(&rules, &bout, None, &mut script);
        assert_eq!(script.levels, ["emergency", "urgent"]);
        assert_eq!(
            script.checklists[1].1,
            Ticks {
                items: vec![fever],
                ..Ticks::default()
            },
            "the sign chosen by mistake is unticked, the other kept"
        );
        let Outcome::Emergency(given) = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(
            given.get(id(&rules, "rf_saddle_numbness")),
            Some(Value::Choice(1))
        );
    }

    #[test]
    fn signs_skipped_or_not_sure_are_cautious_without_a_confirmation_to_take_back() {
        let rules = shipped();
        let bout = bout(&rules);
        for reply in [
            ChecklistReply::Skip,
            ChecklistReply::Answer(Ticks {
                unsure: true,
                ..Ticks::default()
            }),
        ] {
            let mut script = Script::checkin(
                &rules,
                vec![
                    Step::Ask("pain_now", scale(3.0)),
                    Step::Ask("runs_since", scale(0.0)),
                    Step::Ask("plan_followed", Reply::Answer(Value::Choice(0))),
                    Step::Checklist("checkin_signs", reply),
                ],
            );
            let outcome = run_checkin_with(&rules, &bout, None, &mut script);
            assert!(script.levels.is_empty(), "{:?}", script.levels);
            let weighed = crate::bout::check_in(&rules, &bout, outcome.answers(), NOW, None);
            assert!(
                rules.levels[weighed.assessment.escalation.level].seen_first,
                "still a same-day level"
            );
        }
    }

    #[test]
    fn going_back_from_the_signs_shows_the_last_question_with_its_answer() {
        let rules = shipped();
        let bout = bout(&rules);
        let mut script = Script::checkin(
            &rules,
            vec![
                Step::Ask("pain_now", scale(3.0)),
                Step::Ask("runs_since", scale(0.0)),
                Step::Ask("plan_followed", Reply::Answer(Value::Choice(1))),
                Step::Checklist("checkin_signs", ChecklistReply::Back),
                Step::Ask("plan_followed", Reply::Answer(Value::Choice(1))),
                Step::Checklist("checkin_signs", none_of_these()),
            ],
        );
        run_checkin_with(&rules, &bout, None, &mut script);
        assert_eq!(script.asked[3].1, Some(Value::Choice(1)));
        assert_eq!(script.asked[3].2.screen, 3);
    }

    #[test]
    fn ctrl_c_ends_a_check_in_as_interrupted() {
        let rules = shipped();
        let bout = bout(&rules);
        let mut script =
            Script::checkin(&rules, vec![Step::Ask("pain_now", scale(3.0)), Step::CtrlC]);
        let outcome = run_checkin_with(&rules, &bout, None, &mut script);
        assert!(matches!(outcome, Outcome::Interrupted(_)));
    }
}
