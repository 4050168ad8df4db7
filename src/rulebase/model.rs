//! The rule base after loading: every id resolved to an index, every value typed.
//!
//! Nothing here can hold a dangling reference: `load.rs` is the only constructor and
//! refuses a rule base that would.

use serde::{Deserialize, Serialize};

use super::files::SourceKind;
use super::text::Text;

/// Index of a question in [`Questionnaire::questions`].
pub type QuestionIdx = usize;
/// Index of a cause in [`RuleBase::causes`].
pub type CauseIdx = usize;
/// Index of a strategy in [`RuleBase::strategies`].
pub type StrategyIdx = usize;
/// Index of a source in [`RuleBase::sources`].
pub type SourceIdx = usize;
/// Index of a level in [`RuleBase::levels`]; 0 is the most urgent.
pub type LevelIdx = usize;
/// Index of a rule in [`RuleBase::rules`].
pub type RuleIdx = usize;
/// Index of a decision in [`RunToday::decisions`]; 0 is the most cautious.
pub type DecisionIdx = usize;

/// A whole, validated rule base: questionnaire, knowledge and rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleBase {
    /// Where it was loaded from, for messages ("embedded" or a folder).
    pub origin: Text,
    /// The questions, grouped in sections.
    pub questionnaire: Questionnaire,
    /// Every citable source.
    pub sources: Vec<Source>,
    /// Claims deliberately not used.
    pub left_out: Vec<LeftOut>,
    /// The likely causes a report can name.
    pub causes: Vec<Cause>,
    /// The relief strategies.
    pub strategies: Vec<Strategy>,
    /// Escalation levels, most urgent first; the last is the default.
    pub levels: Vec<Level>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// The statement that a report is not a diagnosis.
    pub disclaimer: Text,
    /// The floor for rules that cannot be decided because answers are missing.
    pub unanswered: Option<UnansweredFloor>,
    /// The signs that mean "get emergency help now".
    pub safety_net: Option<SafetyNet>,
    /// "Should I run today?", when the rule base follows a bout with check-ins.
    pub run_today: Option<RunToday>,
    /// Strategies offered when no cause is at least "possible".
    pub fallback_strategies: Vec<StrategyIdx>,
    /// The name each file was loaded under, so `runback check` can point into it.
    pub files: FileNames,
    /// What evaluating an answer set needs of the rules, worked out once at load.
    pub(crate) plan: EnginePlan,
    /// The rule base's text escaped for JSON, made when a batch first needs it.
    #[serde(skip)]
    pub(crate) escaped: std::sync::OnceLock<super::escaped::EscapedTexts>,
}

/// What the engine needs of the rules beyond their conditions, worked out once when the
/// rule base is loaded, so that evaluating an answer set is one pass over the rules with
/// nothing searched or sorted by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct EnginePlan {
    /// Each rule's place among the rules in order of id: reasons and a contributor's rules
    /// are listed in id order.
    pub rule_order: Vec<u32>,
    /// Each cause's place among the causes in order of id.
    pub cause_order: Vec<u32>,
    /// For each rule, the questions the floor for unanswered questions names when the rule
    /// cannot be decided for want of them: every question an escalation rule more urgent
    /// than the floor reads, and the warning signs one at the floor's level reads; none for
    /// other rules. Each once, in order of first appearance.
    pub floor_questions: Vec<Vec<QuestionIdx>>,
    /// For each section, the causes a rule gives evidence for by reading one of its
    /// questions, in the rule base's order of causes: what its self-test could show.
    pub could_show: Vec<Vec<CauseIdx>>,
}

