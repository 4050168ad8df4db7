//! The JSONL record of an assessed line, written straight from the assessment.
//!
//! A record is the JSON report ([`crate::report::ReportView`]) with the line number and
//! id in front, about ten thousand bytes of which nearly all depend on the rule base
//! alone: a question's id and label, an answer's value and words for each option, a
//! source's object, a cause's title and summary, a strategy's how-to, a level's action.
//! Those pieces are written once per rule base, as JSON with every escape in place
//! ([`Parts`]), and a record is those pieces copied in the order the assessment gives,
//! with the few things that vary (line, id, date, confidences, numbers given as answers)
//! written between them. Building the report view and walking it with serde wrote the
//! same bytes at four times the cost.
//!
//! It writes what [`super::jsonl::write_via_view`] writes, byte for byte, for the view
//! options a batch uses (no trace, no training log); `tests/records.rs` holds the two
//! together on every fixture and on many random answer sets and rule bases.

use super::json::write_str;
use crate::answers::{Value, describe, to_json};
use crate::engine::{Assessment, Because, Reason, ReasonOrigin};
use crate::report::ViewOptions;
use crate::report::view::{
    AnswerView, CheckView, NOT_ANSWERED, QuestionRef, SCHEMA_VERSION, source_view, strength_word,
};
use crate::rulebase::escaped::EscapedTexts;
use crate::rulebase::files::SourceKind;
use crate::rulebase::{Question, RuleBase, SourceIdx};

/// A piece of JSON text.
type Bytes = Box<[u8]>;

/// Whether a record for these view options is written here; the others (a trace, a
/// training log) go through the report view.
pub fn handles(view: &ViewOptions) -> bool {
    !view.explain && view.training.is_none()
}

/// The parts of every record that depend on the rule base alone, as JSON text.
#[derive(Debug)]
pub struct Parts {
    questions: Vec<QuestionParts>,
    /// Each source's id, quoted.
    source_ids: Vec<Bytes>,
    /// Each source as the report's list of sources shows it.
    sources: Vec<Bytes>,
    /// The sources in the order that list gives them: guidelines, studies, articles.
    source_order: Vec<SourceIdx>,
    causes: Vec<CauseParts>,
    /// Each cause's id, quoted.
    cause_ids: Vec<Bytes>,
    strategies: Vec<StrategyParts>,
    levels: Vec<LevelParts>,
    /// Each level's id, quoted.
    level_ids: Vec<Bytes>,
    /// Each rule's id, quoted.
    rule_ids: Vec<Bytes>,
    /// The words of a reason raised by each rule, by each cause, and by the floor for
    /// unanswered questions.
    rule_reasons: Vec<ReasonParts>,
    cause_reasons: Vec<ReasonParts>,
    floor_reason: ReasonParts,
    /// Each section's entry in `worth_checking`, for a section with a self-test.
    checks: Vec<Option<Bytes>>,
    /// The safety net up to `"prominent":`, and from its sources on.
    safety_net: Option<[Bytes; 2]>,
    /// The end of the record: the disclaimer.
    end: Bytes,
    /// The confidences a report can show, 0.01 to 1, as serde_json writes them.
    confidences: Vec<Bytes>,
}

#[derive(Debug)]
struct QuestionParts {
    /// `{"question":…,"label":…,"answer":`.
    head: Bytes,
    /// `{"id":…,"label":…}`.
    reference: Bytes,
    /// The whole answer when this option is chosen, without its closing brace.
    choices: Vec<Bytes>,
    /// Each option's value, quoted.
    values: Vec<Bytes>,
    /// Each option's label escaped, unquoted: first in a list, and after the first.
    first_labels: Vec<Bytes>,
    later_labels: Vec<Bytes>,
    /// What follows a whole number in the answer in words (" km", " of 10"), escaped and
    /// unquoted: for 1 or -1, and for any other.
    unit_one: Bytes,
    unit: Bytes,
}

/// A reason's words, each quoted, as [`Reason`] gives them for what raised it.
#[derive(Debug)]
struct ReasonParts {
    text: Bytes,
    raised_by: Bytes,
    self_care_note: Option<Bytes>,
}

