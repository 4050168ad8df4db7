//! The on-disk shape of the rule-base files, exactly as an author writes them.
//!
//! These types only describe syntax and shape; `load.rs` cross-checks them and turns them
//! into the resolved types in `model.rs`, so nothing downstream sees an unchecked id.

use schemars::JsonSchema;
use serde::Deserialize;

/// `sources.json`: the documents every claim cites, and the claims left out on purpose.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Every citable source.
    pub sources: Vec<SourceEntry>,
    /// Claims in the sources that the rule base deliberately does not use.
    #[serde(default)]
    pub left_out: Vec<LeftOutEntry>,
}

/// One citable document or guideline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// Stable id such as `seed-002` or `nice-ng59`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]*$"))]
    pub id: String,
    /// The document's title.
    pub title: String,
    /// `article`, `guideline` or `study`: a printed report lists guidelines first, then
    /// research, then the web articles.
    pub kind: SourceKind,
    /// The short name a reader knows it by, printed where a report cites it ("NICE NG59",
    /// "Frandsen et al. 2025"); without one, reports cite the id.
    #[serde(default)]
    pub name: Option<String>,
    /// What sort of document it is, in the words a printed report shows beside its name
    /// ("guideline", "systematic review", "cohort study", "web article").
    #[serde(default)]
    pub document: Option<String>,
    /// Who published it (a body such as "NICE", or a description of the website), so a
    /// clinician can judge and find it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// The year it was published or last reviewed.
    #[serde(default)]
    pub year: Option<u16>,
    /// Where a reader can find it, when it is public.
    #[serde(default)]
    pub url: Option<String>,
}

/// What sort of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A web article about runners' backs.
    Article,
    /// Published clinical guidance or a consensus statement.
    Guideline,
    /// A published research study or systematic review.
    Study,
}

/// A claim the rule base chose not to use, and why.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeftOutEntry {
    /// The claim, paraphrased.
    pub claim: String,
    /// The source that makes it.
    pub source: String,
    /// Why it is not used.
    pub why: String,
    /// Sources behind the decision, when the reason rests on them.
    #[serde(default)]
    pub see: Vec<String>,
}

/// `questionnaire.json`: the sections, in the order they are asked.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The questionnaire's version, `MAJOR.MINOR.PATCH`: the minor number rises when
    /// questions are added (every answer file stays valid), the major number when an id or
    /// an allowed value is removed or changes meaning.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]+\.[0-9]+\.[0-9]+$"))]
    pub version: Option<String>,
    /// The sections, in order.
    pub sections: Vec<SectionEntry>,
    /// Groups of yes/no warning signs asked together on one screen, each sign keeping its
    /// own question id and answer.
    #[serde(default)]
    pub checklists: Vec<ChecklistEntry>,
    /// The check-in a runner answers every few days after an assessment: its title and
    /// the one checklist that re-screens the warning signs. Its other questions are the
    /// sections marked `checkin`.
    #[serde(default)]
    pub checkin: Option<CheckinEntry>,
}

/// The check-in: a short questionnaire that follows a bout of back pain.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinEntry {
    /// Heading shown to the runner ("Check-in").
    pub title: String,
    /// After how many weeks a new assessment starts a new bout, and a plain `runback`
    /// stops offering a check-in.
    pub bout_weeks: u32,
    /// The warning signs, re-screened on one screen at every check-in. Its items may come
    /// from several of `checklists`, and keep their question ids.
    pub signs: ChecklistEntry,
}

/// Several questions asked on one screen as "Do you have any of these?", with "None of
/// these" and "Not sure": each ticked item sets its question's answer, "None of these"
/// answers every item's question with its harmless value, and "Not sure" answers each
/// unticked one with `unsure`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistEntry {
    /// Stable id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The question as asked ("Do you have any of these?").
    pub text: String,
    /// A short clarification shown under it every time: only what prevents a wrong tick.
    #[serde(default)]
    pub note: Option<String>,
    /// More help, shown when the runner asks for it (`?`).
    #[serde(default)]
    pub help: Option<String>,
    /// The items, in the order shown: a question id (a `yes_no` question, ticked means
    /// `yes`), or a question and one of its values (a `multi` question).
    pub items: Vec<ChecklistItemEntry>,
}