impl EnginePlan {
    /// The plan for these rules.
    pub(crate) fn new(
        questionnaire: &Questionnaire,
        rules: &[Rule],
        causes: &[Cause],
        floor: Option<&UnansweredFloor>,
    ) -> Self {
        fn order<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<u32> {
            let mut by_id: Vec<usize> = (0..items.len()).collect();
            by_id.sort_by(|&a, &b| id(&items[a]).cmp(id(&items[b])).then(a.cmp(&b)));
            let mut place = vec![0; items.len()];
            for (rank, i) in by_id.into_iter().enumerate() {
                place[i] = rank as u32;
            }
            place
        }
        let floor_questions = rules
            .iter()
            .map(|rule| {
                let mut found = Vec::new();
                let (Some(floor), Conclusion::Escalate(e)) = (floor, &rule.then) else {
                    return found;
                };
                if e.level > floor.level {
                    return found;
                }
                let above = e.level < floor.level;
                rule.when.visit_questions(&mut |q| {
                    if (above || questionnaire.questions[q].warning_sign) && !found.contains(&q) {
                        found.push(q);
                    }
                });
                found
            })
            .collect();
        let could_show = questionnaire
            .sections
            .iter()
            .map(|section| {
                let mut found: Vec<CauseIdx> = Vec::new();
                for rule in rules {
                    let Conclusion::Evidence { cause, strength } = rule.then else {
                        continue;
                    };
                    let mut reads = false;
                    rule.when
                        .visit_questions(&mut |q| reads |= section.questions.contains(&q));
                    if reads && strength > 0.0 {
                        found.push(cause);
                    }
                }
                found.sort_unstable();
                found.dedup();
                found
            })
            .collect();
        EnginePlan {
            rule_order: order(rules, |r| &r.id),
            cause_order: order(causes, |c| &c.id),
            floor_questions,
            could_show,
        }
    }
}

/// The name each rule file was loaded under (a path, or `rules/x.json (embedded)`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileNames {
    /// `sources.json`.
    pub sources: Text,
    /// `questionnaire.json`.
    pub questionnaire: Text,
    /// `causes.json`.
    pub causes: Text,
    /// `strategies.json`.
    pub strategies: Text,
    /// `escalation.json`.
    pub escalation: Text,
    /// `rules.json`.
    pub rules: Text,
}

impl RuleBase {
    /// The rule base's text escaped for JSON, made on first use.
    pub fn escaped(&self) -> &super::escaped::EscapedTexts {
        self.escaped
            .get_or_init(|| super::escaped::EscapedTexts::new(self))
    }

    /// The level every report shows when no rule raised another.
    pub fn default_level(&self) -> LevelIdx {
        self.levels.len() - 1
    }
}

/// When a rule for a level more urgent than `level` cannot be decided for want of answers,
/// the report rises to `level`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnansweredFloor {
    /// The level raised.
    pub level: LevelIdx,
    /// Why, for the runner.
    pub reason: Text,
    /// Guidance behind it.
    pub sources: Vec<SourceIdx>,
}

/// The signs that mean "get emergency help now", on every report below the most urgent
/// level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SafetyNet {
    /// Heading.
    pub title: Text,
    /// The signs.
    pub signs: Vec<Text>,
    /// What to do if one appears.
    pub action: Text,
    /// When it is shown right after the escalation.
    pub prominent_when: Option<Condition>,
    /// Guidance behind it.
    pub sources: Vec<SourceIdx>,
}

/// The questionnaire: sections in order, and a flat list of questions in asking order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Questionnaire {
    /// The version, `MAJOR.MINOR.PATCH`, when the file gives one.
    pub version: Option<Text>,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// All questions in asking order, across sections.
    pub questions: Vec<Question>,
    /// Warning signs asked together, each keeping its own question.
    pub checklists: Vec<Checklist>,
    /// Each question's index by id, built once at load: every key of every answer set is
    /// looked up here, and scanning the questions cost 7 % of a CSV batch. Not in the
    /// binary form of the shipped rule base: [`Questionnaire::index_by_id`] rebuilds it.
    #[serde(skip)]
    pub(crate) by_id: std::collections::HashMap<Text, QuestionIdx, IdHasher>,
    /// The check-in that follows a bout, when the rule base has one.
    pub checkin: Option<Checkin>,
}

/// Hashes question ids for [`Questionnaire::by_id`], eight bytes at a time, in a third of
/// the time of the standard hasher (a tenth of reading the shipped rule base back went
/// to it). Its keys are the rule base's own ids, fixed once loaded, so text chosen to
/// collide with them can only make a lookup compare more of those few ids; `find` checks the
/// id it finds either way.
pub(crate) type IdHasher = std::hash::BuildHasherDefault<IdHash>;

/// The state of an [`IdHasher`].
#[derive(Default)]
pub(crate) struct IdHash(u64);

