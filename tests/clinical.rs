//! The triage a clinician would sign: presentations as answer files with the level they
//! must reach, and the rule base's promises about causes, checked against the shipped
//! rule base.
//!
//! Each file in `tests/clinical/` is an ordinary answer file (`runback assess -a FILE`
//! shows its report) with notes that runback ignores: `$why` (the presentation),
//! `$expect_exactly` or `$expect_at_least` (a level id) and `$expect_raised_by` (rules that
//! must be among the reasons).

use std::path::{Path, PathBuf};

use runback::answers::Answers;
use runback::engine::satisfy::satisfy;
use runback::engine::{self, Assessment, Strength};
use runback::report::{self, Format, TextOptions, ViewOptions};
use runback::rulebase::{Conclusion, Condition, RuleBase, embedded};
use serde_json::Value as Json;

fn shipped() -> RuleBase {
    embedded::shipped().expect("the shipped rule base is valid")
}

fn level_index(rb: &RuleBase, id: &str) -> usize {
    rb.levels
        .iter()
        .position(|l| l.id == id)
        .unwrap_or_else(|| panic!("no level {id}"))
}

fn presentations() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("tests/clinical")
        .expect("tests/clinical holds the presentations")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// The presentation whose file name ends in `-{name}.json`.
fn presentation(name: &str) -> PathBuf {
    presentations()
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(&format!("-{name}.json")))
        .unwrap_or_else(|| panic!("no presentation {name}"))
}

fn load(rb: &RuleBase, path: &Path) -> (Json, Answers) {
    let text = std::fs::read_to_string(path).unwrap();
    let json: Json = serde_json::from_str(&text).unwrap();
    let answers = Answers::parse(&text, &path.display().to_string(), &rb.questionnaire)
        .unwrap_or_else(|e| panic!("{e}"));
    (json, answers)
}

fn raised_by<'a>(a: &Assessment<'a>) -> Vec<&'a str> {
    a.escalation
        .reasons
        .iter()
        .map(|r| r.raised_by(a.rules))
        .collect()
}