impl ReasonParts {
    fn new(rb: &RuleBase, origin: ReasonOrigin) -> Self {
        let reason = Reason {
            level: 0,
            origin,
            because: Vec::new(),
            sources: Vec::new(),
        };
        ReasonParts {
            text: quoted(reason.text(rb)).into(),
            raised_by: quoted(reason.raised_by(rb)).into(),
            self_care_note: reason.self_care_note(rb).map(|note| quoted(note).into()),
        }
    }
}

#[derive(Debug)]
struct CauseParts {
    /// `{"id":…,"title":…,"summary":…,"confidence":`.
    head: Bytes,
    /// `,"rated":…,"because":[`.
    rated: Bytes,
    /// `],"strategies":[…],"sources":[`.
    strategies: Bytes,
}

#[derive(Debug)]
struct StrategyParts {
    /// `{"id":…,"title":…,"how_to":…,"for_causes":[`.
    head: Bytes,
    /// `],"sources":[…]}`.
    tail: Bytes,
}

#[derive(Debug)]
struct LevelParts {
    /// `,"escalation":{"level":…` up to `"reasons":[`.
    head: Bytes,
    /// `],"sources":[…],"not_checked":[`.
    sources: Bytes,
}

/// A string as JSON, quoted, with the escapes a terminal needs.
fn quoted(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    crate::clean::write_json(&mut out, text).expect("a string serializes to memory");
    out
}

/// `key` (JSON up to and including a colon) then `text` as a JSON string.
fn put_text(out: &mut Vec<u8>, key: &[u8], text: &str) {
    out.extend_from_slice(key);
    crate::clean::write_json(out, text).expect("a string serializes to memory");
}

/// A string as JSON without its quotes.
fn unquoted(text: &str) -> Bytes {
    let q = quoted(text);
    q[1..q.len() - 1].into()
}

/// Any value as compact JSON, with the escapes a terminal needs.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    crate::clean::write_json(&mut out, value).expect("a value serializes to memory");
    out
}

/// A list of quoted ids joined by commas.
fn id_list(out: &mut Vec<u8>, ids: &[Bytes], list: &[usize]) {
    for (i, &item) in list.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&ids[item]);
    }
}

/// `text` with its last byte (a closing brace) taken off.
fn open(mut text: Vec<u8>) -> Bytes {
    assert_eq!(text.pop(), Some(b'}'), "an object ends with a brace");
    text.into()
}