impl IdHash {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for IdHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("eight bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
}

/// The check-in: its title, how long a bout lasts, and the warning signs re-screened on
/// one screen. Its questions are those of the sections marked `checkin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checkin {
    /// Heading.
    pub title: Text,
    /// After how many weeks a new assessment starts a new bout.
    pub bout_weeks: u32,
    /// The warning signs, on one checklist.
    pub signs: Checklist,
}

/// A fact about the bout, worked out at a check-in; see `files::FromBoutEntry`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FromBout {
    /// Which fact.
    pub fact: super::files::BoutFact,
    /// The check-in question it is about.
    pub of: Option<QuestionIdx>,
    /// The assessment question it is measured from.
    pub start: Option<QuestionIdx>,
    /// How many check-ins the worst value is taken over.
    pub worst_of: usize,
    /// How many days back a comparison reaches at least.
    pub days: u32,
}

/// Several questions asked on one screen; see `files::ChecklistEntry`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checklist {
    /// Stable id.
    pub id: Text,
    /// The question as asked.
    pub text: Text,
    /// A short clarification shown under it every time.
    pub note: Option<Text>,
    /// More help, shown on request.
    pub help: Option<Text>,
    /// The items, in the order shown.
    pub items: Vec<ChecklistItem>,
}

/// One item of a checklist: a question and the option a tick chooses (for a `multi`
/// question, adds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// The question.
    pub question: QuestionIdx,
    /// The option index a tick stands for.
    pub option: usize,
    /// Its own words, when the rule base gives some.
    pub label: Option<Text>,
}

impl ChecklistItem {
    /// The words shown for it: its own, a multiple choice's option, or the question's label.
    pub fn label<'q>(&'q self, questionnaire: &'q Questionnaire) -> &'q str {
        let question = &questionnaire.questions[self.question];
        match (&self.label, &question.kind) {
            (Some(own), _) => own,
            (None, AnswerKind::Multi) => &question.options[self.option].label,
            (None, _) => &question.label,
        }
    }
}

impl Checklist {
    /// The questions it answers, each once, in item order.
    pub fn questions(&self) -> Vec<QuestionIdx> {
        let mut out: Vec<QuestionIdx> = Vec::new();
        for item in &self.items {
            if !out.contains(&item.question) {
                out.push(item.question);
            }
        }
        out
    }
}

impl Questionnaire {
    /// A questionnaire of these sections, questions and checklists, with its index by id.
    pub fn new(
        version: Option<Text>,
        sections: Vec<Section>,
        questions: Vec<Question>,
        checklists: Vec<Checklist>,
    ) -> Self {
        let mut questionnaire = Questionnaire {
            version,
            sections,
            questions,
            checklists,
            by_id: Default::default(),
            checkin: None,
        };
        questionnaire.index_by_id();
        questionnaire
    }

    /// Builds the index by id (not kept in the rule base's binary form, which is read back
    /// with an empty one).
    pub(crate) fn index_by_id(&mut self) {
        self.by_id = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
    }

    /// The questions a file of answers holds: an assessment's, or a check-in's (its own
    /// questions, then the warning signs it re-screens; never the facts runback works
    /// out).
    pub fn file_questions(&self, checkin: bool) -> Vec<QuestionIdx> {
        let q = &self.questions;
        if !checkin {
            return (0..q.len()).filter(|&i| !q[i].checkin).collect();
        }
        let signs: Vec<QuestionIdx> = self
            .checkin
            .as_ref()
            .map(|c| c.signs.questions())
            .unwrap_or_default();
        let mut out: Vec<QuestionIdx> = (0..q.len())
            .filter(|&i| q[i].checkin && q[i].from_bout.is_none())
            .filter(|i| !signs.contains(i))
            .collect();
        out.extend(signs);
        out
    }

    /// Whether a question is asked in an assessment: not retired, not a check-in's.
    pub fn in_assessment(&self, q: QuestionIdx) -> bool {
        let question = &self.questions[q];
        question.retired.is_none() && !question.checkin
    }