/// One item of a checklist.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ChecklistItemEntry {
    /// A `yes_no` question; ticked means `yes`.
    Question(String),
    /// A `multi` question and the value a tick adds.
    Value {
        /// Question id.
        question: String,
        /// Option value (absent for a `yes_no` question: ticked means `yes`).
        #[serde(default)]
        value: Option<String>,
        /// The words shown for the item, shorter or clearer than the question's label or
        /// the option's (only for a check-in's `signs`).
        #[serde(default)]
        label: Option<String>,
    },
}

/// A group of questions with a header.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionEntry {
    /// Stable id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Header shown to the runner.
    pub title: String,
    /// One or two sentences that open the section.
    #[serde(default)]
    pub intro: Option<String>,
    /// Asked only to refine a first result (or with `--full`): questions that need a video
    /// or a self-test the runner may not be able to do on the spot.
    #[serde(default)]
    pub refine: Option<RefineEntry>,
    /// Asked only at a check-in, never in an assessment (default false).
    #[serde(default)]
    pub checkin: bool,
    /// The questions, in order.
    pub questions: Vec<QuestionEntry>,
}

/// What a refining section asks of the runner.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefineEntry {
    /// What to film or try, in a sentence; the report suggests it when the section was
    /// not answered.
    pub check: String,
    /// About how many minutes the section takes.
    pub minutes: u32,
}

/// One question as written in the file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(try_from = "QuestionFields")]
#[schemars(with = "QuestionFields")]
pub struct QuestionEntry {
    /// Stable id, used in answer files.
    pub id: String,
    /// Short noun phrase for reports ("Plank hold").
    pub label: String,
    /// The question as asked.
    pub text: String,
    /// A short clarification shown with the question every time.
    pub note: Option<String>,
    /// "What does this mean?" text, shown on request.
    pub help: Option<String>,
    /// The kind of answer and its allowed values.
    pub kind: QuestionKindEntry,
    /// Asked only when this condition holds; may refer only to earlier questions.
    pub ask_if: Option<ConditionEntry>,
    /// Context for the clinician, read by no rule on purpose.
    pub informational: bool,
    /// Kept so older answer files stay valid and keep their meaning, but no longer asked:
    /// says what replaced it.
    pub retired: Option<String>,
    /// Shown in the clinician's summary at the top of a printed report.
    pub summary: bool,
    /// A warning sign: never answered by default, and never silently skipped.
    pub warning_sign: bool,
    /// How a figure from the runner's training log answers it.
    pub from_training: Option<FromTrainingEntry>,
    /// A fact about the bout, worked out by runback at a check-in, never asked.
    pub from_bout: Option<FromBoutEntry>,
}

/// A fact about the bout of back pain that runback works out at each check-in from the
/// entries kept so far, never asked: rules read it like any answer.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FromBoutEntry {
    /// `days`: whole days since the bout's first assessment. `runs`: runs in the
    /// training log since the last entry (only with a log). `spike`: by how many per cent
    /// the bout's runs in the training log went past the longest run of the 30 days before
    /// each, at most (only with a log; 0 when none did). `change`: the worst value of
    /// `of` over this check-in and the `worst_of` - 1 before it, minus the first
    /// assessment's answer to `start`. `week_change`: the value of `of` now minus its value
    /// at the latest check-in at least `days` days earlier (or the first assessment's
    /// `start` when there is none).
    pub fact: BoutFact,
    /// The check-in question the fact is about.
    #[serde(default)]
    pub of: Option<String>,
    /// The assessment question it is measured from.
    #[serde(default)]
    pub start: Option<String>,
    /// `change`: how many check-ins the worst value is taken over (1 to 10).
    #[serde(default)]
    pub worst_of: Option<u32>,
    /// `week_change`: how many days back the comparison reaches at least.
    #[serde(default)]
    pub days: Option<u32>,
}

