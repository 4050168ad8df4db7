//! Loading a rule base: parse the six files, then cross-check everything once.
//!
//! All problems are collected, not just the first, so an author fixes a file in one pass.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::files::{
    BoutFact, CausesFile, ChecklistEntry, ChecklistItemEntry, ConclusionEntry, ConditionEntry,
    EscalateEntry, EscalationFile, FromBoutEntry, FromTrainingEntry, QuestionKindEntry,
    QuestionnaireFile, RulesFile, SourcesFile, StrategiesFile,
};
use super::model::*;
use super::text::Text;
use crate::clean::{self, clean};
use crate::suggest::did_you_mean;

/// The six files of a rule base, by name.
pub const FILE_NAMES: [&str; 6] = [
    "sources.json",
    "questionnaire.json",
    "causes.json",
    "strategies.json",
    "escalation.json",
    "rules.json",
];

/// The largest rule file accepted, in bytes: the shipped files are tens of kilobytes, and
/// the limit keeps a stray or hostile file from exhausting memory.
pub const MAX_RULE_FILE_BYTES: usize = 4 << 20;

/// Why a rule base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read rule file {}: {source}", clean::path(.path))]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A file is larger than [`MAX_RULE_FILE_BYTES`].
    #[error(
        "rule file {} is larger than the {} MiB limit for one rule file",
        clean(.file),
        MAX_RULE_FILE_BYTES >> 20
    )]
    TooLarge {
        /// The file, as shown to the author.
        file: String,
    },
    /// One or more files are malformed or inconsistent.
    #[error("the rule base in {} is invalid ({} problem{}):\n{}", clean(.origin), problems.len(), if problems.len() == 1 { "" } else { "s" }, list(problems))]
    Invalid {
        /// Where the rule base came from.
        origin: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// How many problems a refused rule base lists, and suggests near misses for: an author
/// fixes the first ones and runs again, and a hostile folder of tens of thousands of bad
/// references must not cost minutes of suggestions and megabytes of message.
pub const MAX_PROBLEMS_LISTED: usize = 200;

fn list(problems: &[Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(MAX_PROBLEMS_LISTED)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > MAX_PROBLEMS_LISTED {
        lines.push(format!(
            "  and {} more, not listed",
            problems.len() - MAX_PROBLEMS_LISTED
        ));
    }
    lines.join("\n")
}

/// One thing wrong with a rule file: where, and what would be right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, as shown to the author.
    pub file: String,
    /// `line:column` for syntax errors, or a JSON pointer to the offending value.
    pub location: String,
    /// The item, e.g. "rule `hill_pain`", when one is known.
    pub item: Option<String>,
    /// What is wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every part can hold text from the file (an id, a key serde did not expect).
        write!(f, "{}:{}: ", clean(&self.file), clean(&self.location))?;
        if let Some(item) = &self.item {
            write!(f, "{}: ", clean(item))?;
        }
        f.write_str(&clean(&self.message))
    }
}

/// The text of one rule file and the name to show for it.
pub struct RuleFile {
    /// Name shown in messages (a path, or `rules/x.json (embedded)`).
    pub name: String,
    /// The JSON text.
    pub text: String,
}

/// Loads the six files from a folder.
pub fn load_dir(dir: &Path) -> Result<RuleBase, LoadError> {
    let mut files = Vec::with_capacity(FILE_NAMES.len());
    for name in FILE_NAMES {
        let path = dir.join(name);
        files.push(RuleFile {
            name: path.display().to_string(),
            text: read_limited(&path)?,
        });
    }
    let files: [RuleFile; 6] = files.try_into().unwrap_or_else(|_| unreachable!());
    load(dir.display().to_string(), files)
}

/// Reads a rule file, refusing one above [`MAX_RULE_FILE_BYTES`] without reading the rest.
fn read_limited(path: &Path) -> Result<String, LoadError> {
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(MAX_RULE_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(read_error)?;
    if bytes.len() > MAX_RULE_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: path.display().to_string(),
        });
    }
    String::from_utf8(bytes).map_err(|_| {
        read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Loads a rule base from the texts of its six files, in [`FILE_NAMES`] order.
pub fn load(origin: String, files: [RuleFile; 6]) -> Result<RuleBase, LoadError> {
    if let Some(big) = files.iter().find(|f| f.text.len() > MAX_RULE_FILE_BYTES) {
        return Err(LoadError::TooLarge {
            file: big.name.clone(),
        });
    }
    let [
        sources,
        questionnaire,
        causes,
        strategies,
        escalation,
        rules,
    ] = files;
    let mut problems = Vec::new();
    let sources = parse::<SourcesFile>(&sources, &mut problems);
    let questionnaire = parse::<QuestionnaireFile>(&questionnaire, &mut problems);
    let causes = parse::<CausesFile>(&causes, &mut problems);
    let strategies = parse::<StrategiesFile>(&strategies, &mut problems);
    let escalation = parse::<EscalationFile>(&escalation, &mut problems);
    let rules = parse::<RulesFile>(&rules, &mut problems);
    let (
        Some(sources),
        Some(questionnaire),
        Some(causes),
        Some(strategies),
        Some(escalation),
        Some(rules),
    ) = (
        sources,
        questionnaire,
        causes,
        strategies,
        escalation,
        rules,
    )
    else {
        return Err(LoadError::Invalid { origin, problems });
    };
    let mut checker = Checker {
        problems,
        origin: origin.clone(),
    };
    let base = checker.build(
        sources,
        questionnaire,
        causes,
        strategies,
        escalation,
        rules,
    );
    if checker.problems.is_empty() {
        Ok(base)
    } else {
        Err(LoadError::Invalid {
            origin,
            problems: checker.problems,
        })
    }
}

/// Parses one file, recording a syntax or shape error with line, column and path.
fn parse<T: DeserializeOwned>(file: &RuleFile, problems: &mut Vec<Problem>) -> Option<(String, T)> {
    let (name, text) = (&file.name, &file.text);
    // Most files are right: read them plainly, and only when that fails read again with
    // the path tracking that says where (a third of the load's work otherwise).
    if let Ok(value) = serde_json::from_str::<T>(text) {
        return Some((name.to_string(), value));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let result = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => de.end().map(|()| value).map_err(|e| (String::new(), e)),
        Err(err) => Err((err.path().to_string(), err.into_inner())),
    };
    match result {
        Ok(value) => Some((name.to_string(), value)),
        Err((path, inner)) => {
            let position = format!(" at line {} column {}", inner.line(), inner.column());
            let text = inner.to_string();
            let message = text.strip_suffix(&position).unwrap_or(&text);
            // serde_json says "expected value", as if the JSON were broken, when a value
            // of the wrong kind stands where a name or a condition belongs (`"type": 0`):
            // only text that does not parse as JSON at all is invalid JSON.
            let broken = (inner.is_syntax() || inner.is_eof())
                && (message != "expected value"
                    || serde_json::from_str::<serde::de::IgnoredAny>(&file.text).is_err());
            let message = if broken {
                format!("invalid JSON: {message}")
            } else if inner.is_syntax() {
                format!(
                    "at {path}: a value of the wrong kind; expected a name in quotes or an object, as rules/README.md shows"
                )
            } else if path == "." || path.is_empty() {
                message.to_string()
            } else {
                format!("at {path}: {message}")
            };
            problems.push(Problem {
                file: name.to_string(),
                location: format!("{}:{}", inner.line(), inner.column()),
                item: None,
                message,
            });
            None
        }
    }
}

/// Collects problems while turning file entries into the resolved model.
struct Checker {
    problems: Vec<Problem>,
    origin: String,
}

/// Where a value sits: file, JSON pointer, item. The pointer and the item are written out
/// only when a problem is reported: formatting them for every value checked was a quarter
/// of loading a rule base that has no problem.
#[derive(Clone)]
struct At<'a> {
    file: &'a str,
    pointer: Pointer<'a>,
    /// What sort of item, and its id: ("rule", "pain_at_night").
    item: Option<(&'static str, &'a str)>,
}

impl<'a> At<'a> {
    fn key(&self, key: impl Into<Segment<'a>>) -> Self {
        At {
            file: self.file,
            pointer: Pointer(Some(std::rc::Rc::new((self.pointer.clone(), key.into())))),
            item: self.item,
        }
    }
}

/// A JSON pointer as a chain of keys, root last.
#[derive(Clone, Default)]
struct Pointer<'a>(Option<std::rc::Rc<(Pointer<'a>, Segment<'a>)>>);

/// One key of a JSON pointer.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Name(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for Segment<'a> {
    fn from(name: &'a str) -> Self {
        Segment::Name(name)
    }
}