    /// The question with this id, if any.
    pub fn find(&self, id: &str) -> Option<QuestionIdx> {
        // Checked against the question, so an index left stale by a change to the (public)
        // question list can miss, but never name the wrong question.
        let i = *self.by_id.get(id)?;
        (self.questions.get(i)?.id == id).then_some(i)
    }

    /// The checklist a question is asked in, if any.
    pub fn checklist_of(&self, q: QuestionIdx) -> Option<&Checklist> {
        self.checklists
            .iter()
            .find(|c| c.items.iter().any(|i| i.question == q))
    }

    /// Whether a question belongs to a section asked only to refine a first result.
    pub fn refines(&self, q: QuestionIdx) -> bool {
        self.sections[self.questions[q].section].refine.is_some()
    }
}

/// A section header and the range of questions it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    /// Stable id.
    pub id: Text,
    /// Header text.
    pub title: Text,
    /// Opening sentence or two.
    pub intro: Option<Text>,
    /// Asked only to refine a first result: what to film or try, and about how long.
    pub refine: Option<Refine>,
    /// Asked only at a check-in.
    pub checkin: bool,
    /// The questions of this section, as a range of [`Questionnaire::questions`].
    pub questions: std::ops::Range<QuestionIdx>,
}

/// A refining section's self-test.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refine {
    /// What to film or try.
    pub check: Text,
    /// About how many minutes.
    pub minutes: u32,
}

/// One question.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Question {
    /// Stable id.
    pub id: Text,
    /// Short label for reports.
    pub label: Text,
    /// The question as asked.
    pub text: Text,
    /// A short clarification shown with the question every time.
    pub note: Option<Text>,
    /// Help text, shown on request.
    pub help: Option<Text>,
    /// Which section it belongs to.
    pub section: usize,
    /// The kind of answer it takes.
    pub kind: AnswerKind,
    /// For choice questions, the options; empty otherwise.
    pub options: Vec<Choice>,
    /// Asked only when this holds.
    pub ask_if: Option<Condition>,
    /// Read by no rule on purpose: context for the clinician reading the report.
    pub informational: bool,
    /// No longer asked, kept for older answer files: what replaced it.
    pub retired: Option<Text>,
    /// Shown in the clinician's summary of a printed report.
    pub summary: bool,
    /// A warning sign: never answered by default, never silently skipped.
    pub warning_sign: bool,
    /// How a figure from a training log answers it.
    pub from_training: Option<FromTraining>,
    /// Asked only at a check-in (its section is a check-in's).
    pub checkin: bool,
    /// A fact about the bout, worked out at a check-in and never asked.
    pub from_bout: Option<FromBout>,
}

/// How a training-log figure answers a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FromTraining {
    /// The figure's name.
    pub figure: Text,
    /// How its value becomes an answer.
    pub map: FigureMap,
}

/// How a figure's value becomes an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FigureMap {
    /// The number itself (rounded for a whole-number question, kept within its range).
    Number,
    /// Ascending bands: the option of the first band whose upper end (included) is at or
    /// above the value; `None` is the last, open band.
    Bands(Vec<(Option<f64>, usize)>),
    /// Kinds of activity and the option each ticks.
    Kinds(Vec<(Text, usize)>),
}