/// The facts about a bout runback can work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoutFact {
    /// Days since the first assessment.
    Days,
    /// Runs in the training log since the last entry.
    Runs,
    /// The biggest single-run spike in the training log since the last entry, in per cent.
    Spike,
    /// The worst recent value minus the value at the start.
    Change,
    /// The value now minus the value some days before.
    WeekChange,
}

/// How a figure computed from a training log (Strava, a watch's files) answers a question
/// the runner has not answered: a number as it is, or banded into an option, or kinds of
/// activity mapped to options.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FromTrainingEntry {
    /// The figure's name (`runback training --figures` lists them).
    pub figure: String,
    /// For a choice question: ascending bands, each up to and including `up_to`; the last
    /// band has no `up_to`.
    #[serde(default)]
    pub bands: Vec<BandEntry>,
    /// For a multiple choice: each kind of activity and the option it ticks.
    #[serde(default)]
    pub kinds: std::collections::BTreeMap<String, String>,
}

/// One band of a figure.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandEntry {
    /// The band's upper end, included; absent for the last band.
    #[serde(default)]
    pub up_to: Option<f64>,
    /// The option value for figures in this band.
    pub value: String,
}

/// The kind of answer a question takes, with the fields that kind needs.
#[derive(Debug)]
pub enum QuestionKindEntry {
    /// Yes, no and (unless turned off) unsure.
    YesNo {
        /// Whether "unsure" is offered.
        unsure: bool,
    },
    /// Exactly one of the options.
    Single {
        /// The options, in display order.
        options: Vec<OptionEntry>,
    },
    /// Any number of the options.
    Multi {
        /// The options, in display order.
        options: Vec<OptionEntry>,
    },
    /// A number with a unit, within a range.
    Number {
        /// Unit shown after the number.
        unit: String,
        /// Unit shown after exactly 1, when it differs ("day per week").
        unit_one: Option<String>,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Whether only whole numbers are allowed.
        integer: bool,
    },
    /// A whole-number scale such as 0 to 10.
    Scale {
        /// Lowest point.
        min: i64,
        /// Highest point.
        max: i64,
        /// What the lowest point means.
        min_label: Option<String>,
        /// What the highest point means.
        max_label: Option<String>,
    },
}

/// The `type` of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    /// Yes, no, unsure.
    YesNo,
    /// One option.
    Single,
    /// Any options.
    Multi,
    /// A number with a unit.
    Number,
    /// A whole-number scale.
    Scale,
}