impl Parts {
    /// The parts of a rule base's records.
    pub fn new(rb: &RuleBase) -> Self {
        let ids = |items: &mut dyn Iterator<Item = &str>| -> Vec<Bytes> {
            items.map(|id| quoted(id).into()).collect()
        };
        let source_ids = ids(&mut rb.sources.iter().map(|s| s.id.as_str()));
        let cause_ids = ids(&mut rb.causes.iter().map(|c| c.id.as_str()));
        let level_ids = ids(&mut rb.levels.iter().map(|l| l.id.as_str()));
        let rule_ids = ids(&mut rb.rules.iter().map(|r| r.id.as_str()));
        let strategy_ids = ids(&mut rb.strategies.iter().map(|s| s.id.as_str()));
        let questions = rb
            .questionnaire
            .questions
            .iter()
            .map(QuestionParts::new)
            .collect();
        let sources = (0..rb.sources.len())
            .map(|s| json(&source_view(rb, s)).into())
            .collect();
        let mut source_order: Vec<SourceIdx> = (0..rb.sources.len()).collect();
        source_order.sort_by_key(|&s| match rb.sources[s].kind {
            SourceKind::Guideline => 0,
            SourceKind::Study => 1,
            SourceKind::Article => 2,
        });
        let causes = rb
            .causes
            .iter()
            .map(|cause| {
                let mut head = Vec::new();
                put_text(&mut head, b"{\"id\":", &cause.id);
                put_text(&mut head, b",\"title\":", &cause.title);
                put_text(&mut head, b",\"summary\":", &cause.summary);
                head.extend(b",\"confidence\":");
                let rated = format!(",\"rated\":{},\"because\":[", !cause.unrated);
                let mut strategies = b"],\"strategies\":[".to_vec();
                id_list(&mut strategies, &strategy_ids, &cause.strategies);
                strategies.extend(b"],\"sources\":[");
                CauseParts {
                    head: head.into(),
                    rated: rated.into_bytes().into(),
                    strategies: strategies.into(),
                }
            })
            .collect();
        let strategies = rb
            .strategies
            .iter()
            .map(|s| {
                let mut head = Vec::new();
                put_text(&mut head, b"{\"id\":", &s.id);
                put_text(&mut head, b",\"title\":", &s.title);
                put_text(&mut head, b",\"how_to\":", &s.how_to);
                head.extend(b",\"for_causes\":[");
                let mut tail = b"],\"sources\":[".to_vec();
                id_list(&mut tail, &source_ids, &s.sources);
                tail.extend(b"]}");
                StrategyParts {
                    head: head.into(),
                    tail: tail.into(),
                }
            })
            .collect();
        let levels = rb
            .levels
            .iter()
            .enumerate()
            .map(|(rank, level)| {
                let mut head = Vec::new();
                put_text(&mut head, b",\"escalation\":{\"level\":", &level.id);
                put_text(&mut head, b",\"title\":", &level.title);
                if let Some(time_frame) = &level.time_frame {
                    put_text(&mut head, b",\"time_frame\":", time_frame);
                }
                put_text(&mut head, b",\"action\":", &level.action);
                let is_default = rank == rb.default_level();
                head.extend(format!(",\"is_default\":{is_default},\"rank\":{rank}").bytes());
                if let Some(note) = &level.self_care_note {
                    put_text(&mut head, b",\"self_care_note\":", note);
                }
                head.extend(b",\"reasons\":[");
                let mut sources = b"],\"sources\":[".to_vec();
                id_list(&mut sources, &source_ids, &level.sources);
                sources.extend(b"],\"not_checked\":[");
                LevelParts {
                    head: head.into(),
                    sources: sources.into(),
                }
            })
            .collect();
        let checks = rb
            .questionnaire
            .sections
            .iter()
            .enumerate()
            .map(|(si, section)| {
                let refine = section.refine.as_ref()?;
                let check = CheckView {
                    section: &section.id,
                    title: &section.title,
                    check: &refine.check,
                    minutes: refine.minutes,
                    could_show: rb.plan.could_show[si]
                        .iter()
                        .map(|&c| rb.causes[c].title.as_str())
                        .collect(),
                };
                Some(json(&check).into())
            })
            .collect();
        let safety_net = rb.safety_net.as_ref().map(|net| {
            let mut head = Vec::new();
            put_text(&mut head, b",\"safety_net\":{\"title\":", &net.title);
            head.extend(b",\"signs\":");
            head.extend(json(&net.signs));
            put_text(&mut head, b",\"action\":", &net.action);
            head.extend(b",\"prominent\":");
            let mut tail = b",\"sources\":[".to_vec();
            id_list(&mut tail, &source_ids, &net.sources);
            tail.extend(b"]}");
            [head.into(), tail.into()]
        });
        let mut end = Vec::new();
        put_text(&mut end, b"],\"disclaimer\":", &rb.disclaimer);
        end.extend(b"}\n");
        let confidences = (0..=100)
            .map(|k| json(&(f64::from(k) / 100.0)).into())
            .collect();
        Parts {
            rule_reasons: (0..rb.rules.len())
                .map(|r| ReasonParts::new(rb, ReasonOrigin::Rule(r)))
                .collect(),
            cause_reasons: (0..rb.causes.len())
                .map(|c| ReasonParts::new(rb, ReasonOrigin::Cause(c)))
                .collect(),
            floor_reason: ReasonParts::new(rb, ReasonOrigin::Unanswered),
            questions,
            source_ids,
            sources,
            source_order,
            causes,
            cause_ids,
            strategies,
            levels,
            level_ids,
            rule_ids,
            checks,
            safety_net,
            end: end.into(),
            confidences,
        }
    }
}

impl Parts {
    /// Whether these parts have one entry for each question, source, cause, strategy,
    /// level and rule of `rb`: they were made for it, and it has not grown or shrunk
    /// since (a rule base is not changed once loaded).
    fn made_for(&self, rb: &RuleBase) -> bool {
        self.questions.len() == rb.questionnaire.questions.len()
            && self.sources.len() == rb.sources.len()
            && self.causes.len() == rb.causes.len()
            && self.strategies.len() == rb.strategies.len()
            && self.levels.len() == rb.levels.len()
            && self.rule_ids.len() == rb.rules.len()
    }

    fn reason(&self, origin: ReasonOrigin) -> &ReasonParts {
        match origin {
            ReasonOrigin::Rule(r) => &self.rule_reasons[r],
            ReasonOrigin::Cause(c) => &self.cause_reasons[c],
            ReasonOrigin::Unanswered => &self.floor_reason,
        }
    }
}