impl<'a> From<&'a String> for Segment<'a> {
    fn from(name: &'a String) -> Self {
        Segment::Name(name)
    }
}

impl From<usize> for Segment<'_> {
    fn from(index: usize) -> Self {
        Segment::Index(index)
    }
}

impl fmt::Display for Pointer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(link) = &self.0 {
            let (parent, segment) = &**link;
            write!(f, "{parent}/")?;
            match segment {
                Segment::Name(name) => f.write_str(name)?,
                Segment::Index(i) => write!(f, "{i}")?,
            }
        }
        Ok(())
    }
}

/// Which spelling an id must follow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdStyle {
    /// `snake_case`, starting with a letter.
    Id,
    /// Like `Id`, and `-` is allowed (`seed-002`).
    Source,
    /// Like `Id`, and may start with a digit (`500_to_800`).
    OptionValue,
}

/// Ids already seen, to resolve references and suggest near misses.
struct Ids<'a> {
    what: &'static str,
    map: HashMap<&'a str, usize>,
}

impl<'a> Ids<'a> {
    fn new(what: &'static str) -> Self {
        Ids {
            what,
            map: HashMap::new(),
        }
    }

    fn suggestion(&self, id: &str) -> String {
        did_you_mean(id, self.map.keys().copied())
    }
}

impl Checker {
    fn problem(&mut self, at: &At, message: impl Into<String>) {
        self.problems.push(Problem {
            file: at.file.to_string(),
            location: if at.pointer.0.is_none() {
                "/".to_string()
            } else {
                at.pointer.to_string()
            },
            item: at.item.map(|(kind, id)| format!("{kind} `{id}`")),
            message: message.into(),
        });
    }