#[test]
fn every_presentation_reaches_the_level_the_guidance_asks_for() {
    let rb = shipped();
    let mut checked = 0;
    let mut per_level = vec![0; rb.levels.len()];
    let mut failures = Vec::new();
    for path in presentations() {
        let (json, answers) = load(&rb, &path);
        let a = engine::assess(&rb, &answers);
        let got = &rb.levels[a.escalation.level].id;
        let name = path.file_name().unwrap().to_string_lossy();
        let why = json["$why"].as_str().expect("every presentation says why");
        if let Some(exact) = json["$expect_exactly"].as_str() {
            if got != exact {
                failures.push(format!("{name} ({why}): expected {exact}, got {got}"));
            }
            per_level[level_index(&rb, exact)] += 1;
        } else {
            let floor = json["$expect_at_least"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: no $expect_exactly or $expect_at_least"));
            if a.escalation.level > level_index(&rb, floor) {
                failures.push(format!(
                    "{name} ({why}): expected at least {floor}, got {got}"
                ));
            }
            per_level[level_index(&rb, floor)] += 1;
        }
        for rule in json["$expect_raised_by"].as_array().into_iter().flatten() {
            let rule = rule.as_str().unwrap();
            if !raised_by(&a).contains(&rule) {
                failures.push(format!(
                    "{name} ({why}): {rule} did not raise a reason; reasons: {:?}",
                    raised_by(&a)
                ));
            }
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 40, "only {checked} presentations");
    for (level, n) in rb.levels.iter().zip(&per_level) {
        assert!(*n >= 4, "only {n} presentations expect {}", level.id);
    }
}

#[test]
fn a_suspected_bone_stress_injury_says_stop_running_and_never_ease_off() {
    let rb = shipped();
    let (_, answers) = load(&rb, &presentation("bone-stress-hop"));
    let a = engine::assess(&rb, &answers);
    let view_options = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    let text = report::render(
        &a,
        Format::Text,
        &view_options,
        TextOptions {
            width: 80,
            color: false,
            ascii: false,
            detail: false,
        },
    );
    let start = text.find("Start here").expect("a start-here list");
    assert!(
        text[start..].contains("Stop running until a physiotherapist or doctor has checked"),
        "{text}"
    );
}

#[test]
fn a_report_whose_level_comes_from_unanswered_warning_signs_says_so_first() {
    let rb = shipped();
    let (_, answers) = load(&rb, &presentation("fever-skipped"));
    let a = engine::assess(&rb, &answers);
    let view_options = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = report::render(
            &a,
            format,
            &view_options,
            TextOptions {
                width: 80,
                color: false,
                ascii: false,
                detail: false,
            },
        );
        let note = out.find("Not checked").expect("a not-checked note");
        let level = out.find("within one to two weeks").unwrap();
        assert!(note < level, "{format:?}: the note comes before the advice");
        assert!(
            out[note..].contains("Fever, or feeling generally unwell"),
            "{format:?}"
        );
    }
}

/// Evidence rules for one cause, with their strength.
fn evidence_for<'a>(rb: &'a RuleBase, cause: &str) -> Vec<(&'a str, &'a Condition, f64)> {
    let ci = rb.causes.iter().position(|c| c.id == cause).unwrap();
    rb.rules
        .iter()
        .filter_map(|r| match r.then {
            Conclusion::Evidence { cause, strength } if cause == ci => {
                Some((r.id.as_str(), &r.when, strength))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn one_self_reported_movement_answer_reaches_possible_at_most() {
    // These causes rest on the runner watching their own running: the weakest evidence in
    // the source documents, so one answer alone must not make them "likely".
    let rb = shipped();
    for cause in [
        "poor_posture",
        "weak_hips_knee_collapse",
        "asymmetric_gait",
        "overstriding",
        "leg_length_asymmetry",
    ] {
        let rules = evidence_for(&rb, cause);
        assert!(!rules.is_empty(), "{cause} has evidence rules");
        for (id, _, strength) in rules {
            assert!(
                Strength::of(strength) < Strength::Likely,
                "{cause}: rule {id} alone reaches {:?}",
                Strength::of(strength)
            );
        }
    }
}

#[test]
fn no_answer_counts_twice_for_the_same_cause() {
    let rb = shipped();
    let mut overlaps = Vec::new();
    for cause in &rb.causes {
        let rules: Vec<_> = evidence_for(&rb, &cause.id)
            .into_iter()
            .filter(|(_, _, s)| *s > 0.0)
            .collect();
        for (i, (a, when_a, _)) in rules.iter().enumerate() {
            let mut read_a = Vec::new();
            when_a.visit_questions(&mut |q| read_a.push(q));
            for (b, when_b, _) in &rules[i + 1..] {
                let mut shared = false;
                when_b.visit_questions(&mut |q| shared |= read_a.contains(&q));
                let both = Condition::All(vec![(*when_a).clone(), (*when_b).clone()]);
                if shared && satisfy(&rb, &both).is_some() {
                    overlaps.push(format!("{}: {a} and {b}", cause.id));
                }
            }
        }
    }
    assert!(
        overlaps.is_empty(),
        "rules that can fire together on the same answer: {overlaps:?}"
    );
}

fn confidence(rb: &RuleBase, json: &str, cause: &str) -> Option<f64> {
    let answers = Answers::parse(json, "test", &rb.questionnaire).unwrap();
    let a = engine::assess(rb, &answers);
    a.causes
        .iter()
        .find(|f| rb.causes[f.cause].id == cause)
        .map(|f| f.confidence)
}

#[test]
fn warming_up_sometimes_is_not_evidence_of_anything() {
    let rb = shipped();
    let answers = Answers::parse(r#"{"warmup": "sometimes"}"#, "test", &rb.questionnaire).unwrap();
    assert!(engine::assess(&rb, &answers).causes.is_empty());
    assert!(confidence(&rb, r#"{"warmup": "never"}"#, "no_warmup_cooldown").is_some());
}

#[test]
fn a_strain_is_not_likely_when_the_pain_began_with_a_fall() {
    let rb = shipped();
    let strain = r#"{"pain_onset": "during_activity", "strain_before": "yes"}"#;
    let likely = confidence(&rb, strain, "muscle_strain").unwrap();
    assert!(Strength::of(likely) >= Strength::Likely, "{likely}");
    let fell = r#"{"pain_onset": "after_fall", "strain_before": "yes", "heavy_week": "yes", "pain_duration": "under_2_weeks"}"#;
    let after_fall = confidence(&rb, fell, "muscle_strain").unwrap_or(0.0);
    assert!(
        Strength::of(after_fall) < Strength::Likely,
        "{after_fall}: a strain stays at most possible after a fall"
    );
}

#[test]
fn pain_when_sitting_counts_towards_sitting_only_for_a_runner_who_sits_a_lot() {
    let rb = shipped();
    assert_eq!(
        confidence(
            &rb,
            r#"{"pain_timing": ["sitting"], "sitting_hours": 2}"#,
            "sedentary_posture"
        ),
        None
    );
    let sits = confidence(
        &rb,
        r#"{"pain_timing": ["sitting"], "sitting_hours": 9}"#,
        "sedentary_posture",
    )
    .unwrap();
    let sits_no_pain = confidence(
        &rb,
        r#"{"pain_timing": ["during_runs"], "sitting_hours": 9}"#,
        "sedentary_posture",
    )
    .unwrap();
    assert!(sits > sits_no_pain);
}

#[test]
fn when_nothing_stands_out_the_report_still_says_stay_active() {
    let rb = shipped();
    let (_, answers) = load(&rb, &presentation("harmless"));
    let a = engine::assess(&rb, &answers);
    assert!(
        a.causes
            .iter()
            .all(|f| Strength::of(f.confidence) < Strength::Possible)
    );
    let first = a.strategies.first().expect("something to do");
    assert_eq!(rb.strategies[first.strategy].id, "stay_active");
    assert_eq!(a.start_here, 1);
    assert!(
        rb.strategies[first.strategy]
            .sources
            .iter()
            .any(|&s| rb.sources[s].id == "nice-ng59")
    );
}

#[test]
fn a_possible_structural_problem_never_shows_a_strength() {
    let rb = shipped();
    let answers = Answers::parse(
        r#"{"spinal_diagnosis": "yes", "pain_spreads": "below_knee", "leg_tingling": "yes"}"#,
        "test",
        &rb.questionnaire,
    )
    .unwrap();
    let a = engine::assess(&rb, &answers);
    let view_options = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = report::render(
            &a,
            format,
            &view_options,
            TextOptions {
                width: 200,
                color: false,
                ascii: true,
                detail: true,
            },
        );
        let line = out
            .lines()
            .find(|l| l.contains("A possible problem in the spine itself"))
            .unwrap_or_else(|| panic!("{format:?}: {out}"));
        for word in ["strong", "likely", "possible ", "slight", "%", "#"] {
            assert!(
                !line.replace("A possible problem", "").contains(word),
                "{format:?} shows a strength: {line}"
            );
        }
    }
}

#[test]
fn answer_files_from_the_last_release_still_load_and_get_a_report() {
    let rb = shipped();
    let mut checked = 0;
    for entry in std::fs::read_dir("tests/fixtures/answers/release-0.1").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let sets: Vec<String> = if path.extension().is_some_and(|e| e == "jsonl") {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let mut json: Json = serde_json::from_str(l).unwrap();
                    json.as_object_mut().unwrap().remove("id");
                    json.to_string()
                })
                .collect()
        } else {
            vec![text]
        };
        for set in sets {
            let answers = Answers::parse(&set, &path.display().to_string(), &rb.questionnaire)
                .unwrap_or_else(|e| panic!("{e}"));
            let a = engine::assess(&rb, &answers);
            assert!(a.escalation.level < rb.levels.len());
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} answer sets");
}

#[test]
fn triage_md_lists_every_escalation_rule_with_its_level() {
    let rb = shipped();
    let doc =
        std::fs::read_to_string("rules/TRIAGE.md").expect("rules/TRIAGE.md documents the triage");
    let mut missing = Vec::new();
    for rule in &rb.rules {
        let Conclusion::Escalate(e) = &rule.then else {
            continue;
        };
        // The rule's row sits under its level's heading.
        let heading = format!("### {}", rb.levels[e.level].title);
        let section_start = doc
            .find(&heading)
            .unwrap_or_else(|| panic!("no section {heading}"));
        let section = &doc[section_start..];
        let section = &section[..section[heading.len()..]
            .find("\n### ")
            .map_or(section.len(), |i| i + heading.len())];
        if !section.contains(&format!("| `{}`", rule.id)) {
            missing.push(format!("{} ({})", rule.id, rb.levels[e.level].id));
        }
    }
    assert!(missing.is_empty(), "rules/TRIAGE.md lacks: {missing:?}");
    for source in rb
        .sources
        .iter()
        .filter(|s| s.kind == runback::rulebase::files::SourceKind::Guideline)
    {
        assert!(
            doc.contains(&format!("`{}`", source.id)),
            "TRIAGE.md does not cite {}",
            source.id
        );
    }
}

#[test]
fn an_old_strain_is_not_asked_after_a_first_ever_episode_and_labels_say_what_they_mean() {
    let rb = shipped();
    let strain = rb.questionnaire.find("strain_before").unwrap();
    let answers = Answers::parse(
        r#"{"back_history": "first_time"}"#,
        "test",
        &rb.questionnaire,
    )
    .unwrap();
    let (_, applies) = engine::applicable(&rb, &answers);
    assert!(!applies[strain], "an old strain after a first episode");
    let skipped = Answers::none(&rb.questionnaire);
    assert!(
        engine::applicable(&rb, &skipped).1[strain],
        "asked when the history is unknown"
    );
    let trend = &rb.questionnaire.questions[rb.questionnaire.find("pain_trend").unwrap()];
    assert_ne!(trend.label, "Direction of the pain");
}

/// Where a cause stands in the report's list of contributors (0 is first), if it is there.
fn rank_of(rb: &RuleBase, a: &Assessment, cause: &str) -> Option<usize> {
    a.causes.iter().position(|f| rb.causes[f.cause].id == cause)
}

#[test]
fn nerve_root_pain_ranks_a_disc_or_nerve_problem_above_sitting_however_long_the_runner_sits() {
    // NICE NG59: sitting typically aggravates disc-related nerve pain, so long hours of
    // sitting, slumping, or pain when sitting never outrank it when pain spreads below the
    // knee with tingling or numbness.
    let rb = shipped();
    let mut checked = 0;
    for hours in 0..=24 {
        for slump in [None, Some("yes"), Some("no"), Some("unsure")] {
            for timing in [
                None,
                Some(r#"["sitting"]"#),
                Some(r#"["sitting", "after_runs"]"#),
                Some(r#"["during_runs"]"#),
            ] {
                let mut json = format!(
                    r#"{{"pain_spreads": "below_knee", "leg_tingling": "yes", "sitting_hours": {hours}"#
                );
                if let Some(slump) = slump {
                    json += &format!(r#", "sitting_slump": "{slump}""#);
                }
                if let Some(timing) = timing {
                    json += &format!(r#", "pain_timing": {timing}"#);
                }
                json += "}";
                let answers = Answers::parse(&json, "test", &rb.questionnaire).unwrap();
                let a = engine::assess(&rb, &answers);
                let spinal = rank_of(&rb, &a, "spinal_condition")
                    .unwrap_or_else(|| panic!("{json}: no disc or nerve cause"));
                if let Some(sitting) = rank_of(&rb, &a, "sedentary_posture") {
                    assert!(spinal < sitting, "{json}: sitting ranks above the nerve");
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 25 * 16);
    let (_, answers) = load(&rb, &presentation("sciatica-long-sitting"));
    let a = engine::assess(&rb, &answers);
    assert_eq!(rank_of(&rb, &a, "spinal_condition"), Some(0));
    assert!(rank_of(&rb, &a, "sedentary_posture").is_some());
}

#[test]
fn an_emergency_for_nerve_compression_with_leg_pain_names_a_disc_or_nerve_problem_first() {
    let rb = shipped();
    let signs = [
        ("rf_saddle_numbness", "yes"),
        ("rf_bladder_bowel", "yes"),
        ("rf_sexual_dysfunction", "yes"),
        ("rf_both_legs", "yes"),
        ("rf_leg_weakness", "severe"),
        ("rf_leg_weakness", "getting_worse"),
    ];
    let legs = [
        r#""pain_spreads": "below_knee", "leg_tingling": "no""#,
        r#""pain_spreads": "below_knee", "leg_tingling": "yes""#,
        r#""pain_spreads": "buttock_or_thigh", "leg_tingling": "no""#,
    ];
    // Every answer the rule base counts towards a strained muscle.
    let strain = r#""pain_onset": "during_activity", "strain_before": "yes", "heavy_week": "yes", "pain_duration": "under_2_weeks""#;
    for (question, value) in signs {
        for leg in legs {
            let json = format!(r#"{{"{question}": "{value}", {leg}, {strain}}}"#);
            let answers = Answers::parse(&json, "test", &rb.questionnaire).unwrap();
            let a = engine::assess(&rb, &answers);
            assert_eq!(rb.levels[a.escalation.level].id, "emergency", "{json}");
            assert_eq!(
                rank_of(&rb, &a, "spinal_condition"),
                Some(0),
                "{json}: the disc or nerve cause is not first"
            );
            assert!(rank_of(&rb, &a, "muscle_strain").is_some(), "{json}");
        }
    }
    let view_options = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    for name in [
        "saddle-numbness-sciatica-lifting",
        "both-legs-after-lifting",
    ] {
        let (_, answers) = load(&rb, &presentation(name));
        let a = engine::assess(&rb, &answers);
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let out = report::render(
                &a,
                format,
                &view_options,
                TextOptions {
                    width: 80,
                    color: false,
                    ascii: false,
                    detail: false,
                },
            );
            let spine = out
                .find("A possible problem in the spine itself")
                .unwrap_or_else(|| panic!("{name} {format:?}: no disc or nerve cause\n{out}"));
            let strain = out.find("A strained back muscle").unwrap_or(out.len());
            assert!(spine < strain, "{name} {format:?}: a strain comes first");
        }
    }
}

#[test]
fn a_young_runner_with_lasting_pain_on_arching_is_told_to_stop_running_until_checked() {
    let rb = shipped();
    let view_options = ViewOptions {
        date: "2026-11-22".into(),
        explain: false,
        training: None,
        more: Default::default(),
    };
    for name in ["teen-arching-pain", "teen-arching-unsure"] {
        let (_, answers) = load(&rb, &presentation(name));
        let a = engine::assess(&rb, &answers);
        let text = report::render(
            &a,
            Format::Text,
            &view_options,
            TextOptions {
                width: 80,
                color: false,
                ascii: false,
                detail: false,
            },
        );
        let start = text.find("Start here").expect("a start-here list");
        assert!(
            text[start..]
                .contains("Stop running until a physiotherapist or doctor has checked your back"),
            "{name}: {text}"
        );
    }
    // Pain of a few days is not asked about: the question waits until it has lasted.
    let (json, answers) = load(&rb, &presentation("teen-new-pain"));
    assert_eq!(json["arching_pain"], "yes");
    let a = engine::assess(&rb, &answers);
    assert_eq!(rb.levels[a.escalation.level].id, "routine");
}