impl QuestionParts {
    fn new(question: &Question) -> Self {
        let mut head = Vec::new();
        put_text(&mut head, b"{\"question\":", &question.id);
        put_text(&mut head, b",\"label\":", &question.label);
        head.extend(b",\"answer\":");
        let reference = json(&QuestionRef {
            id: &question.id,
            label: &question.label,
        });
        let options = 0..question.options.len();
        let choices = options
            .clone()
            .map(|o| {
                let value = Value::Choice(o);
                open(json(&AnswerView {
                    question: &question.id,
                    label: &question.label,
                    answer: to_json(question, value),
                    answer_text: describe(question, value),
                    from_log: false,
                }))
            })
            .collect();
        let values = question
            .options
            .iter()
            .map(|o| quoted(&o.value).into())
            .collect();
        let first_labels = question
            .options
            .iter()
            .map(|o| unquoted(&o.label))
            .collect();
        // How a label reads after the first in a list, as the answer in words says it.
        let first = question.options.first().map_or("", |o| o.label.as_str());
        let later_labels = options
            .map(|o| {
                if o == 0 || o >= 64 {
                    return unquoted(first);
                }
                let both = describe(question, Value::Multi(1 | 1 << o));
                let later = both
                    .strip_prefix(first)
                    .and_then(|rest| rest.strip_prefix(", "))
                    .expect("a list of answers in words starts with the first");
                unquoted(later)
            })
            .collect();
        // The words after a whole number, as the answer in words gives them.
        let after = |n: i64| {
            let words = describe(question, Value::Number(n as f64));
            unquoted(
                words
                    .strip_prefix(&n.to_string())
                    .expect("a number in words starts with the number"),
            )
        };
        QuestionParts {
            unit_one: after(1),
            unit: after(2),
            head: head.into(),
            reference: reference.into(),
            choices,
            values,
            first_labels,
            later_labels,
        }
    }
}

/// The bits set in a word, lowest first.
#[derive(Clone, Copy)]
struct Bits(u64);

