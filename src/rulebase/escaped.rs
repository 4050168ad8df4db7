//! The rule base's text escaped for JSON once, so that a batch writing thousands of
//! reports copies each title, how-to and source as bytes instead of escaping it again for
//! every record.
//!
//! The escaped form is what [`crate::clean::write_json`] writes for the string: JSON's
//! escapes, and those of the characters a terminal must not see, quotes included. A
//! string is found by its address and length, and its text is compared too, so other
//! text (an answer in words, a batch id) is escaped as it is written, and a rule base
//! copied after its table was made loses speed, never correctness. The parts of a JSONL
//! record made here (`record_parts`) are whole pieces of text: they assume, as all of
//! runback does, that a rule base is not changed once loaded (a copy makes its own).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::model::{Conclusion, RuleBase};

/// Every string of a rule base, escaped for JSON.
#[derive(Debug, Clone, Default)]
pub struct EscapedTexts {
    /// Each string as it is, then its escaped form, one after another.
    text: String,
    /// Where each string and its escaped form are in `text`, by the string's address and
    /// length.
    at: HashMap<(usize, usize), Span, BuildHasherDefault<AddressHasher>>,
    /// The parts of a batch's JSONL records, made when the first is written.
    record: RecordParts,
}

/// The parts of a JSONL record, made once; a copy of a rule base makes its own (it may
/// be changed before it is used), where a copy of the table above only loses speed.
#[derive(Debug, Default)]
struct RecordParts(std::sync::OnceLock<crate::batch::record::Parts>);

impl Clone for RecordParts {
    fn clone(&self) -> Self {
        RecordParts::default()
    }
}

/// Where a string (`start..middle`) and its escaped form (`middle..end`) are.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    middle: usize,
    end: usize,
}

impl EscapedTexts {
    /// The escaped texts of a rule base.
    pub fn new(rules: &RuleBase) -> Self {
        let mut texts = EscapedTexts::default();
        each_text(rules, &mut |text| texts.add(text));
        texts
    }

    fn add(&mut self, text: &str) {
        let key = (text.as_ptr() as usize, text.len());
        if self.at.contains_key(&key) {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        let middle = self.text.len();
        let mut escaped = Vec::with_capacity(text.len() + 2);
        crate::clean::write_json(&mut escaped, text).expect("a string serializes to memory");
        self.text
            .push_str(std::str::from_utf8(&escaped).expect("serde_json writes UTF-8"));
        let end = self.text.len();
        self.at.insert(key, Span { start, middle, end });
    }

    /// The parts of every JSONL record of `rules`, the rule base this table was made for.
    pub(crate) fn record_parts(&self, rules: &RuleBase) -> &crate::batch::record::Parts {
        self.record
            .0
            .get_or_init(|| crate::batch::record::Parts::new(rules))
    }

    /// The escaped form of `text`, quotes included, when it is one of the rule base's own
    /// strings.
    pub fn get(&self, text: &str) -> Option<&str> {
        let span = self.at.get(&(text.as_ptr() as usize, text.len()))?;
        (&self.text[span.start..span.middle] == text).then(|| &self.text[span.middle..span.end])
    }
}

/// Hashes an address and a length: they are already spread, so a multiplication will do.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Calls `f` with every string a report can show.
fn each_text(rb: &RuleBase, f: &mut impl FnMut(&str)) {
    let opt = |text: &Option<super::text::Text>, f: &mut dyn FnMut(&str)| {
        if let Some(text) = text {
            f(text);
        }
    };
    let q = &rb.questionnaire;
    for section in &q.sections {
        f(&section.id);
        f(&section.title);
        opt(&section.intro, f);
        if let Some(refine) = &section.refine {
            f(&refine.check);
        }
    }
    for question in &q.questions {
        f(&question.id);
        f(&question.label);
        f(&question.text);
        opt(&question.note, f);
        opt(&question.help, f);
        for option in &question.options {
            f(&option.value);
            f(&option.label);
        }
    }
    for source in &rb.sources {
        f(&source.id);
        f(&source.title);
        opt(&source.name, f);
        opt(&source.document, f);
        opt(&source.publisher, f);
        opt(&source.url, f);
    }
    for cause in &rb.causes {
        f(&cause.id);
        f(&cause.title);
        f(&cause.summary);
        if let Some(e) = &cause.escalate {
            f(&e.reason);
            opt(&e.self_care_note, f);
        }
    }
    for strategy in &rb.strategies {
        f(&strategy.id);
        f(&strategy.title);
        f(&strategy.how_to);
    }
    for level in &rb.levels {
        f(&level.id);
        f(&level.title);
        opt(&level.time_frame, f);
        f(&level.action);
        opt(&level.self_care_note, f);
    }
    for rule in &rb.rules {
        f(&rule.id);
        match &rule.then {
            Conclusion::Escalate(e) => {
                f(&e.reason);
                opt(&e.self_care_note, f);
            }
            Conclusion::Decide { reason, .. } => f(reason),
            Conclusion::Evidence { .. } => {}
        }
    }
    f(&rb.disclaimer);
    if let Some(floor) = &rb.unanswered {
        f(&floor.reason);
    }
    if let Some(net) = &rb.safety_net {
        f(&net.title);
        net.signs.iter().for_each(|sign| f(sign));
        f(&net.action);
    }
    if let Some(today) = &rb.run_today {
        f(&today.title);
        for decision in &today.decisions {
            f(&decision.id);
            f(&decision.title);
            f(&decision.advice);
        }
        f(&today.plan.title);
        f(&today.plan.move_on);
        for step in &today.plan.steps {
            f(&step.id);
            f(&step.run);
            opt(&step.figures, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_bases_own_text_is_found_and_nothing_else() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let texts = EscapedTexts::new(&rb);
        let title = &rb.causes[0].title;
        let mut expected = Vec::new();
        crate::clean::write_json(&mut expected, title.as_str()).unwrap();
        assert_eq!(texts.get(title).map(str::as_bytes), Some(&expected[..]));
        // The same words elsewhere, or part of the text, are escaped as they are written.
        assert_eq!(texts.get(&title.to_string()), None);
        assert_eq!(texts.get(&title[..title.len() - 1]), None);
        // Text changed after the table was made is not taken for what it was.
        let mut changed = rb.clone();
        let texts = EscapedTexts::new(&changed);
        changed.causes[0].title = format!("#{}", &title[1..]).into();
        assert_eq!(texts.get(&changed.causes[0].title), None);
    }
}
