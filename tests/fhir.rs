//! The questionnaire as a FHIR R4 Questionnaire, and answers in and out as
//! QuestionnaireResponse: the shape a clinic's form tool relies on, the round trip, and
//! every way a response can be refused.

use std::process::{Command, Output, Stdio};

use serde_json::{Value as Json, json};

fn runback(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795305600")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        // runback may stop before reading all of it; what it printed is what counts.
        if let Some(text) = stdin
            && let Err(e) = input.write_all(text.as_bytes())
        {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    child.wait_with_output().unwrap()
}

fn json_of(out: &Output) -> Json {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn questionnaire() -> Json {
    json_of(&runback(&["questions", "--format", "fhir"], None))
}

/// Every item, depth first, with the linkIds of the items before it.
fn flatten(items: &Json, out: &mut Vec<Json>) {
    for item in items.as_array().into_iter().flatten() {
        out.push(item.clone());
        flatten(&item["item"], out);
    }
}

fn items() -> Vec<Json> {
    let mut out = Vec::new();
    flatten(&questionnaire()["item"], &mut out);
    out
}

fn item(id: &str) -> Json {
    items()
        .into_iter()
        .find(|i| i["linkId"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn the_questionnaire_names_itself_and_holds_every_question_under_its_section() {
    let q = questionnaire();
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["status"], "active");
    assert_eq!(q["date"], "2026-11-22", "SOURCE_DATE_EPOCH");
    assert!(q["url"].as_str().unwrap().starts_with("https://"));
    let rules = runback::rulebase::embedded::shipped().unwrap();
    assert_eq!(
        q["version"].as_str(),
        rules.questionnaire.version.as_deref()
    );
    let all = items();
    let ids: Vec<&str> = all.iter().filter_map(|i| i["linkId"].as_str()).collect();
    for question in rules
        .questionnaire
        .questions
        .iter()
        .filter(|q| q.retired.is_none())
    {
        // The check-in's questions are a Questionnaire of their own.
        assert_eq!(
            ids.contains(&question.id.as_str()),
            !question.checkin,
            "{} (a check-in's: {})",
            question.id,
            question.checkin
        );
    }
    for warning in rules
        .questionnaire
        .questions
        .iter()
        .filter(|q| q.warning_sign)
    {
        assert!(
            ids.contains(&warning.id.as_str()),
            "warning sign {} missing",
            warning.id
        );
    }
    for group in q["item"].as_array().unwrap() {
        assert_eq!(group["type"], "group");
        assert!(!group["item"].as_array().unwrap().is_empty(), "que-1");
    }
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "que-2: linkIds are unique");
}

#[test]
fn each_kind_of_question_has_its_fhir_type() {
    let yes_no = item("rf_saddle_numbness");
    assert_eq!(
        yes_no["type"], "choice",
        "not boolean, which cannot say unsure"
    );
    let codes: Vec<&str> = yes_no["answerOption"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["valueCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["yes", "no", "unsure"]);
    let multi = item("cross_training");
    assert_eq!(multi["type"], "choice");
    assert_eq!(multi["repeats"], true);
    let scale = item("pain_severity");
    assert_eq!(scale["type"], "integer");
    let ext = |i: &Json, url: &str| {
        i["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"].as_str().unwrap().ends_with(url))
            .cloned()
            .unwrap_or_else(|| panic!("{url} on {}", i["linkId"]))
    };
    assert_eq!(ext(&scale, "minValue")["valueInteger"], 0);
    assert_eq!(ext(&scale, "maxValue")["valueInteger"], 10);
    let km = item("weekly_km");
    assert_eq!(km["type"], "decimal");
    assert_eq!(
        ext(&km, "questionnaire-unit")["valueCoding"]["display"],
        "km"
    );
    let help = km["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "display")
        .expect("help as a display child");
    assert_eq!(
        ext(help, "questionnaire-itemControl")["valueCodeableConcept"]["coding"][0]["code"],
        "help"
    );
}

#[test]
fn branching_is_enable_when_on_an_earlier_question_with_a_behaviour_when_several() {
    let all = items();
    let position = |id: &str| all.iter().position(|i| i["linkId"] == id).unwrap();
    let mut branched = 0;
    for (at, i) in all.iter().enumerate() {
        let Some(conditions) = i["enableWhen"].as_array() else {
            continue;
        };
        branched += 1;
        for c in conditions {
            let target = c["question"].as_str().unwrap();
            assert!(
                position(target) < at,
                "{} reads a later {target}",
                i["linkId"]
            );
        }
        if conditions.len() > 1 {
            assert!(i["enableBehavior"].is_string(), "que-12: {}", i["linkId"]);
        }
    }
    assert!(branched > 0, "the shipped questionnaire has follow-ups");
    // `runback check` verifies every invariant of the export.
    let check = runback(&["check", "--deny-warnings"], None);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn an_answer_file_written_as_a_response_and_read_back_gives_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let response = runback(
        &[
            "assess",
            "-a",
            "examples/answers.json",
            "-f",
            "fhir-response",
        ],
        None,
    );
    let r = json_of(&response);
    assert_eq!(r["resourceType"], "QuestionnaireResponse");
    assert_eq!(r["status"], "completed");
    assert_eq!(r["authored"], "2026-11-22T00:00:00Z");
    assert!(
        r["questionnaire"].as_str().unwrap().contains('|'),
        "url|version"
    );
    let path = tmp.path().join("response.json");
    std::fs::write(&path, &response.stdout).unwrap();
    same_report(std::path::Path::new("examples/answers.json"), &path);
}

/// The JSON reports of two answer sources, which must be the same but for `ignored`: a
/// response holds only the answers that counted, so an answer to a question that did not
/// apply is no longer there to be listed as ignored. The report, for more checks.
fn same_report(answers: &std::path::Path, response: &std::path::Path) -> Json {
    let report = |p: &std::path::Path| {
        let mut r = json_of(&runback(
            &["assess", "-a", p.to_str().unwrap(), "-f", "json"],
            None,
        ));
        r["ignored"] = json!([]);
        r
    };
    let from_response = report(response);
    assert_eq!(report(answers), from_response);
    from_response
}

/// A small response, nested under its group, with these answer items.
fn response(items: Json) -> String {
    let rules = runback::rulebase::embedded::shipped().unwrap();
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": "resp-1",
        "questionnaire": format!("{}|{}", runback::fhir::CANONICAL, rules.questionnaire.version.as_deref().unwrap()),
        "status": "in-progress",
        "item": [{ "linkId": "red_flags", "item": items }]
    })
    .to_string()
}

fn yes_no(code: &str) -> Json {
    json!([{ "valueCoding": { "system": runback::fhir::YES_NO_SYSTEM, "code": code } }])
}

#[test]
fn an_in_progress_response_is_read_nested_or_flat_and_unanswered_signs_stay_unchecked() {
    let nested = response(json!([{ "linkId": "rf_saddle_numbness", "answer": yes_no("yes") }]));
    let report = json_of(&runback(&["assess", "-f", "json"], Some(&nested)));
    assert_eq!(report["escalation"]["level"], "emergency");
    let mut flat: Json = serde_json::from_str(&nested).unwrap();
    flat["item"] = flat["item"][0]["item"].clone();
    let report = json_of(&runback(&["assess", "-f", "json"], Some(&flat.to_string())));
    assert_eq!(report["escalation"]["level"], "emergency", "flat items too");
    // "No" to one sign and nothing else: the other warning signs were not checked.
    let partial = response(json!([{ "linkId": "rf_saddle_numbness", "answer": yes_no("no") }]));
    let report = json_of(&runback(&["assess", "-f", "json"], Some(&partial)));
    assert!(
        !report["escalation"]["not_checked"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_ne!(report["escalation"]["level"], "routine");
}

#[test]
fn a_response_that_cannot_be_assessed_is_refused_naming_the_link_id_and_the_path() {
    let rules = runback::rulebase::embedded::shipped().unwrap();
    let version = rules.questionnaire.version.clone().unwrap();
    let major: u32 = version.split('.').next().unwrap().parse().unwrap();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            response(json!([{ "linkId": "rf_saddle_numbnes", "answer": yes_no("yes") }])),
            vec!["rf_saddle_numbnes", "item[0].item[0]"],
        ),
        (
            response(json!([{ "linkId": "rf_saddle_numbness", "answer": yes_no("maybe") }])),
            vec![
                "rf_saddle_numbness",
                "item[0].item[0].answer[0].valueCoding.code",
                "maybe",
            ],
        ),
        (
            response(
                json!([{ "linkId": "rf_saddle_numbness", "answer": [{ "valueInteger": 3 }] }]),
            ),
            vec![
                "rf_saddle_numbness",
                "item[0].item[0].answer[0]",
                "valueCoding",
            ],
        ),
        (
            json!({ "resourceType": "Patient", "id": "p" }).to_string(),
            vec!["a FHIR Patient is neither an answer file nor a QuestionnaireResponse"],
        ),
        (
            json!({ "resourceType": "QuestionnaireResponse", "status": "completed",
                    "questionnaire": "http://example.org/Questionnaire/phq-9" })
            .to_string(),
            vec!["http://example.org/Questionnaire/phq-9", "not runback's"],
        ),
        (
            json!({ "resourceType": "QuestionnaireResponse", "status": "completed",
                    "questionnaire": format!("{}|{}.0.0", runback::fhir::CANONICAL, major + 1) })
            .to_string(),
            vec!["not compatible"],
        ),
    ];
    for (text, needles) in cases {
        let out = runback(&["assess"], Some(&text));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing on stdout: {stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} in {stderr}");
        }
    }
}

#[test]
fn a_batch_of_responses_as_bulk_data_ndjson_is_assessed_line_by_line() {
    let emergency = response(json!([{ "linkId": "rf_saddle_numbness", "answer": yes_no("yes") }]));
    let unknown = response(json!([{ "linkId": "nope", "answer": yes_no("yes") }]))
        .replace("resp-1", "resp-2");
    let input = format!("{emergency}\n{unknown}\n");
    let out = runback(&["batch", "--format", "jsonl-summary"], Some(&input));
    let lines: Vec<Json> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        lines[0]["id"], "resp-1",
        "the resource id is the record's id"
    );
    assert_eq!(lines[0]["escalation"]["level"], "emergency", "{}", lines[0]);
    assert_eq!(lines[1]["id"], "resp-2");
    assert!(
        lines[1]["error"].as_str().unwrap().contains("nope"),
        "{}",
        lines[1]
    );
    assert_eq!(out.status.code(), Some(1), "a line could not be assessed");
}

/// The Python that has PyPI `fhir.resources`: `RUNBACK_PYTHON`, or `python3`.
fn python_with_fhir_resources() -> Option<String> {
    let python = std::env::var("RUNBACK_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python)
        .args(["-c", "import fhir.resources.R4B.questionnaire"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        return Some(python);
    }
    assert!(
        std::env::var_os("RUNBACK_REQUIRE_FHIR").is_none(),
        "RUNBACK_REQUIRE_FHIR is set, but {python} cannot import fhir.resources"
    );
    eprintln!("skipped: {python} cannot import fhir.resources (pip install fhir.resources)");
    None
}

#[test]
fn the_questionnaire_and_a_response_validate_against_the_fhir_resources_models() {
    let Some(python) = python_with_fhir_resources() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("q.json");
    let r = tmp.path().join("r.json");
    std::fs::write(&q, runback(&["questions", "--format", "fhir"], None).stdout).unwrap();
    std::fs::write(
        &r,
        runback(
            &[
                "assess",
                "-a",
                "examples/answers.json",
                "-f",
                "fhir-response",
            ],
            None,
        )
        .stdout,
    )
    .unwrap();
    let check = |files: &[&std::path::Path]| {
        let mut args = vec!["tests/fhir/validate.py".to_string()];
        for (kind, f) in ["Questionnaire", "QuestionnaireResponse"].iter().zip(files) {
            args.push((*kind).to_string());
            args.push(f.to_string_lossy().into_owned());
        }
        Command::new(&python).args(&args).output().unwrap()
    };
    let out = check(&[&q, &r]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The validator can fail: an answer option that is not a coding is refused.
    let mut broken: Json = serde_json::from_slice(&std::fs::read(&q).unwrap()).unwrap();
    broken["item"][0]["item"][1]["answerOption"] = json!([{ "valueCoding": "yes" }]);
    std::fs::write(&q, broken.to_string()).unwrap();
    let out = check(&[&q, &r]);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Node, Chromium and the unpacked lforms and playwright-core packages, when all are here
/// (`.ci/run` unpacks the packages into tests/fhir/vendor and sets RUNBACK_REQUIRE_LFORMS).
fn lforms_tools() -> Option<(String, std::path::PathBuf)> {
    let vendor = std::path::PathBuf::from(
        std::env::var("RUNBACK_LFORMS_VENDOR").unwrap_or_else(|_| "tests/fhir/vendor".into()),
    );
    let works = |program: &str| {
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| works(b));
    let packages = vendor.join("lforms/dist/lforms").is_dir()
        && vendor.join("playwright-core/index.mjs").is_file();
    match (works("node"), browser, packages) {
        (true, Some(browser), true) => {
            let path = Command::new("sh")
                .args(["-c", &format!("command -v {browser}")])
                .output()
                .unwrap();
            Some((
                String::from_utf8_lossy(&path.stdout).trim().to_string(),
                vendor,
            ))
        }
        _ => {
            assert!(
                std::env::var_os("RUNBACK_REQUIRE_LFORMS").is_none(),
                "RUNBACK_REQUIRE_LFORMS is set, but node, a Chromium or {} is missing",
                vendor.display()
            );
            eprintln!("skipped: node, a Chromium or the lforms packages are missing (see .ci/run)");
            None
        }
    }
}

/// Fills the Questionnaire in LHC-Forms from `fill` and returns what the form shows and
/// the response it exports.
fn through_lforms(
    browser: &str,
    vendor: &std::path::Path,
    q: &std::path::Path,
    fill: &Json,
) -> Json {
    let tmp = tempfile::tempdir().unwrap();
    let fill_path = tmp.path().join("fill.json");
    let out = tmp.path().join("out.json");
    std::fs::write(&fill_path, fill.to_string()).unwrap();
    let run = Command::new("node")
        .arg("tests/fhir/lforms.mjs")
        .arg(vendor)
        .arg(browser)
        .arg(q)
        .arg(&fill_path)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

#[test]
fn lhc_forms_renders_the_questionnaire_and_its_response_gives_the_same_report() {
    let Some((browser, vendor)) = lforms_tools() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("q.json");
    std::fs::write(&q, runback(&["questions", "--format", "fhir"], None).stdout).unwrap();
    // The example runner, with a warning-sign answer and a follow-up its branch opens.
    let mut answers: Json =
        serde_json::from_str(&std::fs::read_to_string("examples/answers.json").unwrap()).unwrap();
    answers["rf_bladder_bowel"] = json!("unsure");
    answers["pain_spreads"] = json!("buttock_or_thigh");
    answers["leg_tingling"] = json!("yes");
    let answers_path = tmp.path().join("answers.json");
    std::fs::write(&answers_path, answers.to_string()).unwrap();
    let fill = json_of(&runback(
        &[
            "assess",
            "-a",
            answers_path.to_str().unwrap(),
            "-f",
            "fhir-response",
        ],
        None,
    ));
    let result = through_lforms(&browser, &vendor, &q, &fill);
    assert_eq!(result["errors"], json!([]), "no script error in the page");
    // 1. The form shows every item but the help texts, which it turns into help buttons.
    let rendered: Vec<&str> = result["rendered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for i in items() {
        let id = i["linkId"].as_str().unwrap();
        if !id.ends_with(".help") {
            assert!(rendered.contains(&id), "LHC-Forms did not render {id}");
        }
    }
    // 2 and 3. runback assesses the form's response, with the report of the answer file.
    let exported = tmp.path().join("exported.json");
    std::fs::write(&exported, result["response"].to_string()).unwrap();
    let from_form = same_report(&answers_path, &exported);
    // Not sure about bladder control, with tingling in a leg: emergency, through the form.
    assert_eq!(from_form["escalation"]["level"], "emergency");
    // 4. With the branch answer changed in the form, its follow-up leaves the response.
    let has = |response: &Json, id: &str| {
        response
            .to_string()
            .contains(&format!("\"linkId\":\"{id}\""))
    };
    assert!(has(&result["response"], "leg_tingling"));
    let mut changed = fill.clone();
    let mut stack = vec![&mut changed["item"]];
    while let Some(items) = stack.pop() {
        for item in items.as_array_mut().into_iter().flatten() {
            if item["linkId"] == "pain_spreads" {
                let coding = &mut item["answer"][0]["valueCoding"];
                coding["code"] = json!("no");
                coding.as_object_mut().unwrap().remove("display");
            }
            stack.push(&mut item["item"]);
        }
    }
    let result = through_lforms(&browser, &vendor, &q, &changed);
    assert!(has(&result["response"], "pain_spreads"));
    assert!(
        !has(&result["response"], "leg_tingling"),
        "the follow-up of a closed branch: {}",
        result["response"]
    );
}

// The check-in: a Questionnaire of its own, its responses read and written by
// `runback checkin`, each refused by the other command.

/// The day of the assessment the check-ins follow, and three days later.
const ASSESSED: i64 = 1_795_305_600;
const CHECKED_IN: i64 = ASSESSED + 3 * 86_400;

/// runback with its state folder and its clock set.
fn runback_at(state: &std::path::Path, epoch: i64, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runback"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .env("RUNBACK_STATE_DIR", state)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin
            && let Err(e) = input.write_all(text.as_bytes())
        {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    child.wait_with_output().unwrap()
}

/// A state folder holding one bout: `examples/answers.json`, kept on [`ASSESSED`].
fn bout() -> tempfile::TempDir {
    let state = tempfile::tempdir().unwrap();
    let kept = runback_at(
        state.path(),
        ASSESSED,
        &[
            "assess",
            "-a",
            "examples/answers.json",
            "--keep",
            "-f",
            "json",
        ],
        None,
    );
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    state
}

/// A check-in file: pain a little lower, two runs, one sign "not sure" and the others "no".
fn checkin_answers() -> Json {
    let rules = runback::rulebase::embedded::shipped().unwrap();
    let q = &rules.questionnaire;
    let mut answers = serde_json::Map::new();
    for i in q.file_questions(true) {
        let question = &q.questions[i];
        if question.kind == runback::rulebase::AnswerKind::YesNo {
            answers.insert(question.id.to_string(), json!("no"));
        }
    }
    answers.insert("rf_leg_weakness".into(), json!("none"));
    answers.insert("rf_fever_unwell".into(), json!("unsure"));
    answers.insert("pain_now".into(), json!(4));
    answers.insert("runs_since".into(), json!(2));
    answers.insert("run_pain_worst".into(), json!(5));
    answers.insert("pain_next_morning".into(), json!("same"));
    answers.insert("plan_followed".into(), json!("partly"));
    Json::Object(answers)
}

/// `runback checkin -f json` on a fresh copy of [`bout`], without the bout's id (random
/// in each state folder).
fn checkin_report(input: &std::path::Path) -> Json {
    let state = bout();
    let mut report = json_of(&runback_at(
        state.path(),
        CHECKED_IN,
        &["checkin", "-a", input.to_str().unwrap(), "-f", "json"],
        None,
    ));
    report["bout"]["id"] = json!("");
    report
}

fn checkin_questionnaire() -> Json {
    json_of(&runback(
        &["questions", "--format", "fhir", "--checkin"],
        None,
    ))
}

#[test]
fn the_check_in_questionnaire_holds_the_questions_a_check_in_file_holds_and_no_fact() {
    let q = checkin_questionnaire();
    let rules = runback::rulebase::embedded::shipped().unwrap();
    let model = &rules.questionnaire;
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["url"], runback::fhir::CHECKIN_CANONICAL);
    assert_ne!(
        q["url"],
        questionnaire()["url"],
        "a canonical URL of its own"
    );
    assert_eq!(q["version"].as_str(), model.version.as_deref());
    assert_eq!(q["date"], "2026-11-22", "SOURCE_DATE_EPOCH");
    let mut all = Vec::new();
    flatten(&q["item"], &mut all);
    let questions: Vec<&str> = all
        .iter()
        .filter(|i| !matches!(i["type"].as_str(), Some("group" | "display")))
        .map(|i| i["linkId"].as_str().unwrap())
        .collect();
    let file: Vec<&str> = model
        .file_questions(true)
        .into_iter()
        .map(|i| model.questions[i].id.as_str())
        .collect();
    assert_eq!(
        questions, file,
        "the check-in file's questions, in its order"
    );
    for fact in model.questions.iter().filter(|q| q.from_bout.is_some()) {
        assert!(
            !q.to_string().contains(&format!("\"{}\"", fact.id)),
            "{} is worked out by runback: never an item, never in an enableWhen",
            fact.id
        );
    }
    // The warning signs are a group of their own, under the checklist's question.
    let signs = &model.checkin.as_ref().unwrap().signs;
    let group = q["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["linkId"] == signs.id.as_str())
        .expect("a group of the warning signs");
    assert_eq!(group["text"], signs.text.as_str());
    // A follow-up on runs in the training log, which a form never has, reads the runs the
    // runner gives: asked after at least one run, and the runs asked always.
    let by_id = |id: &str| all.iter().find(|i| i["linkId"] == id).unwrap().clone();
    assert_eq!(
        by_id("run_pain_worst")["enableWhen"],
        json!([{ "question": "runs_since", "operator": ">=", "answerInteger": 1 }])
    );
    assert!(by_id("runs_since").get("enableWhen").is_none());
    assert!(by_id("runs_since").get("extension").is_some(), "its limits");
    // `runback check` verifies the invariants of both Questionnaires.
    let check = runback(&["check", "--deny-warnings"], None);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn questions_checkin_goes_only_with_the_fhir_format() {
    let out = runback(&["questions", "--checkin"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--checkin goes with --format fhir"));
}

#[test]
fn a_check_in_written_as_a_response_and_read_back_gives_the_same_check_in() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("checkin.json");
    std::fs::write(&file, checkin_answers().to_string()).unwrap();
    let state = bout();
    let written = runback_at(
        state.path(),
        CHECKED_IN,
        &[
            "checkin",
            "-a",
            file.to_str().unwrap(),
            "-f",
            "fhir-response",
        ],
        None,
    );
    let r = json_of(&written);
    assert_eq!(r["resourceType"], "QuestionnaireResponse");
    assert_eq!(r["status"], "completed");
    assert_eq!(r["authored"], "2026-11-25T00:00:00Z");
    let version = runback::rulebase::embedded::shipped()
        .unwrap()
        .questionnaire
        .version
        .unwrap();
    assert_eq!(
        r["questionnaire"],
        format!("{}|{version}", runback::fhir::CHECKIN_CANONICAL)
    );
    let text = r.to_string();
    for id in ["pain_now", "runs_since", "rf_fever_unwell", "checkin_signs"] {
        assert!(
            text.contains(&format!("\"linkId\":\"{id}\"")),
            "{id}: {text}"
        );
    }
    for id in ["bout_days", "pain_change", "pain_severity"] {
        assert!(
            !text.contains(&format!("\"{id}\"")),
            "{id} is not the check-in's"
        );
    }
    // Kept like a check-in in any other format.
    let history = json_of(&runback_at(
        state.path(),
        CHECKED_IN,
        &["history", "-f", "json"],
        None,
    ));
    assert_eq!(history["bouts"][0]["entries"].as_array().unwrap().len(), 2);
    // Read back by `runback checkin`, the same check-in as from the file.
    let response = tmp.path().join("checkin.fhir.json");
    std::fs::write(&response, &written.stdout).unwrap();
    let from_file = checkin_report(&file);
    assert_eq!(checkin_report(&response), from_file);
    // Not sure about a fever: not routine, whichever way it came.
    assert_ne!(from_file["escalation"]["level"], "routine");
}

#[test]
fn a_response_to_the_other_questionnaire_is_refused_saying_which_command_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let assessment = tmp.path().join("assessment.fhir.json");
    std::fs::write(
        &assessment,
        runback(
            &[
                "assess",
                "-a",
                "examples/answers.json",
                "-f",
                "fhir-response",
            ],
            None,
        )
        .stdout,
    )
    .unwrap();
    let state = bout();
    let out = runback_at(
        state.path(),
        CHECKED_IN,
        &["checkin", "-a", assessment.to_str().unwrap()],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    for needle in [
        "answers runback's assessment",
        "not runback's check-in",
        "`runback assess --answers FILE` reads it",
    ] {
        assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    }
    let history = json_of(&runback_at(
        state.path(),
        CHECKED_IN,
        &["history", "-f", "json"],
        None,
    ));
    assert_eq!(
        history["bouts"][0]["entries"].as_array().unwrap().len(),
        1,
        "a refused check-in is not kept"
    );

    let file = tmp.path().join("checkin.json");
    std::fs::write(&file, checkin_answers().to_string()).unwrap();
    let checkin = runback_at(
        bout().path(),
        CHECKED_IN,
        &[
            "checkin",
            "-a",
            file.to_str().unwrap(),
            "-f",
            "fhir-response",
        ],
        None,
    );
    let checkin = String::from_utf8(json_of(&checkin).to_string().into_bytes()).unwrap();
    let out = runback(&["assess"], Some(&checkin));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("`runback checkin --answers FILE` reads it"),
        "{stderr}"
    );
    // In a batch too, as that line's error.
    let out = runback(
        &["batch", "--format", "jsonl-summary"],
        Some(&format!("{checkin}\n")),
    );
    let line: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("runback checkin --answers FILE"),
        "{line}"
    );
}

#[test]
fn a_check_in_response_answers_only_the_check_in_naming_the_path_of_what_it_does_not_hold() {
    let respond = |items: Json| {
        json!({
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": [{ "linkId": "checkin", "item": items }]
        })
        .to_string()
    };
    let cases = [
        (
            respond(json!([{ "linkId": "pain_severity", "answer": [{ "valueInteger": 3 }] }])),
            vec![
                "pain_severity",
                "item[0].item[0].linkId",
                "a question of runback's assessment",
                "runback questions --format fhir --checkin",
            ],
        ),
        (
            respond(json!([{ "linkId": "bout_days", "answer": [{ "valueInteger": 3 }] }])),
            vec!["bout_days", "runback works this out"],
        ),
        (
            respond(json!([{ "linkId": "pain_nw", "answer": [{ "valueInteger": 3 }] }])),
            vec!["not a linkId of runback's check-in", "pain_now"],
        ),
        (
            json!({ "resourceType": "Questionnaire", "status": "active" }).to_string(),
            vec![
                "a FHIR Questionnaire is neither",
                runback::fhir::CHECKIN_CANONICAL,
            ],
        ),
    ];
    for (text, needles) in cases {
        let state = bout();
        let out = runback_at(state.path(), CHECKED_IN, &["checkin"], Some(&text));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing on stdout: {stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} in {stderr}");
        }
    }
    // The check-in's questions are no longer items of the assessment's.
    let out = runback(
        &["assess"],
        Some(&response(
            json!([{ "linkId": "pain_now", "answer": [{ "valueInteger": 3 }] }]),
        )),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("a question of runback's check-in"),
        "{stderr}"
    );
}

#[test]
fn the_check_in_questionnaire_and_response_validate_against_the_fhir_resources_models() {
    let Some(python) = python_with_fhir_resources() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("q.json");
    let r = tmp.path().join("r.json");
    let file = tmp.path().join("checkin.json");
    std::fs::write(&file, checkin_answers().to_string()).unwrap();
    std::fs::write(
        &q,
        runback(&["questions", "--format", "fhir", "--checkin"], None).stdout,
    )
    .unwrap();
    let written = runback_at(
        bout().path(),
        CHECKED_IN,
        &[
            "checkin",
            "-a",
            file.to_str().unwrap(),
            "-f",
            "fhir-response",
        ],
        None,
    );
    std::fs::write(&r, json_of(&written).to_string()).unwrap();
    let out = Command::new(&python)
        .args(["tests/fhir/validate.py", "Questionnaire"])
        .arg(&q)
        .arg("QuestionnaireResponse")
        .arg(&r)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn lhc_forms_renders_the_check_in_and_its_response_gives_the_same_check_in() {
    let Some((browser, vendor)) = lforms_tools() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let q = tmp.path().join("q.json");
    std::fs::write(
        &q,
        runback(&["questions", "--format", "fhir", "--checkin"], None).stdout,
    )
    .unwrap();
    let file = tmp.path().join("checkin.json");
    std::fs::write(&file, checkin_answers().to_string()).unwrap();
    let fill = json_of(&runback_at(
        bout().path(),
        CHECKED_IN,
        &[
            "checkin",
            "-a",
            file.to_str().unwrap(),
            "-f",
            "fhir-response",
        ],
        None,
    ));
    let result = through_lforms(&browser, &vendor, &q, &fill);
    assert_eq!(result["errors"], json!([]), "no script error in the page");
    // 1. The form shows every item of the check-in.
    let rendered: Vec<&str> = result["rendered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut all = Vec::new();
    flatten(&checkin_questionnaire()["item"], &mut all);
    for i in &all {
        let id = i["linkId"].as_str().unwrap();
        if !id.ends_with(".help") {
            assert!(rendered.contains(&id), "LHC-Forms did not render {id}");
        }
    }
    // 2. runback reads the form's response as the check-in the file gives.
    let exported = tmp.path().join("exported.json");
    std::fs::write(&exported, result["response"].to_string()).unwrap();
    assert_eq!(checkin_report(&exported), checkin_report(&file));
    // 3. No runs since: the questions about the last run leave the form's response.
    let has = |response: &Json, id: &str| {
        response
            .to_string()
            .contains(&format!("\"linkId\":\"{id}\""))
    };
    assert!(has(&result["response"], "run_pain_worst"));
    let mut changed = fill.clone();
    let mut stack = vec![&mut changed["item"]];
    while let Some(items) = stack.pop() {
        for item in items.as_array_mut().into_iter().flatten() {
            if item["linkId"] == "runs_since" {
                item["answer"][0]["valueInteger"] = json!(0);
            }
            stack.push(&mut item["item"]);
        }
    }
    let result = through_lforms(&browser, &vendor, &q, &changed);
    assert!(has(&result["response"], "runs_since"));
    for id in ["run_pain_worst", "pain_next_morning"] {
        assert!(
            !has(&result["response"], id),
            "{id} after no runs: {}",
            result["response"]
        );
    }
}