    /// Registers a new id, reporting duplicates and ids that are not snake_case.
    fn define<'a>(
        &mut self,
        ids: &mut Ids<'a>,
        id: &'a str,
        index: usize,
        at: &At,
        style: IdStyle,
    ) {
        let ok_char = |c: char| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || (style == IdStyle::Source && c == '-')
        };
        let ok_start = |c: char| {
            c.is_ascii_lowercase() || (style == IdStyle::OptionValue && c.is_ascii_digit())
        };
        let (key, rule) = match style {
            IdStyle::Id => (
                "id",
                "start with a lowercase letter and use only a-z, 0-9 and _",
            ),
            IdStyle::Source => (
                "id",
                "start with a lowercase letter and use only a-z, 0-9, _ and -",
            ),
            IdStyle::OptionValue => ("value", "use only a-z, 0-9 and _"),
        };
        if !id.starts_with(ok_start) || !id.chars().all(ok_char) {
            self.problem(&at.key(key), format!("{} `{id}` must {rule}", ids.what));
        }
        if ids.map.insert(id, index).is_some() {
            self.problem(
                &at.key(key),
                format!("duplicate {} `{id}`; each must be unique", ids.what),
            );
        }
    }

    fn resolve(&mut self, ids: &Ids, id: &str, at: &At) -> Option<usize> {
        match ids.map.get(id) {
            Some(&i) => Some(i),
            None => {
                let suggestion = if self.problems.len() < MAX_PROBLEMS_LISTED {
                    ids.suggestion(id)
                } else {
                    String::new()
                };
                self.problem(at, format!("unknown {} `{id}`{suggestion}", ids.what));
                None
            }
        }
    }

    fn resolve_sources(&mut self, ids: &Ids, list: &[String], at: &At) -> Vec<SourceIdx> {
        if list.is_empty() {
            self.problem(
                at,
                "no sources: cite at least one source id from sources.json",
            );
        }
        list.iter()
            .enumerate()
            .filter_map(|(i, id)| self.resolve(ids, id, &at.key(i)))
            .collect()
    }

    fn text(&mut self, value: &str, at: &At) {
        if value.trim().is_empty() {
            self.problem(at, "empty text; write something the runner can read");
        }
    }

    fn build(
        &mut self,
        (sources_name, sources): (String, SourcesFile),
        (questionnaire_name, questionnaire): (String, QuestionnaireFile),
        (causes_name, causes): (String, CausesFile),
        (strategies_name, strategies): (String, StrategiesFile),
        (escalation_name, escalation): (String, EscalationFile),
        (rules_name, rules): (String, RulesFile),
    ) -> RuleBase {
        // Sources first: everything else cites them.
        let mut source_ids = Ids::new("source");
        let root = |file| At {
            file,
            pointer: Pointer::default(),
            item: None,
        };
        for (i, s) in sources.sources.iter().enumerate() {
            let at = root(&sources_name).key("sources").key(i);
            let at = At {
                item: Some(("source", &s.id)),
                ..at
            };
            self.define(&mut source_ids, &s.id, i, &at, IdStyle::Source);
            self.text(&s.title, &at.key("title"));
            if let Some(name) = &s.name {
                self.text(name, &at.key("name"));
            }
            if let Some(document) = &s.document {
                self.text(document, &at.key("document"));
            }
            if let Some(url) = &s.url
                && let Some(why) = super::url::problem(url)
            {
                self.problem(&at.key("url"), why);
            }
        }
        if sources.sources.is_empty() {
            self.problem(
                &root(&sources_name).key("sources"),
                "no sources; list every document the rule base cites",
            );
        }
        let left_out = sources
            .left_out
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let at = root(&sources_name).key("left_out").key(i);
                self.text(&l.claim, &at.key("claim"));
                self.text(&l.why, &at.key("why"));
                let see = l
                    .see
                    .iter()
                    .enumerate()
                    .filter_map(|(j, id)| self.resolve(&source_ids, id, &at.key("see").key(j)))
                    .collect();
                let source = self.resolve(&source_ids, &l.source, &at.key("source"))?;
                Some(LeftOut {
                    claim: l.claim.clone().into(),
                    source,
                    why: l.why.clone().into(),
                    see,
                })
            })
            .collect();
        let sources_out: Vec<Source> = sources
            .sources
            .iter()
            .map(|s| Source {
                id: s.id.clone().into(),
                title: s.title.clone().into(),
                kind: s.kind,
                name: s.name.clone().map(Text::from),
                document: s.document.clone().map(Text::from),
                publisher: s.publisher.clone().map(Text::from),
                year: s.year,
                url: s.url.clone().map(Text::from),
            })
            .collect();

        // Escalation levels.
        let mut level_ids = Ids::new("escalation level");
        let mut levels = Vec::new();
        for (i, l) in escalation.levels.iter().enumerate() {
            let at = root(&escalation_name).key("levels").key(i);
            let at = At {
                item: Some(("level", &l.id)),
                ..at
            };
            self.define(&mut level_ids, &l.id, i, &at, IdStyle::Id);
            self.text(&l.title, &at.key("title"));
            self.text(&l.action, &at.key("action"));
            if let Some(time_frame) = &l.time_frame {
                self.text(time_frame, &at.key("time_frame"));
            }
            if let Some(note) = &l.self_care_note {
                self.text(note, &at.key("self_care_note"));
            }
            if let Some(action) = &l.checkin_action {
                self.text(action, &at.key("checkin_action"));
            }
            let sources = self.resolve_sources(&source_ids, &l.sources, &at.key("sources"));
            levels.push(Level {
                id: l.id.clone().into(),
                title: l.title.clone().into(),
                time_frame: l.time_frame.clone().map(Text::from),
                action: l.action.clone().into(),
                self_care_note: l.self_care_note.clone().map(Text::from),
                checkin_action: l.checkin_action.clone().map(Text::from),
                seen_first: l.seen_first,
                sources,
            });
        }
        if levels.is_empty() {
            self.problem(
                &root(&escalation_name).key("levels"),
                "no escalation levels; at least one (the default, last) is required so every report has one",
            );
        }
        self.text(
            &escalation.disclaimer,
            &root(&escalation_name).key("disclaimer"),
        );
        let unanswered = escalation.unanswered.as_ref().and_then(|u| {
            let at = root(&escalation_name).key("unanswered");
            self.text(&u.reason, &at.key("reason"));
            let sources = self.resolve_sources(&source_ids, &u.sources, &at.key("sources"));
            let level = self.resolve(&level_ids, &u.level, &at.key("level"))?;
            Some(UnansweredFloor {
                level,
                reason: u.reason.clone().into(),
                sources,
            })
        });

        // Strategies.
        let mut strategy_ids = Ids::new("strategy");
        let mut strategies_out = Vec::new();
        for (i, s) in strategies.strategies.iter().enumerate() {
            let at = root(&strategies_name).key("strategies").key(i);
            let at = At {
                item: Some(("strategy", &s.id)),
                ..at
            };
            self.define(&mut strategy_ids, &s.id, i, &at, IdStyle::Id);
            self.text(&s.title, &at.key("title"));
            self.text(&s.how_to, &at.key("how_to"));
            let sources = self.resolve_sources(&source_ids, &s.sources, &at.key("sources"));
            strategies_out.push(Strategy {
                id: s.id.clone().into(),
                title: s.title.clone().into(),
                how_to: s.how_to.clone().into(),
                sources,
            });
        }
        let fallback_strategies = strategies
            .fallback
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                self.resolve(
                    &strategy_ids,
                    s,
                    &root(&strategies_name).key("fallback").key(i),
                )
            })
            .collect();

        // Causes.
        let mut cause_ids = Ids::new("cause");
        let mut causes_out = Vec::new();
        for (i, c) in causes.causes.iter().enumerate() {
            let at = root(&causes_name).key("causes").key(i);
            let at = At {
                item: Some(("cause", &c.id)),
                ..at
            };
            self.define(&mut cause_ids, &c.id, i, &at, IdStyle::Id);
            self.text(&c.title, &at.key("title"));
            self.text(&c.summary, &at.key("summary"));
            let strategies = c
                .strategies
                .iter()
                .enumerate()
                .filter_map(|(j, s)| self.resolve(&strategy_ids, s, &at.key("strategies").key(j)))
                .collect();
            let sources = self.resolve_sources(&source_ids, &c.sources, &at.key("sources"));
            let escalate = c
                .escalate
                .as_ref()
                .and_then(|e| self.escalate(&level_ids, e, &at.key("escalate")));
            causes_out.push(Cause {
                id: c.id.clone().into(),
                title: c.title.clone().into(),
                summary: c.summary.clone().into(),
                strategies,
                sources,
                escalate,
                unrated: c.unrated,
                start_first: c.start_first,
            });
        }

        // Questionnaire: questions may only depend on questions asked before them.
        let mut section_ids = Ids::new("section");
        let mut question_ids = Ids::new("question");
        let mut sections = Vec::new();
        let mut questions: Vec<Question> = Vec::new();
        if let Some(version) = &questionnaire.version {
            let parts: Vec<&str> = version.split('.').collect();
            let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
            if parts.len() != 3 || !parts.iter().all(numeric) {
                self.problem(
                    &root(&questionnaire_name).key("version"),
                    format!("version `{version}` must be three whole numbers, MAJOR.MINOR.PATCH, such as 1.2.0"),
                );
            }
        }
        for (si, s) in questionnaire.sections.iter().enumerate() {
            let at = root(&questionnaire_name).key("sections").key(si);
            let at = At {
                item: Some(("section", &s.id)),
                ..at
            };
            self.define(&mut section_ids, &s.id, si, &at, IdStyle::Id);
            self.text(&s.title, &at.key("title"));
            if s.questions.is_empty() {
                self.problem(
                    &at.key("questions"),
                    "a section needs at least one question",
                );
            }
            let start = questions.len();
            for (qi, q) in s.questions.iter().enumerate() {
                let at = at.key("questions").key(qi);
                let at = At {
                    item: Some(("question", &q.id)),
                    ..at
                };
                // Resolve the branch condition before defining the question, so it cannot
                // refer to itself.
                let ask_if = q.ask_if.as_ref().and_then(|c| {
                    self.condition(
                        c,
                        &question_ids,
                        &questions,
                        &at.key("ask_if"),
                        Some(&questionnaire.sections),
                    )
                });
                self.define(&mut question_ids, &q.id, questions.len(), &at, IdStyle::Id);
                self.text(&q.label, &at.key("label"));
                self.text(&q.text, &at.key("text"));
                if let Some(note) = &q.note {
                    self.text(note, &at.key("note"));
                }
                if let Some(help) = &q.help {
                    self.text(help, &at.key("help"));
                }
                let (kind, options) = self.question_kind(&q.kind, &at);
                questions.push(Question {
                    id: q.id.clone().into(),
                    label: q.label.clone().into(),
                    text: q.text.clone().into(),
                    note: q.note.clone().map(Text::from),
                    help: q.help.clone().map(Text::from),
                    section: si,
                    kind,
                    options,
                    ask_if,
                    informational: q.informational,
                    retired: q.retired.clone().map(Text::from),
                    summary: q.summary,
                    warning_sign: q.warning_sign,
                    from_training: None,
                    checkin: s.checkin,
                    from_bout: None,
                });
                if let Some(entry) = &q.from_training {
                    let last = questions.len() - 1;
                    let map =
                        self.training_figure(entry, &questions[last], &at.key("from_training"));
                    questions[last].from_training = map;
                }
                if let Some(why) = &q.retired {
                    self.text(why, &at.key("retired"));
                }
            }
            let refine = s.refine.as_ref().map(|r| {
                self.text(&r.check, &at.key("refine").key("check"));
                Refine {
                    check: r.check.clone().into(),
                    minutes: r.minutes,
                }
            });
            sections.push(Section {
                id: s.id.clone().into(),
                title: s.title.clone().into(),
                intro: s.intro.clone().map(Text::from),
                refine,
                checkin: s.checkin,
                questions: start..questions.len(),
            });
        }
        if questions.is_empty() {
            self.problem(
                &root(&questionnaire_name).key("sections"),
                "the questionnaire has no questions",
            );
        }

        let checklists = self.checklists(
            &questionnaire.checklists,
            &question_ids,
            &questions,
            &root(&questionnaire_name).key("checklists"),
            false,
        );
        for (i, c) in checklists.iter().enumerate() {
            if let Some(item) = c.items.iter().find(|item| questions[item.question].checkin) {
                self.problem(
                    &root(&questionnaire_name).key("checklists").key(i),
                    format!(
                        "question `{}` is a check-in's; only the check-in's `signs` can list it",
                        questions[item.question].id
                    ),
                );
            }
        }
        let checkin = questionnaire.checkin.as_ref().map(|c| {
            let at = root(&questionnaire_name).key("checkin");
            self.text(&c.title, &at.key("title"));
            if c.bout_weeks == 0 {
                self.problem(&at.key("bout_weeks"), "a bout lasts at least one week");
            }
            let signs = self
                .checklists(
                    std::slice::from_ref(&c.signs),
                    &question_ids,
                    &questions,
                    &at.key("signs"),
                    true,
                )
                .pop()
                .expect("one checklist in, one out");
            Checkin {
                title: c.title.clone().into(),
                bout_weeks: c.bout_weeks,
                signs,
            }
        });
        if checkin.is_none()
            && let Some(s) = sections.iter().position(|s: &Section| s.checkin)
        {
            self.problem(
                &root(&questionnaire_name).key("sections").key(s),
                "a check-in section needs the questionnaire's `checkin`",
            );
        }
        // Facts about the bout, once every question they name is known.
        let mut index = 0;
        for (si, s) in questionnaire.sections.iter().enumerate() {
            for (qi, q) in s.questions.iter().enumerate() {
                index += 1;
                let Some(entry) = &q.from_bout else { continue };
                let at = root(&questionnaire_name)
                    .key("sections")
                    .key(si)
                    .key("questions")
                    .key(qi);
                let at = At {
                    item: Some(("question", &q.id)),
                    ..at.key("from_bout")
                };
                let fact =
                    self.bout_fact(entry, &questions[index - 1], &question_ids, &questions, &at);
                questions[index - 1].from_bout = fact;
            }
        }

        // The safety net, once its condition can refer to any question.
        let safety_net = escalation.safety_net.as_ref().map(|n| {
            let at = root(&escalation_name).key("safety_net");
            self.text(&n.title, &at.key("title"));
            self.text(&n.action, &at.key("action"));
            if n.signs.is_empty() {
                self.problem(
                    &at.key("signs"),
                    "no signs; list what means \"get help now\"",
                );
            }
            for (i, sign) in n.signs.iter().enumerate() {
                self.text(sign, &at.key("signs").key(i));
            }
            let prominent_when = n.prominent_when.as_ref().and_then(|c| {
                self.condition(
                    c,
                    &question_ids,
                    &questions,
                    &at.key("prominent_when"),
                    None,
                )
            });
            SafetyNet {
                title: n.title.clone().into(),
                signs: n.signs.clone().into_iter().map(Text::from).collect(),
                action: n.action.clone().into(),
                prominent_when,
                sources: self.resolve_sources(&source_ids, &n.sources, &at.key("sources")),
            }
        });

        // "Should I run today?"
        let mut decision_ids = Ids::new("decision");
        let run_today = escalation.run_today.as_ref().map(|r| {
            let at = root(&escalation_name).key("run_today");
            self.text(&r.title, &at.key("title"));
            let mut decisions = Vec::new();
            for (i, d) in r.decisions.iter().enumerate() {
                let at = At {
                    item: Some(("decision", &d.id)),
                    ..at.key("decisions").key(i)
                };
                self.define(&mut decision_ids, &d.id, i, &at, IdStyle::Id);
                self.text(&d.title, &at.key("title"));
                self.text(&d.advice, &at.key("advice"));
                if !(-1..=1).contains(&d.plan_move) {
                    self.problem(&at.key("plan_move"), "`plan_move` is -1, 0 or 1");
                }
                decisions.push(Decision {
                    id: d.id.clone().into(),
                    title: d.title.clone().into(),
                    advice: d.advice.clone().into(),
                    plan_move: d.plan_move,
                    runs: d.runs,
                    sources: self.resolve_sources(&source_ids, &d.sources, &at.key("sources")),
                });
            }
            if decisions.is_empty() {
                self.problem(&at.key("decisions"), "no decisions; list at least one");
            }
            let plan_at = at.key("plan");
            self.text(&r.plan.title, &plan_at.key("title"));
            self.text(&r.plan.move_on, &plan_at.key("move_on"));
            let mut step_ids = Ids::new("plan step");
            let steps = r
                .plan
                .steps
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let at = At {
                        item: Some(("plan step", &step.id)),
                        ..plan_at.key("steps").key(i)
                    };
                    self.define(&mut step_ids, &step.id, i, &at, IdStyle::Id);
                    self.text(&step.run, &at.key("run"));
                    if let Some(figures) = &step.figures {
                        self.text(figures, &at.key("figures"));
                    }
                    PlanStep {
                        id: step.id.clone().into(),
                        run: step.run.clone().into(),
                        figures: step.figures.clone().map(Text::from),
                        sources: self.resolve_sources(
                            &source_ids,
                            &step.sources,
                            &at.key("sources"),
                        ),
                    }
                })
                .collect::<Vec<_>>();
            if steps.is_empty() {
                self.problem(&plan_at.key("steps"), "no steps; list at least one");
            }
            let limit = r.spike_limit.percent;
            if !(limit.is_finite() && limit > 0.0 && limit <= 100.0) {
                self.problem(
                    &at.key("spike_limit").key("percent"),
                    format!("{limit} is out of range; expected a per cent above 0, up to 100"),
                );
            }
            let running_when = self
                .condition(
                    &r.plan.running_when,
                    &question_ids,
                    &questions,
                    &plan_at.key("running_when"),
                    None,
                )
                .unwrap_or(Condition::All(Vec::new()));
            if let Some(advice) = &r.seen_first_advice {
                self.text(advice, &at.key("seen_first_advice"));
            }
            RunToday {
                title: r.title.clone().into(),
                seen_first_advice: r.seen_first_advice.clone().map(Text::from),
                decisions,
                plan: Plan {
                    title: r.plan.title.clone().into(),
                    move_on: r.plan.move_on.clone().into(),
                    steps,
                    running_when,
                    sources: self.resolve_sources(
                        &source_ids,
                        &r.plan.sources,
                        &plan_at.key("sources"),
                    ),
                },
                spike_limit: limit,
                spike_sources: self.resolve_sources(
                    &source_ids,
                    &r.spike_limit.sources,
                    &at.key("spike_limit").key("sources"),
                ),
            }
        });
        if checkin.is_some() != run_today.is_some() {
            self.problem(
                &root(&escalation_name),
                "a check-in (questionnaire.json `checkin`) and `run_today` (escalation.json) come together",
            );
        }

        // Rules.
        let mut rule_ids = Ids::new("rule");
        let mut rules_out = Vec::new();
        for (i, r) in rules.rules.iter().enumerate() {
            let at = root(&rules_name).key("rules").key(i);
            let at = At {
                item: Some(("rule", &r.id)),
                ..at
            };
            self.define(&mut rule_ids, &r.id, i, &at, IdStyle::Id);
            let when = self.condition(&r.when, &question_ids, &questions, &at.key("when"), None);
            let then = match &r.then {
                ConclusionEntry::Evidence(e) => {
                    let at = at.key("then").key("evidence");
                    if !(e.strength.is_finite()
                        && (-1.0..=1.0).contains(&e.strength)
                        && e.strength != 0.0)
                    {
                        self.problem(
                            &at.key("strength"),
                            format!(
                                "strength {} is out of range; expected a number in [-1, 1], not 0",
                                e.strength
                            ),
                        );
                    }
                    self.resolve(&cause_ids, &e.cause, &at.key("cause"))
                        .map(|cause| Conclusion::Evidence {
                            cause,
                            strength: e.strength,
                        })
                }
                ConclusionEntry::Escalate(e) => self
                    .escalate(&level_ids, e, &at.key("then").key("escalate"))
                    .map(Conclusion::Escalate),
                ConclusionEntry::Decide(d) => {
                    let at = at.key("then").key("decide");
                    self.text(&d.reason, &at.key("reason"));
                    match &run_today {
                        Some(_) => self
                            .resolve(&decision_ids, &d.decision, &at.key("decision"))
                            .map(|decision| Conclusion::Decide {
                                decision,
                                reason: d.reason.clone().into(),
                            }),
                        None => {
                            self.problem(
                                &at,
                                "a rule decides \"should I run today?\" but escalation.json has no `run_today`",
                            );
                            None
                        }
                    }
                }
            };
            let sources = self.resolve_sources(&source_ids, &r.sources, &at.key("sources"));
            if let (Some(when), Some(then)) = (when, then) {
                let mut checkin = matches!(then, Conclusion::Decide { .. });
                when.visit_questions(&mut |q| checkin |= questions[q].checkin);
                rules_out.push(Rule {
                    id: r.id.clone().into(),
                    when,
                    then,
                    sources,
                    checkin,
                });
            }
        }

        let mut questionnaire = Questionnaire::new(
            questionnaire.version.clone().map(Text::from),
            sections,
            questions,
            checklists,
        );
        questionnaire.checkin = checkin;
        let plan = super::model::EnginePlan::new(
            &questionnaire,
            &rules_out,
            &causes_out,
            unanswered.as_ref(),
        );
        RuleBase {
            origin: self.origin.clone().into(),
            questionnaire,
            sources: sources_out,
            left_out,
            causes: causes_out,
            strategies: strategies_out,
            levels,
            rules: rules_out,
            disclaimer: escalation.disclaimer.into(),
            unanswered,
            safety_net,
            run_today,
            fallback_strategies,
            files: FileNames {
                sources: sources_name.into(),
                questionnaire: questionnaire_name.into(),
                causes: causes_name.into(),
                strategies: strategies_name.into(),
                escalation: escalation_name.into(),
                rules: rules_name.into(),
            },
            plan,
            escaped: Default::default(),
        }
    }

    /// Resolves the checklists: every item a `yes_no` question (ticked means yes) or a value
    /// of a `multi` question, able to say "no" (or "none") and "unsure"; all from one
    /// section, asked unconditionally, and each question in one checklist only.
    fn checklists(
        &mut self,
        entries: &[ChecklistEntry],
        ids: &Ids,
        questions: &[Question],
        at: &At,
        shared: bool,
    ) -> Vec<Checklist> {
        let mut checklist_ids = Ids::new("checklist");
        let mut taken: Vec<QuestionIdx> = Vec::new();
        let mut out = Vec::new();
        for (ci, c) in entries.iter().enumerate() {
            let at = At {
                item: Some(("checklist", &c.id)),
                ..at.key(ci)
            };
            self.define(&mut checklist_ids, &c.id, ci, &at, IdStyle::Id);
            self.text(&c.text, &at.key("text"));
            if let Some(note) = &c.note {
                self.text(note, &at.key("note"));
            }
            if let Some(help) = &c.help {
                self.text(help, &at.key("help"));
            }
            if c.items.len() < 2 {
                self.problem(&at.key("items"), "a checklist needs at least two items");
            }
            let mut items = Vec::new();
            for (ii, item) in c.items.iter().enumerate() {
                let at = at.key("items").key(ii);
                let (id, value, label) = match item {
                    ChecklistItemEntry::Question(id) => (id.as_str(), None, None),
                    ChecklistItemEntry::Value {
                        question,
                        value,
                        label,
                    } => (question.as_str(), value.as_deref(), label.as_ref()),
                };
                if let Some(label) = label {
                    if shared {
                        self.text(label, &at.key("label"));
                    } else {
                        self.problem(
                            &at.key("label"),
                            "only a check-in's `signs` give an item its own label",
                        );
                    }
                }
                let Some(q) = self.resolve(ids, id, &at) else {
                    continue;
                };
                let question = &questions[q];
                let needs = |v: &str| question.option(v).is_some();
                let option = match (&question.kind, value) {
                    (AnswerKind::YesNo, None) if needs("unsure") => question.option("yes"),
                    // A check-in re-screens a single choice through one of its values.
                    (AnswerKind::Single, Some(v)) if shared && needs("none") && needs("unsure") => {
                        let o = question.option(v);
                        if o.is_none() || matches!(v, "none" | "unsure") {
                            self.problem(
                                &at,
                                format!("question `{id}` has no option `{v}` a tick can stand for"),
                            );
                            continue;
                        }
                        o
                    }
                    (AnswerKind::Multi, Some(v)) if needs("none") && needs("unsure") => {
                        let o = question.option(v);
                        if o.is_none_or(|o| question.options[o].exclusive) {
                            self.problem(
                                &at,
                                format!(
                                    "question `{id}` has no option `{v}` that can be ticked with others; expected one of: {}",
                                    question
                                        .options
                                        .iter()
                                        .filter(|o| !o.exclusive)
                                        .map(|o| o.value.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            );
                            continue;
                        }
                        o
                    }
                    _ => {
                        self.problem(
                            &at,
                            format!(
                                "question `{id}` cannot be a checklist item: an item is a `yes_no` question that offers \"unsure\", or {{ \"question\", \"value\" }} of a `multi` question with exclusive `none` and `unsure` options"
                            ),
                        );
                        continue;
                    }
                };
                let Some(option) = option else { continue };
                if question.ask_if.is_some() {
                    self.problem(
                        &at,
                        format!("question `{id}` has an `ask_if`; a checklist is asked whole, so its questions cannot have one"),
                    );
                }
                if !shared
                    && taken.contains(&q)
                    && !items.iter().any(|i: &ChecklistItem| i.question == q)
                {
                    self.problem(
                        &at,
                        format!("question `{id}` is already in another checklist"),
                    );
                }
                if !shared
                    && let Some(first) = items.first()
                    && questions[first.question].section != question.section
                {
                    self.problem(
                        &at,
                        format!("question `{id}` is in another section than the checklist's first item; a checklist's questions share a section"),
                    );
                }
                taken.push(q);
                if shared && items.iter().any(|i: &ChecklistItem| i.question == q) {
                    self.problem(&at, format!("question `{id}` is on this checklist already"));
                }
                items.push(ChecklistItem {
                    question: q,
                    option,
                    label: label.cloned().map(Text::from),
                });
            }
            out.push(Checklist {
                id: c.id.clone().into(),
                text: c.text.clone().into(),
                note: c.note.clone().map(Text::from),
                help: c.help.clone().map(Text::from),
                items,
            });
        }
        out
    }

    /// Resolves how a training-log figure answers a question: a number question takes the
    /// number; a choice question needs ascending bands (the last open-ended); a multiple
    /// choice, kinds mapped to its options.
    fn training_figure(
        &mut self,
        entry: &FromTrainingEntry,
        question: &Question,
        at: &At,
    ) -> Option<FromTraining> {
        if entry.figure.trim().is_empty() {
            self.problem(&at.key("figure"), "empty figure name");
            return None;
        }
        let option = |this: &mut Self, value: &str, at: &At| {
            let found = question.option(value);
            if found.is_none() {
                this.problem(
                    at,
                    format!(
                        "question `{}` has no option `{value}`; expected one of: {}",
                        question.id,
                        question.option_list()
                    ),
                );
            }
            found
        };
        let map = match (
            &question.kind,
            entry.bands.is_empty(),
            entry.kinds.is_empty(),
        ) {
            (AnswerKind::Number { .. } | AnswerKind::Scale { .. }, true, true) => FigureMap::Number,
            (AnswerKind::YesNo | AnswerKind::Single, false, true) => {
                let mut bands = Vec::new();
                let mut previous = f64::NEG_INFINITY;
                for (i, band) in entry.bands.iter().enumerate() {
                    let at = at.key("bands").key(i);
                    let last = i + 1 == entry.bands.len();
                    match band.up_to {
                        Some(up_to) if !last && up_to.is_finite() && up_to > previous => {
                            previous = up_to
                        }
                        None if last => {}
                        _ => {
                            self.problem(
                                &at,
                                "bands rise in order, each with a larger `up_to`, and only the last has none",
                            );
                            return None;
                        }
                    }
                    bands.push((band.up_to, option(self, &band.value, &at.key("value"))?));
                }
                FigureMap::Bands(bands)
            }
            (AnswerKind::Multi, true, false) => {
                let mut kinds = Vec::new();
                for (kind, value) in &entry.kinds {
                    let o = option(self, value, &at.key("kinds").key(kind))?;
                    kinds.push((kind.clone().into(), o));
                }
                FigureMap::Kinds(kinds)
            }
            _ => {
                self.problem(
                    at,
                    format!(
                        "a `{}` question takes a figure {}",
                        question.kind.name(),
                        match question.kind {
                            AnswerKind::Number { .. } | AnswerKind::Scale { .. } =>
                                "as it is: no `bands` or `kinds`",
                            AnswerKind::Multi => "through `kinds`",
                            _ => "through `bands`",
                        }
                    ),
                );
                return None;
            }
        };
        Some(FromTraining {
            figure: entry.figure.clone().into(),
            map,
        })
    }

    /// Resolves a fact about the bout: on a `number` question of a check-in section, with
    /// the questions and figures its kind of fact needs.
    fn bout_fact(
        &mut self,
        entry: &FromBoutEntry,
        question: &Question,
        ids: &Ids,
        questions: &[Question],
        at: &At,
    ) -> Option<FromBout> {
        if !question.checkin || !matches!(question.kind, AnswerKind::Number { .. }) {
            self.problem(
                at,
                "a fact about the bout answers a `number` question of a check-in section",
            );
            return None;
        }
        let needs = |fact: BoutFact| match fact {
            BoutFact::Days | BoutFact::Runs | BoutFact::Spike => (false, false),
            BoutFact::Change | BoutFact::WeekChange => (true, true),
        };
        let (of_needed, start_needed) = needs(entry.fact);
        let question_at =
            |this: &mut Self, key: &str, id: &Option<String>, needed: bool, checkin: bool| match (
                id, needed,
            ) {
                (Some(id), true) => {
                    let q = this.resolve(ids, id, &at.key(key))?;
                    if questions[q].checkin != checkin {
                        let whose = if checkin {
                            "a check-in's"
                        } else {
                            "an assessment's"
                        };
                        this.problem(&at.key(key), format!("`{key}` names {whose} question"));
                    }
                    Some(q)
                }
                (None, true) => {
                    this.problem(at, format!("this fact needs `{key}`"));
                    None
                }
                (Some(_), false) => {
                    this.problem(&at.key(key), format!("`{key}` does not apply to this fact"));
                    None
                }
                (None, false) => None,
            };
        let of = question_at(self, "of", &entry.of, of_needed, true);
        let start = question_at(self, "start", &entry.start, start_needed, false);
        let worst_of = entry.worst_of.unwrap_or(1);
        if entry.worst_of.is_some() && entry.fact != BoutFact::Change {
            self.problem(&at.key("worst_of"), "`worst_of` applies to `change` only");
        } else if !(1..=10).contains(&worst_of) {
            self.problem(&at.key("worst_of"), "`worst_of` is 1 to 10");
        }
        let days = entry.days.unwrap_or(7);
        if entry.days.is_some() && entry.fact != BoutFact::WeekChange {
            self.problem(&at.key("days"), "`days` applies to `week_change` only");
        }
        Some(FromBout {
            fact: entry.fact,
            of,
            start,
            worst_of: worst_of as usize,
            days,
        })
    }

    fn escalate(&mut self, levels: &Ids, e: &EscalateEntry, at: &At) -> Option<Escalate> {
        self.text(&e.reason, &at.key("reason"));
        if let Some(note) = &e.self_care_note {
            self.text(note, &at.key("self_care_note"));
        }
        let level = self.resolve(levels, &e.level, &at.key("level"))?;
        Some(Escalate {
            level,
            reason: e.reason.clone().into(),
            self_care_note: e.self_care_note.clone().map(Text::from),
        })
    }

    fn question_kind(&mut self, entry: &QuestionKindEntry, at: &At) -> (AnswerKind, Vec<Choice>) {
        let choice = |value: &'static str, label: &'static str| Choice {
            value: value.into(),
            label: label.into(),
            exclusive: false,
        };
        match entry {
            QuestionKindEntry::YesNo { unsure } => {
                let mut options = vec![choice("yes", "Yes"), choice("no", "No")];
                if *unsure {
                    options.push(choice("unsure", "Not sure"));
                }
                (AnswerKind::YesNo, options)
            }
            QuestionKindEntry::Single { options } | QuestionKindEntry::Multi { options } => {
                let multi = matches!(entry, QuestionKindEntry::Multi { .. });
                let at = at.key("options");
                if options.len() < 2 {
                    self.problem(&at, "a choice question needs at least two options");
                }
                if options.len() > 64 {
                    self.problem(
                        &at,
                        format!("{} options; a question may have at most 64", options.len()),
                    );
                }
                let mut ids = Ids::new("option");
                for (i, o) in options.iter().enumerate() {
                    let at = at.key(i);
                    self.define(&mut ids, &o.value, i, &at, IdStyle::OptionValue);
                    self.text(&o.label, &at.key("label"));
                    if o.exclusive && !multi {
                        self.problem(
                            &at.key("exclusive"),
                            "`exclusive` only applies to options of a `multi` question",
                        );
                    }
                }
                let kind = if multi {
                    AnswerKind::Multi
                } else {
                    AnswerKind::Single
                };
                let options = options
                    .iter()
                    .map(|o| Choice {
                        value: o.value.clone().into(),
                        label: o.label.clone().into(),
                        exclusive: o.exclusive,
                    })
                    .collect();
                (kind, options)
            }
            QuestionKindEntry::Number {
                unit,
                unit_one,
                min,
                max,
                integer,
            } => {
                if !(min.is_finite() && max.is_finite() && min < max) {
                    self.problem(
                        at,
                        format!("range {min}..{max} is empty; `min` must be below `max`"),
                    );
                }
                self.text(unit, &at.key("unit"));
                if let Some(one) = unit_one {
                    self.text(one, &at.key("unit_one"));
                }
                (
                    AnswerKind::Number {
                        unit: unit.clone().into(),
                        unit_one: unit_one.clone().map(Text::from),
                        min: *min,
                        max: *max,
                        integer: *integer,
                    },
                    Vec::new(),
                )
            }
            QuestionKindEntry::Scale {
                min,
                max,
                min_label,
                max_label,
            } => {
                if min >= max {
                    self.problem(
                        at,
                        format!("scale {min}..{max} is empty; `min` must be below `max`"),
                    );
                }
                (
                    AnswerKind::Scale {
                        min: *min,
                        max: *max,
                        min_label: min_label.clone().map(Text::from),
                        max_label: max_label.clone().map(Text::from),
                    },
                    Vec::new(),
                )
            }
        }
    }

    /// Resolves a condition against the questions defined so far.
    ///
    /// `sections` is given for branch conditions, to explain that a question exists but
    /// is asked later.
    fn condition(
        &mut self,
        entry: &ConditionEntry,
        ids: &Ids,
        questions: &[Question],
        at: &At,
        sections: Option<&[super::files::SectionEntry]>,
    ) -> Option<Condition> {
        let many =
            |this: &mut Self, key: &str, list: &[ConditionEntry]| -> Option<Vec<Condition>> {
                let at = at.key(key);
                if list.is_empty() {
                    this.problem(&at, format!("`{key}` needs at least one condition"));
                    return None;
                }
                let resolved: Vec<_> = list
                    .iter()
                    .enumerate()
                    .map(|(i, c)| this.condition(c, ids, questions, &at.key(i), sections))
                    .collect();
                resolved.into_iter().collect()
            };
        let question = |this: &mut Self, id: &str, at: &At| -> Option<QuestionIdx> {
            if let Some(&i) = ids.map.get(id) {
                return Some(i);
            }
            let later =
                sections.is_some_and(|s| s.iter().flat_map(|s| &s.questions).any(|q| q.id == id));
            if later {
                this.problem(
                    at,
                    format!("`ask_if` refers to `{id}`, which is not asked before this question; a branch may only depend on earlier questions"),
                );
            } else {
                this.problem(at, format!("unknown question `{id}`{}", ids.suggestion(id)));
            }
            None
        };
        let option = |this: &mut Self, q: &Question, value: &str, at: &At| -> Option<usize> {
            let found = q.option(value);
            if found.is_none() {
                this.problem(
                    at,
                    format!(
                        "question `{}` has no option `{value}`{}; expected one of: {}",
                        q.id,
                        did_you_mean(value, q.options.iter().map(|o| o.value.as_str())),
                        q.option_list()
                    ),
                );
            }
            found
        };
        let wrong_type = |this: &mut Self, q: &Question, op: &str, expected: &str, at: &At| {
            this.problem(
                at,
                format!(
                    "`{op}` cannot test question `{}` (type {}); it applies to {expected}",
                    q.id,
                    q.kind.name()
                ),
            );
        };
        match entry {
            ConditionEntry::All(list) => many(self, "all", list).map(Condition::All),
            ConditionEntry::Any(list) => many(self, "any", list).map(Condition::Any),
            ConditionEntry::Not(inner) => self
                .condition(inner, ids, questions, &at.key("not"), sections)
                .map(|c| Condition::Not(Box::new(c))),
            ConditionEntry::Equals(t) => {
                let at = at.key("equals");
                let qi = question(self, &t.question, &at.key("question"))?;
                let q = &questions[qi];
                if !matches!(q.kind, AnswerKind::YesNo | AnswerKind::Single) {
                    let hint = if q.kind == AnswerKind::Multi {
                        "yes_no and single questions; use `includes` for a multi question"
                    } else {
                        "yes_no and single questions; use at_least, at_most, less_than or greater_than for numbers"
                    };
                    wrong_type(self, q, "equals", hint, &at);
                    return None;
                }
                let o = option(self, q, &t.value, &at.key("value"))?;
                Some(Condition::Test {
                    question: qi,
                    test: Test::ChoiceIn(1 << o),
                })
            }
            ConditionEntry::OneOf(t) => {
                let at = at.key("one_of");
                let qi = question(self, &t.question, &at.key("question"))?;
                let q = &questions[qi];
                if !q.kind.is_choice() {
                    wrong_type(self, q, "one_of", "yes_no, single and multi questions", &at);
                    return None;
                }
                if t.values.is_empty() {
                    self.problem(
                        &at.key("values"),
                        "`values` is empty; list at least one option value",
                    );
                    return None;
                }
                let mut mask: OptionSet = 0;
                for (i, v) in t.values.iter().enumerate() {
                    mask |= 1 << option(self, q, v, &at.key("values").key(i))?;
                }
                let test = if q.kind == AnswerKind::Multi {
                    Test::Includes(mask)
                } else {
                    Test::ChoiceIn(mask)
                };
                Some(Condition::Test { question: qi, test })
            }
            ConditionEntry::Includes(t) => {
                let at = at.key("includes");
                let qi = question(self, &t.question, &at.key("question"))?;
                let q = &questions[qi];
                if q.kind != AnswerKind::Multi {
                    wrong_type(
                        self,
                        q,
                        "includes",
                        "multi questions; use `equals` or `one_of` for yes_no and single",
                        &at,
                    );
                    return None;
                }
                let o = option(self, q, &t.value, &at.key("value"))?;
                Some(Condition::Test {
                    question: qi,
                    test: Test::Includes(1 << o),
                })
            }
            ConditionEntry::AtLeast(t)
            | ConditionEntry::AtMost(t)
            | ConditionEntry::LessThan(t)
            | ConditionEntry::GreaterThan(t) => {
                let cmp = match entry {
                    ConditionEntry::AtLeast(_) => Comparison::AtLeast,
                    ConditionEntry::AtMost(_) => Comparison::AtMost,
                    ConditionEntry::LessThan(_) => Comparison::LessThan,
                    _ => Comparison::GreaterThan,
                };
                let at = at.key(cmp.key());
                let qi = question(self, &t.question, &at.key("question"))?;
                let q = &questions[qi];
                if !q.kind.is_numeric() {
                    wrong_type(self, q, cmp.key(), "number and scale questions", &at);
                    return None;
                }
                if !t.value.is_finite() {
                    self.problem(&at.key("value"), "expected a finite number");
                    return None;
                }
                Some(Condition::Test {
                    question: qi,
                    test: Test::Compare(cmp, t.value),
                })
            }
            ConditionEntry::Answered(id) => {
                let qi = question(self, id, &at.key("answered"))?;
                Some(Condition::Test {
                    question: qi,
                    test: Test::Answered,
                })
            }
            ConditionEntry::Unanswered(id) => {
                let qi = question(self, id, &at.key("unanswered"))?;
                Some(Condition::Test {
                    question: qi,
                    test: Test::Unanswered,
                })
            }
        }
    }
}