/// Every field a question may have, whatever its type; checked into a [`QuestionEntry`].
///
/// Keeping all fields in one struct lets serde reject misspelt keys, which it cannot do
/// for a flattened, type-tagged enum.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Question", transform = fields_by_type)]
pub struct QuestionFields {
    /// Stable id, used in answer files: a-z, 0-9 and _, starting with a letter.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    id: String,
    /// Short noun phrase used in reports ("Plank hold").
    label: String,
    /// The question as asked.
    text: String,
    /// A short clarification shown with the question every time: only what prevents a
    /// wrong answer ("aching legs after a long run doesn't count").
    #[serde(default)]
    note: Option<String>,
    /// "What does this mean?" text, shown when the runner asks for it (`?`).
    #[serde(default)]
    help: Option<String>,
    /// The kind of answer; decides which other fields apply.
    #[serde(rename = "type")]
    kind: QuestionType,
    /// `yes_no` only: offer "unsure" (default true).
    #[serde(default)]
    unsure: Option<bool>,
    /// `single` and `multi` only: the options, in display order (2 to 64).
    #[serde(default)]
    #[schemars(length(min = 2, max = 64))]
    options: Option<Vec<OptionEntry>>,
    /// `number` only: the unit shown after the number ("km", "days per week").
    #[serde(default)]
    unit: Option<String>,
    /// `number` only, optional: the unit shown after exactly 1, where it differs from
    /// `unit` ("day per week").
    #[serde(default)]
    unit_one: Option<String>,
    /// `number` and `scale`: the smallest allowed answer.
    #[serde(default)]
    min: Option<f64>,
    /// `number` and `scale`: the largest allowed answer.
    #[serde(default)]
    max: Option<f64>,
    /// `number` only: whole numbers only (default false).
    #[serde(default)]
    integer: Option<bool>,
    /// `scale` only: what the lowest point means.
    #[serde(default)]
    min_label: Option<String>,
    /// `scale` only: what the highest point means.
    #[serde(default)]
    max_label: Option<String>,
    /// Asked only when this condition holds; may refer only to earlier questions.
    #[serde(default)]
    ask_if: Option<ConditionEntry>,
    /// Context for the clinician, read by no rule on purpose (default false).
    #[serde(default)]
    informational: bool,
    /// No longer asked, but still read from older answer files (and by rules, so those
    /// files keep their meaning): what replaced it, in a sentence.
    #[serde(default)]
    retired: Option<String>,
    /// Show the answer in the clinician's summary at the top of a printed report: the
    /// pertinent positives and negatives a physiotherapist reads first (default false).
    #[serde(default)]
    summary: bool,
    /// How a figure from the runner's training log answers this question when the runner
    /// has not.
    #[serde(default)]
    from_training: Option<FromTrainingEntry>,
    /// A fact about the bout of back pain, worked out at every check-in and never asked
    /// (only in a `checkin` section, on a `number` question).
    #[serde(default)]
    from_bout: Option<FromBoutEntry>,
    /// A warning sign (a red flag, or a risk factor the red-flag rules weigh): the terminal
    /// starts it with nothing chosen, and left unanswered it keeps the report from the
    /// default level whenever a rule it feeds cannot be decided (default false).
    #[serde(default)]
    warning_sign: bool,
}

/// Adds to the generated question schema what the loader checks per `type`: the fields
/// each type needs, and that no other type's fields appear.
fn fields_by_type(schema: &mut schemars::Schema) {
    const TYPED: [&str; 9] = [
        "unsure",
        "options",
        "unit",
        "unit_one",
        "min",
        "max",
        "integer",
        "min_label",
        "max_label",
    ];
    let rules: Vec<serde_json::Value> = QuestionType::ALL
        .iter()
        .map(|t| {
            let (required, allowed) = t.fields();
            let forbidden: Vec<&str> = TYPED
                .iter()
                .copied()
                .filter(|f| !allowed.contains(f))
                .collect();
            let mut then = serde_json::json!({
                "not": { "anyOf": forbidden.iter().map(|f| serde_json::json!({ "required": [f] })).collect::<Vec<_>>() }
            });
            if !required.is_empty() {
                then["required"] = required.into();
            }
            serde_json::json!({
                "if": { "properties": { "type": { "const": t.name() } }, "required": ["type"] },
                "then": then
            })
        })
        .collect();
    schema.insert("allOf".into(), rules.into());
}

impl QuestionType {
    /// Every type, in the order the author guide lists them.
    pub const ALL: [QuestionType; 5] = [
        QuestionType::YesNo,
        QuestionType::Single,
        QuestionType::Multi,
        QuestionType::Number,
        QuestionType::Scale,
    ];

    /// The name written in `type`.
    pub fn name(self) -> &'static str {
        match self {
            QuestionType::YesNo => "yes_no",
            QuestionType::Single => "single",
            QuestionType::Multi => "multi",
            QuestionType::Number => "number",
            QuestionType::Scale => "scale",
        }
    }

    /// The type-specific fields a question of this type needs, and those it may have.
    pub fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            QuestionType::YesNo => (&[], &["unsure"]),
            QuestionType::Single | QuestionType::Multi => (&["options"], &["options"]),
            QuestionType::Number => (
                &["unit", "min", "max"],
                &["unit", "unit_one", "min", "max", "integer"],
            ),
            QuestionType::Scale => (&["min", "max"], &["min", "max", "min_label", "max_label"]),
        }
    }
}

impl TryFrom<QuestionFields> for QuestionEntry {
    type Error = String;