impl Question {
    /// Everything that explains the question: its note, then its help.
    pub fn explanation(&self) -> Option<String> {
        match (&self.note, &self.help) {
            (Some(note), Some(help)) => Some(format!("{note} {help}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
            (None, None) => None,
        }
    }

    /// The option with this value, if any.
    pub fn option(&self, value: &str) -> Option<usize> {
        self.options.iter().position(|o| o.value == value)
    }

    /// The allowed option values, comma-separated, for messages.
    pub fn option_list(&self) -> String {
        self.options
            .iter()
            .map(|o| o.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The kind of answer a question takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AnswerKind {
    /// Yes, no, and perhaps unsure (held in `options`).
    YesNo,
    /// One option.
    Single,
    /// Any set of options.
    Multi,
    /// A number in a range.
    Number {
        /// Unit shown after the number.
        unit: Text,
        /// Unit shown after exactly 1, when it differs ("day per week").
        unit_one: Option<Text>,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Whole numbers only.
        integer: bool,
    },
    /// A whole-number scale.
    Scale {
        /// Lowest point.
        min: i64,
        /// Highest point.
        max: i64,
        /// Meaning of the lowest point.
        min_label: Option<Text>,
        /// Meaning of the highest point.
        max_label: Option<Text>,
    },
}

impl AnswerKind {
    /// Whether answers are option values.
    pub fn is_choice(&self) -> bool {
        matches!(
            self,
            AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Multi
        )
    }

    /// Whether answers are numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(self, AnswerKind::Number { .. } | AnswerKind::Scale { .. })
    }

    /// The type's name as written in `questionnaire.json`.
    pub fn name(&self) -> &'static str {
        match self {
            AnswerKind::YesNo => "yes_no",
            AnswerKind::Single => "single",
            AnswerKind::Multi => "multi",
            AnswerKind::Number { .. } => "number",
            AnswerKind::Scale { .. } => "scale",
        }
    }

    /// The inclusive numeric range of a number or scale question.
    pub fn range(&self) -> Option<(f64, f64)> {
        match self {
            AnswerKind::Number { min, max, .. } => Some((*min, *max)),
            AnswerKind::Scale { min, max, .. } => Some((*min as f64, *max as f64)),
            _ => None,
        }
    }

    /// Whether a numeric answer must be a whole number.
    pub fn whole_numbers_only(&self) -> bool {
        matches!(
            self,
            AnswerKind::Scale { .. } | AnswerKind::Number { integer: true, .. }
        )
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Choice {
    /// Stable value.
    pub value: Text,
    /// What the runner sees.
    pub label: Text,
    /// Excludes every other option of a multiple choice.
    pub exclusive: bool,
}

/// A typed condition over answers, with question ids resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// Every condition holds.
    All(Vec<Condition>),
    /// At least one condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// A test of one question's answer.
    Test {
        /// The question read.
        question: QuestionIdx,
        /// What is asked of its answer.
        test: Test,
    },
}

/// What a leaf condition asks of one answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Test {
    /// The chosen option is one of the set (a bit per option); `equals` is a set of one.
    ChoiceIn(OptionSet),
    /// A multiple-choice answer includes at least one of the set.
    Includes(OptionSet),
    /// A numeric comparison.
    Compare(Comparison, f64),
    /// There is an answer.
    Answered,
    /// There is no answer.
    Unanswered,
}

/// A set of options of one question, a bit per option index.
pub type OptionSet = u64;

/// The numeric comparisons a condition can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `<`
    LessThan,
    /// `>`
    GreaterThan,
}

impl Comparison {
    /// Whether `answer` compares as required with `value`.
    pub fn holds(self, answer: f64, value: f64) -> bool {
        match self {
            Comparison::AtLeast => answer >= value,
            Comparison::AtMost => answer <= value,
            Comparison::LessThan => answer < value,
            Comparison::GreaterThan => answer > value,
        }
    }

    /// The key used in rule files.
    pub fn key(self) -> &'static str {
        match self {
            Comparison::AtLeast => "at_least",
            Comparison::AtMost => "at_most",
            Comparison::LessThan => "less_than",
            Comparison::GreaterThan => "greater_than",
        }
    }
}

impl Condition {
    /// Calls `f` with every question this condition reads, in order of appearance.
    pub fn visit_questions(&self, f: &mut impl FnMut(QuestionIdx)) {
        match self {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.visit_questions(f)),
            Condition::Not(c) => c.visit_questions(f),
            Condition::Test { question, .. } => f(*question),
        }
    }
}

/// A citable document or guideline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    /// Stable id.
    pub id: Text,
    /// Title.
    pub title: Text,
    /// Article, guideline or study.
    pub kind: SourceKind,
    /// The short name a reader knows it by, when the rule base gives one.
    pub name: Option<Text>,
    /// What sort of document it is, in words, when the rule base says.
    pub document: Option<Text>,
    /// Who published it.
    pub publisher: Option<Text>,
    /// The year it was published or last reviewed.
    pub year: Option<u16>,
    /// Where to find it.
    pub url: Option<Text>,
}

/// A claim deliberately not used.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeftOut {
    /// The claim, paraphrased.
    pub claim: Text,
    /// Who makes it.
    pub source: SourceIdx,
    /// Why it is not used.
    pub why: Text,
    /// Sources behind the decision.
    pub see: Vec<SourceIdx>,
}