impl Iterator for Bits {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

/// Appends the record of an assessed line and a newline.
pub fn write(
    line: u64,
    id: Option<&serde_json::Value>,
    a: &Assessment,
    view: &ViewOptions,
    out: &mut Vec<u8>,
) {
    let rb = a.rules;
    let texts = rb.escaped();
    let parts = texts.record_parts(rb);
    debug_assert!(
        parts.made_for(rb),
        "a rule base was changed after its first JSONL record"
    );
    let empty = out.is_empty();
    Record {
        rb,
        a,
        parts,
        texts,
        cited: vec![0; rb.sources.len().div_ceil(64)],
        out,
    }
    .write(line, id, &view.date);
    // A batch writes the records of several lines into one buffer, kept between chunks:
    // room for them all and half as many again, judged by the first, spares copying the
    // buffer each time it would have grown (a chunk's records are megabytes).
    if empty {
        out.reserve(out.len() * super::LINES_PER_TASK * 3 / 2);
    }
}

struct Record<'a, 'o> {
    rb: &'a RuleBase,
    a: &'a Assessment<'a>,
    parts: &'a Parts,
    texts: &'a EscapedTexts,
    /// The sources cited so far, a bit each.
    cited: Vec<u64>,
    out: &'o mut Vec<u8>,
}

impl Record<'_, '_> {
    fn put(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn number(&mut self, n: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut n = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    fn integer(&mut self, n: i64) {
        if n < 0 {
            self.out.push(b'-');
        }
        self.number(n.unsigned_abs());
    }

    fn write(mut self, line: u64, id: Option<&serde_json::Value>, date: &str) {
        let (rb, a, parts) = (self.rb, self.a, self.parts);
        self.out.reserve(16 << 10);
        self.put(b"{\"line\":");
        self.number(line);
        if let Some(id) = id {
            self.put(b",\"id\":");
            super::json::write(self.out, self.texts, id).expect("an id serializes to memory");
        }
        self.put(b",\"schema_version\":");
        self.number(u64::from(SCHEMA_VERSION));
        self.put(
            concat!(
                ",\"generated_by\":\"runback ",
                env!("CARGO_PKG_VERSION"),
                "\",\"date\":"
            )
            .as_bytes(),
        );
        write_str(self.out, self.texts, date);
        self.escalation();
        self.put(b",\"causes\":[");
        for (i, f) in a.causes.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            let cause = &parts.causes[f.cause];
            self.put(&cause.head);
            self.confidence(f.confidence);
            self.put(b",\"strength\":\"");
            self.put(strength_word(f.confidence).as_bytes());
            self.put(b"\"");
            self.put(&cause.rated);
            self.answers(&f.because);
            self.put(b"],\"against\":[");
            self.answers(&f.against);
            self.put(b"],\"rules\":[");
            id_list(self.out, &parts.rule_ids, &f.rules);
            self.put(&cause.strategies);
            self.sources(&f.sources);
            self.put(b"]}");
        }
        self.put(b"],\"strategies\":[");
        for (i, f) in a.strategies.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            let strategy = &parts.strategies[f.strategy];
            self.put(&strategy.head);
            id_list(self.out, &parts.cause_ids, &f.for_causes);
            self.put(&strategy.tail);
            self.cite(&rb.strategies[f.strategy].sources);
        }
        self.put(b"],\"start_here\":");
        self.number(a.start_here as u64);
        self.put(b",\"unanswered\":[");
        self.references(&a.unanswered);
        self.put(b"],\"ignored\":[");
        self.references(&a.ignored);
        self.put(b"],\"answers\":[");
        let mut first = true;
        for q in 0..rb.questionnaire.questions.len() {
            if let Some(value) = a.answers.get(q) {
                if !first {
                    self.put(b",");
                }
                first = false;
                self.answer(q, Some(value));
                self.put(b"}");
            }
        }
        let (_, applies) = crate::engine::applicable(rb, &a.answers);
        self.put(b"],\"summary\":[");
        let mut first = true;
        for (q, question) in rb.questionnaire.questions.iter().enumerate() {
            if !(question.summary && question.retired.is_none() && applies[q]) {
                continue;
            }
            if !first {
                self.put(b",");
            }
            first = false;
            let value = a.answers.get(q);
            self.answer(q, value);
            let raised = value.is_some()
                && a.escalation
                    .reasons
                    .iter()
                    .any(|r| r.because.iter().any(|b| b.question == q));
            self.put(if raised {
                b",\"raised\":true}"
            } else {
                b",\"raised\":false}"
            });
        }
        self.put(b"],\"worth_checking\":[");
        let mut first = true;
        for (si, section) in rb.questionnaire.sections.iter().enumerate() {
            let Some(check) = &parts.checks[si] else {
                continue;
            };
            let open = section
                .questions
                .clone()
                .any(|q| applies[q] && a.answers.get(q).is_none());
            if open {
                if !first {
                    self.put(b",");
                }
                first = false;
                self.put(check);
            }
        }
        self.put(b"],\"sources\":[");
        let mut first = true;
        for &s in &parts.source_order {
            if self.cited[s / 64] & (1 << (s % 64)) != 0 {
                if !first {
                    self.put(b",");
                }
                first = false;
                self.out.extend_from_slice(&parts.sources[s]);
            }
        }
        self.put(&parts.end);
    }

    fn escalation(&mut self) {
        let (rb, a, parts) = (self.rb, self.a, self.parts);
        let level = a.escalation.level;
        self.put(&parts.levels[level].head);
        for (i, r) in a.escalation.reasons.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            self.put(b"{\"level\":");
            self.put(&parts.level_ids[r.level]);
            self.put(b",\"text\":");
            let words = parts.reason(r.origin);
            self.put(&words.text);
            self.put(b",\"raised_by\":");
            self.put(&words.raised_by);
            self.put(b",\"because\":[");
            self.answers(&r.because);
            self.put(b"],\"sources\":[");
            self.sources(&r.sources);
            self.put(b"]}");
        }
        self.put(&parts.levels[level].sources);
        self.cite(&rb.levels[level].sources);
        self.references(&a.not_checked);
        self.put(b"],\"self_care_notes\":[");
        let mut first = true;
        let reasons = &a.escalation.reasons;
        for (i, r) in reasons.iter().enumerate() {
            let Some(note) = r.self_care_note(rb) else {
                continue;
            };
            if reasons[..i]
                .iter()
                .any(|e| e.self_care_note(rb) == Some(note))
            {
                continue;
            }
            if !first {
                self.put(b",");
            }
            first = false;
            let words = parts.reason(r.origin).self_care_note.as_deref();
            self.put(words.expect("a reason with a note has its note's words"));
        }
        self.put(b"]");
        if let (Some(net), Some([head, tail]), true) =
            (&rb.safety_net, &parts.safety_net, level != 0)
        {
            self.put(head);
            let prominent = net.prominent_when.as_ref().is_some_and(|c| {
                crate::engine::eval(c, &a.answers, &mut Vec::new()) == crate::engine::Truth::True
            });
            self.put(if prominent { b"true" } else { b"false" });
            self.put(tail);
            self.cite(&net.sources);
        }
        self.put(b"}");
    }