    fn try_from(f: QuestionFields) -> Result<Self, String> {
        let type_name = f.kind.name();
        let present = [
            ("unsure", f.unsure.is_some()),
            ("options", f.options.is_some()),
            ("unit", f.unit.is_some()),
            ("unit_one", f.unit_one.is_some()),
            ("min", f.min.is_some()),
            ("max", f.max.is_some()),
            ("integer", f.integer.is_some()),
            ("min_label", f.min_label.is_some()),
            ("max_label", f.max_label.is_some()),
        ];
        let (_, allowed) = f.kind.fields();
        if let Some((field, _)) = present
            .iter()
            .find(|(name, here)| *here && !allowed.contains(name))
        {
            return Err(format!(
                "question `{}`: `{field}` does not apply to a `{type_name}` question (its fields: {})",
                f.id,
                allowed.join(", ")
            ));
        }
        let missing = |field: &str| {
            format!(
                "question `{}`: a `{type_name}` question needs `{field}`",
                f.id
            )
        };
        let whole = |v: f64, field: &str| {
            if v.fract() == 0.0 && v.abs() < 1e9 {
                Ok(v as i64)
            } else {
                Err(format!(
                    "question `{}`: scale `{field}` must be a whole number, not {v}",
                    f.id
                ))
            }
        };
        let kind = match f.kind {
            QuestionType::YesNo => QuestionKindEntry::YesNo {
                unsure: f.unsure.unwrap_or(true),
            },
            QuestionType::Single => QuestionKindEntry::Single {
                options: f.options.ok_or_else(|| missing("options"))?,
            },
            QuestionType::Multi => QuestionKindEntry::Multi {
                options: f.options.ok_or_else(|| missing("options"))?,
            },
            QuestionType::Number => QuestionKindEntry::Number {
                unit: f.unit.ok_or_else(|| missing("unit"))?,
                unit_one: f.unit_one,
                min: f.min.ok_or_else(|| missing("min"))?,
                max: f.max.ok_or_else(|| missing("max"))?,
                integer: f.integer.unwrap_or(false),
            },
            QuestionType::Scale => QuestionKindEntry::Scale {
                min: whole(f.min.ok_or_else(|| missing("min"))?, "min")?,
                max: whole(f.max.ok_or_else(|| missing("max"))?, "max")?,
                min_label: f.min_label,
                max_label: f.max_label,
            },
        };
        Ok(QuestionEntry {
            id: f.id,
            label: f.label,
            text: f.text,
            note: f.note,
            help: f.help,
            kind,
            ask_if: f.ask_if,
            informational: f.informational,
            retired: f.retired,
            summary: f.summary,
            warning_sign: f.warning_sign,
            from_training: f.from_training,
            from_bout: f.from_bout,
        })
    }
}

/// One option of a choice question.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionEntry {
    /// Stable value, used in answer files: a-z, 0-9 and _.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub value: String,
    /// What the runner sees.
    pub label: String,
    /// In a multiple choice, an option that excludes all others ("none of these").
    #[serde(default)]
    pub exclusive: bool,
}

/// A condition over answers, as written: an object with exactly one key.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConditionEntry {
    /// Every condition holds.
    All(Vec<ConditionEntry>),
    /// At least one condition holds.
    Any(Vec<ConditionEntry>),
    /// The condition does not hold.
    Not(Box<ConditionEntry>),
    /// A yes/no or single-choice answer is this value.
    Equals(ValueTest),
    /// A choice answer is (or a multiple choice includes) one of these values.
    OneOf(ValuesTest),
    /// A multiple-choice answer includes this value.
    Includes(ValueTest),
    /// A number or scale answer is at least this value.
    AtLeast(NumberTest),
    /// A number or scale answer is at most this value.
    AtMost(NumberTest),
    /// A number or scale answer is below this value.
    LessThan(NumberTest),
    /// A number or scale answer is above this value.
    GreaterThan(NumberTest),
    /// The question has an answer.
    Answered(String),
    /// The question has no answer.
    Unanswered(String),
}

/// A question and one option value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueTest {
    /// Question id.
    pub question: String,
    /// Option value.
    pub value: String,
}