/// A likely cause.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cause {
    /// Stable public id.
    pub id: Text,
    /// Title.
    pub title: Text,
    /// What it is.
    pub summary: Text,
    /// Strategies for it, most useful first.
    pub strategies: Vec<StrategyIdx>,
    /// Sources.
    pub sources: Vec<SourceIdx>,
    /// Escalation raised whenever the cause is reported.
    pub escalate: Option<Escalate>,
    /// Never shown with a strength.
    pub unrated: bool,
    /// Its first strategy leads the "start here" actions when it is reported.
    pub start_first: bool,
}

/// An escalation level with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalate {
    /// The level.
    pub level: LevelIdx,
    /// Why, for the runner.
    pub reason: Text,
    /// What to do meanwhile instead of the usual self-care, when that differs.
    pub self_care_note: Option<Text>,
}

/// A relief strategy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Strategy {
    /// Stable public id.
    pub id: Text,
    /// Title.
    pub title: Text,
    /// A short how-to.
    pub how_to: Text,
    /// Sources.
    pub sources: Vec<SourceIdx>,
}

/// An escalation level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    /// Stable public id.
    pub id: Text,
    /// Short title.
    pub title: Text,
    /// How soon, in a few words.
    pub time_frame: Option<Text>,
    /// What to do.
    pub action: Text,
    /// Shown above the strategies at this level.
    pub self_care_note: Option<Text>,
    /// What to do, as a check-in says it, when the rule base words it apart.
    pub checkin_action: Option<Text>,
    /// Whether the runner is to be seen before anything else (see `files::LevelEntry`).
    pub seen_first: bool,
    /// Guidance behind it.
    pub sources: Vec<SourceIdx>,
}

/// A rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Rule {
    /// Stable id.
    pub id: Text,
    /// The condition.
    pub when: Condition,
    /// What follows.
    pub then: Conclusion,
    /// Sources.
    pub sources: Vec<SourceIdx>,
    /// It reads a check-in's questions (or decides "should I run today?"), so only a
    /// check-in weighs it.
    pub checkin: bool,
}

/// What a rule concludes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Conclusion {
    /// Evidence for (positive) or against (negative) a cause.
    Evidence {
        /// The cause.
        cause: CauseIdx,
        /// Certainty factor in [-1, 1].
        strength: f64,
    },
    /// An escalation.
    Escalate(Escalate),
    /// At a check-in, a decision for today.
    Decide {
        /// The decision.
        decision: DecisionIdx,
        /// Why, in words a runner understands.
        reason: Text,
    },
}

/// "Should I run today?": decisions most cautious first, and the graded return.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunToday {
    /// Heading.
    pub title: Text,
    /// Most cautious first; the last is the default.
    pub decisions: Vec<Decision>,
    /// What a runner told to be seen first reads instead of the decision's advice.
    pub seen_first_advice: Option<Text>,
    /// The graded return to running.
    pub plan: Plan,
    /// The single-run limit, in per cent above the longest run of the previous 30 days.
    pub spike_limit: f64,
    /// Guidance behind the limit.
    pub spike_sources: Vec<SourceIdx>,
}

/// One decision.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    /// Stable public id.
    pub id: Text,
    /// Short title.
    pub title: Text,
    /// What to do.
    pub advice: Text,
    /// How the plan moves: 1 on, 0 stay, -1 back.
    pub plan_move: i32,
    /// Whether today includes a run.
    pub runs: bool,
    /// Guidance behind it.
    pub sources: Vec<SourceIdx>,
}

/// The graded return to running.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// Heading.
    pub title: Text,
    /// When to move on, in a sentence.
    pub move_on: Text,
    /// The steps, in order.
    pub steps: Vec<PlanStep>,
    /// When the runner counts as running.
    pub running_when: Condition,
    /// Guidance behind the criteria.
    pub sources: Vec<SourceIdx>,
}

/// One step of the plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanStep {
    /// Stable id.
    pub id: Text,
    /// What to run.
    pub run: Text,
    /// Whose figures these are, where no source gives them.
    pub figures: Option<Text>,
    /// Guidance behind it.
    pub sources: Vec<SourceIdx>,
}