    /// Notes sources as cited.
    fn cite(&mut self, sources: &[SourceIdx]) {
        for &s in sources {
            self.cited[s / 64] |= 1 << (s % 64);
        }
    }

    /// Source ids, noted as cited.
    fn sources(&mut self, sources: &[SourceIdx]) {
        id_list(self.out, &self.parts.source_ids, sources);
        self.cite(sources);
    }

    fn references(&mut self, questions: &[usize]) {
        for (i, &q) in questions.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            self.out
                .extend_from_slice(&self.parts.questions[q].reference);
        }
    }

    /// The answers behind a finding, each whole.
    fn answers(&mut self, list: &[Because]) {
        for (i, b) in list.iter().enumerate() {
            if i > 0 {
                self.put(b",");
            }
            // Of a multiple choice, only the options that counted.
            let value = self.a.answers.get(b.question).map(|v| match v {
                Value::Multi(chosen) => Value::Multi(chosen & b.options),
                other => other,
            });
            self.answer(b.question, value);
            self.put(b"}");
        }
    }

    /// An answer without its closing brace.
    fn answer(&mut self, q: usize, value: Option<Value>) {
        let parts = &self.parts.questions[q];
        let question = &self.rb.questionnaire.questions[q];
        match value {
            Some(Value::Choice(o)) => self.out.extend_from_slice(&parts.choices[o]),
            None => {
                self.out.extend_from_slice(&parts.head);
                self.out.extend_from_slice(b"null,\"answer_text\":\"");
                self.out.extend_from_slice(NOT_ANSWERED.as_bytes());
                self.out.extend_from_slice(b"\"");
            }
            Some(Value::Multi(set)) => {
                self.out.extend_from_slice(&parts.head);
                self.out.push(b'[');
                // The options chosen, in the questionnaire's order, as `options_in` gives.
                let len = question.options.len();
                let set = if len >= 64 {
                    set
                } else {
                    set & ((1 << len) - 1)
                };
                let options = Bits(set);
                for (i, o) in options.enumerate() {
                    if i > 0 {
                        self.out.push(b',');
                    }
                    self.out.extend_from_slice(&parts.values[o]);
                }
                self.out.extend_from_slice(b"],\"answer_text\":\"");
                for (i, o) in options.enumerate() {
                    if i == 0 {
                        self.out.extend_from_slice(&parts.first_labels[o]);
                    } else {
                        self.out.extend_from_slice(b", ");
                        self.out.extend_from_slice(&parts.later_labels[o]);
                    }
                }
                self.out.push(b'"');
            }
            // A whole number, as `to_json` and the words give it.
            Some(Value::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => {
                let whole = n as i64;
                self.out.extend_from_slice(&parts.head);
                self.integer(whole);
                self.out.extend_from_slice(b",\"answer_text\":\"");
                self.integer(whole);
                let unit = if n.abs() == 1.0 {
                    &parts.unit_one
                } else {
                    &parts.unit
                };
                self.out.extend_from_slice(unit);
                self.out.push(b'"');
            }
            Some(value @ Value::Number(_)) => {
                self.out.extend_from_slice(&parts.head);
                super::json::write(self.out, self.texts, &to_json(question, value))
                    .expect("a number serializes to memory");
                self.out.extend_from_slice(b",\"answer_text\":");
                write_str(self.out, self.texts, &describe(question, value));
            }
        }
    }

    /// A confidence rounded to two places, as the report rounds it.
    fn confidence(&mut self, confidence: f64) {
        let hundredths = (confidence * 100.0).round();
        if (1.0..=100.0).contains(&hundredths) {
            self.out
                .extend_from_slice(&self.parts.confidences[hundredths as usize]);
        } else {
            super::json::write(self.out, self.texts, &(hundredths / 100.0))
                .expect("a number serializes to memory");
        }
    }
}