/// A question and a set of option values.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuesTest {
    /// Question id.
    pub question: String,
    /// Option values.
    pub values: Vec<String>,
}

/// A question and a number to compare its answer with.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberTest {
    /// Question id.
    pub question: String,
    /// The number to compare with.
    pub value: f64,
}

/// `causes.json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CausesFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Every cause a report can name.
    pub causes: Vec<CauseEntry>,
}

/// A likely cause of back pain.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CauseEntry {
    /// Stable public id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Title shown in reports.
    pub title: String,
    /// One or two sentences on what it is.
    pub summary: String,
    /// Strategies for it, most useful first.
    pub strategies: Vec<String>,
    /// Sources that describe it.
    pub sources: Vec<String>,
    /// Raises the escalation whenever the cause is reported at all.
    #[serde(default)]
    pub escalate: Option<EscalateEntry>,
    /// Never shown with a strength (a condition only an examination can judge, such as a
    /// structural problem in the spine); default false.
    #[serde(default)]
    pub unrated: bool,
    /// When reported, its first strategy leads the "start here" actions, because changing
    /// it gives the most direct relief (a jump in training load, say); default false.
    #[serde(default)]
    pub start_first: bool,
}

/// An escalation level and the reason a runner reads.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateEntry {
    /// Level id from `escalation.json`.
    pub level: String,
    /// Why, in words a runner understands.
    pub reason: String,
    /// What to do meanwhile, when it differs from the usual self-care ("stop running until
    /// you have been checked"): shown above the strategies whenever this reason is raised.
    #[serde(default)]
    pub self_care_note: Option<String>,
}

/// `strategies.json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategiesFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Every relief strategy.
    pub strategies: Vec<StrategyEntry>,
    /// Strategies offered when no cause is at least "possible", so a report always has
    /// something to do.
    #[serde(default)]
    pub fallback: Vec<String>,
}

/// A relief strategy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StrategyEntry {
    /// Stable public id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Title shown in reports.
    pub title: String,
    /// A short how-to.
    pub how_to: String,
    /// Sources that recommend it.
    pub sources: Vec<String>,
}

/// `escalation.json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The statement every report ends with: this is not a diagnosis.
    pub disclaimer: String,
    /// The levels, most urgent first; the last is the default.
    pub levels: Vec<LevelEntry>,
    /// What happens when a rule for a more urgent level cannot be decided because
    /// questions it reads were not answered.
    #[serde(default)]
    pub unanswered: Option<UnansweredEntry>,
    /// The signs that mean "get emergency help now", carried by every report below the most
    /// urgent level.
    #[serde(default)]
    pub safety_net: Option<SafetyNetEntry>,
    /// The answer a check-in gives to "should I run today?", and the graded return to
    /// running it moves along.
    #[serde(default)]
    pub run_today: Option<RunTodayEntry>,
}

/// "Should I run today?": the decisions, most cautious first (the last is the default),
/// and the plan of steps back to running.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunTodayEntry {
    /// Heading ("Should I run today?").
    pub title: String,
    /// The decisions, most cautious first; the last applies when no rule decides.
    pub decisions: Vec<DecisionEntry>,
    /// What a runner told to be seen first (at a level with `seen_first`) reads instead of
    /// the decision's advice.
    #[serde(default)]
    pub seen_first_advice: Option<String>,
    /// The graded return to running.
    pub plan: PlanEntry,
    /// How much longer than the longest run of the previous 30 days one run may be, in
    /// per cent, and the sources for it: a training log's figures use it.
    pub spike_limit: SpikeLimitEntry,
}

/// One answer to "should I run today?".
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionEntry {
    /// Stable public id (`run`, `shorter`, `cross_train`, `rest`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Short title ("Run shorter or easier").
    pub title: String,
    /// What to do, in plain words.
    pub advice: String,
    /// How the plan moves at this decision: 1 a step on, 0 stay, -1 a step back.
    pub plan_move: i32,
    /// Whether today includes a run (the plan's step is shown with it).
    pub runs: bool,
    /// Guidance behind it.
    pub sources: Vec<String>,
}

/// The graded return to running.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    /// Heading.
    pub title: String,
    /// When to move on to the next step, in a sentence.
    pub move_on: String,
    /// The steps, in order.
    pub steps: Vec<PlanStepEntry>,
    /// When the runner counts as running: the plan starts at its last step for a runner
    /// still running and at its first for one who has stopped, and moves on only after a
    /// run.
    pub running_when: ConditionEntry,
    /// Guidance behind the criteria for moving on.
    pub sources: Vec<String>,
}

/// One step of the plan.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanStepEntry {
    /// Stable id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// What to run, in a sentence.
    pub run: String,
    /// Where no source gives the figures, say so: "The minutes are runback's own."
    #[serde(default)]
    pub figures: Option<String>,
    /// Guidance behind the step.
    pub sources: Vec<String>,
}

/// The single-run limit a training log is checked against.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpikeLimitEntry {
    /// Per cent above the longest run of the previous 30 days.
    pub percent: f64,
    /// Guidance behind it.
    pub sources: Vec<String>,
}

/// The floor for undecided warning signs: when a rule that escalates above `level` reads
/// questions that were not answered and so can be neither true nor false, the report is
/// raised to `level` with this reason and the list of those questions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnansweredEntry {
    /// Level id from `levels`.
    pub level: String,
    /// Why, in words a runner understands; the report adds the questions not answered.
    pub reason: String,
    /// Guidance behind it.
    pub sources: Vec<String>,
}

/// The safety net: the signs that mean "call the emergency number now".
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyNetEntry {
    /// Heading, such as "Get emergency help at once if".
    pub title: String,
    /// The signs, one short line each.
    pub signs: Vec<String>,
    /// What to do if one appears.
    pub action: String,
    /// When the answers make the safety net matter more (pain spreading into a leg, say),
    /// it is shown right after the escalation instead of near the end.
    #[serde(default)]
    pub prominent_when: Option<ConditionEntry>,
    /// Guidance behind it.
    pub sources: Vec<String>,
}

/// One escalation level.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelEntry {
    /// Stable public id (`emergency`, `urgent`, `soon`, `routine`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Short title.
    pub title: String,
    /// How soon, in a few words ("now", "today", "within 1 to 2 weeks").
    #[serde(default)]
    pub time_frame: Option<String>,
    /// What to do, in plain words.
    pub action: String,
    /// Shown above the strategies when this level applies.
    #[serde(default)]
    pub self_care_note: Option<String>,
    /// What to do, as a check-in says it, when `action` speaks of an assessment's report
    /// (a check-in lists no self-care).
    #[serde(default)]
    pub checkin_action: Option<String>,
    /// The runner is to be seen before anything else: after a report at this level the
    /// questionnaire offers no refining questions (a video of a run, a plank) and no page
    /// for a later appointment.
    #[serde(default)]
    pub seen_first: bool,
    /// Guidance behind the level.
    pub sources: Vec<String>,
}

/// `rules.json`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Every rule.
    pub rules: Vec<RuleEntry>,
}

/// A rule: when the condition holds, the conclusion follows.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// Stable id.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The condition over answers.
    pub when: ConditionEntry,
    /// What follows.
    pub then: ConclusionEntry,
    /// Sources behind the rule.
    pub sources: Vec<String>,
}

/// What a rule concludes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConclusionEntry {
    /// Evidence for (or, when negative, against) a cause.
    Evidence(EvidenceEntry),
    /// An escalation level with its reason.
    Escalate(EscalateEntry),
    /// At a check-in, an answer to "should I run today?" with its reason.
    Decide(DecideEntry),
}

/// A decision for today, and why.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideEntry {
    /// Decision id from `escalation.json`'s `run_today`.
    pub decision: String,
    /// Why, in words a runner understands.
    pub reason: String,
}

/// Evidence for a cause.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceEntry {
    /// Cause id.
    pub cause: String,
    /// Certainty factor in [-1, 1], not zero.
    #[schemars(range(min = -1.0, max = 1.0))]
    pub strength: f64,
}
