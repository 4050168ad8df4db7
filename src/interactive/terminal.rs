//! The questionnaire in a real terminal, on standard error: lists from `list.rs`, numbers
//! typed in a line from `line.rs`.

use console::{Style, Term};

use super::flow::{
    ChecklistReply, EmergencyChoice, Progress, PromptError, Prompter, Reply, ReviewChoice,
    ReviewItem, Ticks, Welcome,
};
use super::line::{Entered, Line};
use super::list::{List, Picked};
use crate::answers::{Value, number, number_in_range};
use crate::report::text::clean;
use crate::rulebase::{AnswerKind, Checklist, Level, Question, Section};

/// Asks questions on standard error, which must be a terminal.
pub struct TerminalPrompter {
    term: Term,
    color: bool,
    /// Where the answers are kept, for the welcome screen.
    kept_in: Option<String>,
    /// Answers a training log gave, in words, by question: marked in the review while
    /// they are unchanged.
    from_log: Vec<(crate::rulebase::QuestionIdx, String)>,
    /// Whether the only answers at the start are the log's: a first run, not a resumed one.
    log_only: bool,
    /// Whether a question has named every key yet: the first does, the rest put them
    /// behind `?`.
    keys_taught: bool,
    /// The same for a typed number, whose keys differ.
    number_keys_taught: bool,
    /// Whether the runner asked to check their answers before the report.
    checking: bool,
    /// The questions shown, by id, and the checklists' questions, by index.
    shown: (Vec<String>, Vec<crate::rulebase::QuestionIdx>),
}

impl TerminalPrompter {
    /// A prompter on standard error; `color` picks colour, `kept_in` names where the
    /// answers are kept (shown on the welcome screen).
    pub fn new(color: bool, kept_in: Option<String>) -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            color,
            kept_in,
            from_log: Vec::new(),
            log_only: false,
            keys_taught: false,
            number_keys_taught: false,
            checking: false,
            shown: (Vec::new(), Vec::new()),
        }
    }

    /// Marks these answers, in words, as the training log's in the review; `log_only`
    /// says they are the only answers so far (the welcome is then a first run's).
    pub fn mark_from_log(
        &mut self,
        answers: Vec<(crate::rulebase::QuestionIdx, String)>,
        log_only: bool,
    ) {
        self.from_log = answers;
        self.log_only = log_only;
    }

    fn styled(&self, style: Style, text: &str) -> String {
        style.force_styling(self.color).apply_to(text).to_string()
    }

    fn width(&self) -> usize {
        usize::from(self.term.size().1).max(24) - 1
    }

    /// Writes `text` wrapped to the terminal, each line behind `indent`; the rows written.
    fn say(&self, indent: &str, text: &str, style: Style) -> Result<usize, PromptError> {
        self.say_hanging(indent, indent, text, style)
    }

    /// Like [`TerminalPrompter::say`], with a different indent after the first line (a
    /// bullet, say). Only the words are styled.
    fn say_hanging(
        &self,
        first: &str,
        rest: &str,
        text: &str,
        style: Style,
    ) -> Result<usize, PromptError> {
        let lines = super::list::wrap(&clean(text), self.width(), first, rest);
        for (i, line) in lines.iter().enumerate() {
            let prefix = if i == 0 { first } else { rest };
            let words = line.strip_prefix(prefix).unwrap_or(line);
            self.term
                .write_line(&format!("{prefix}{}", self.styled(style.clone(), words)))?;
        }
        // No line is wider than the terminal, so each takes one row.
        Ok(lines.len())
    }

    /// The lines above a question's list: a blank line, where the runner is, the question
    /// and its note; the rows they take, which the list keeps in sight.
    fn head(
        &self,
        section: &Section,
        p: Progress,
        text: &str,
        note: Option<&str>,
    ) -> Result<usize, PromptError> {
        self.term.write_line("")?;
        let mut rows = 1;
        rows += self.say("", &position(section, p), Style::new().dim())?;
        rows += self.say("", text, Style::new().bold())?;
        if let Some(note) = note {
            rows += self.say("", note, Style::new())?;
        }
        Ok(rows)
    }

    /// Whether this question names every key: only the first of the run does.
    fn teach_keys(&mut self) -> bool {
        !std::mem::replace(&mut self.keys_taught, true)
    }

    fn list<'x>(&self, prompt: &'x str, items: &'x [String], cursor: Option<usize>) -> List<'x> {
        List {
            prompt,
            items,
            multi: false,
            cursor,
            ticked: Vec::new(),
            exclusive: Vec::new(),
            scale_min: None,
            skip_and_back: true,
            color: self.color,
            above: 0,
            help: None,
            all_keys: true,
        }
    }

    /// A plain choice (not a question): nothing to skip or go back to.
    fn choose(
        &self,
        prompt: &str,
        items: &[String],
        cursor: Option<usize>,
    ) -> Result<usize, PromptError> {
        self.choose_under(0, prompt, items, cursor)
    }

    /// Like [`TerminalPrompter::choose`], below `above` rows that must stay in sight.
    fn choose_under(
        &self,
        above: usize,
        prompt: &str,
        items: &[String],
        cursor: Option<usize>,
    ) -> Result<usize, PromptError> {
        // A choice of one, or one after the first question named every key, names only
        // `?`; an emergency is never one of those.
        let list = List {
            skip_and_back: false,
            above,
            all_keys: items.len() > 1 && (!self.keys_taught || above > 0),
            ..self.list(prompt, items, cursor)
        };
        match list.interact(&self.term)? {
            Picked::One(i) => {
                self.answered(prompt, &items[i])?;
                Ok(i)
            }
            _ => Err(PromptError::Interrupted),
        }
    }

    /// The line left behind once a prompt is answered.
    fn answered(&self, prompt: &str, answer: &str) -> Result<(), PromptError> {
        // Styled as a whole after wrapping: text is cleaned before it is styled, never
        // after, or the cleaning would show the style's escape codes.
        // Wrapped lines sit under the answer, not under the prompt, unless the prompt takes
        // most of the line: then under its start, or the answer would fold a few letters
        // to a line.
        let under_answer = prompt.chars().count() + 1;
        let rest = " ".repeat(if under_answer * 2 > self.width() {
            2
        } else {
            under_answer
        });
        self.say_hanging(
            "",
            &rest,
            &format!("{prompt} {answer}"),
            Style::new().cyan(),
        )
        .map(drop)
    }

    /// Asks whether to refine the first result with the questions that need a video or a
    /// self-test; `true` to go on.
    pub fn offer_refine(
        &mut self,
        questions: usize,
        minutes: u32,
        about: &str,
    ) -> Result<bool, PromptError> {
        self.term.write_line("")?;
        self.say(
            "",
            &format!(
                "Refine your result: {questions} more question{} about your {about}, about {minutes} minute{}; some need a video or a quick self-test.",
                if questions == 1 { "" } else { "s" },
                if minutes == 1 { "" } else { "s" },
            ),
            Style::new().bold(),
        )?;
        let items = [
            "Yes, refine it now".to_string(),
            "No, I'm done for now".to_string(),
        ];
        Ok(self.choose("Refine now?", &items, None)? == 0)
    }

    /// Offers to continue an unfinished questionnaire: 0 continue, 1 start again.
    pub fn offer_resume(&mut self, when: &str, answers: usize) -> Result<bool, PromptError> {
        self.term.write_line("")?;
        self.say(
            "",
            &format!(
                "You have an unfinished questionnaire from {when}, with {answers} question{} answered so far.",
                if answers == 1 { "" } else { "s" }
            ),
            Style::new().bold(),
        )?;
        let items = [
            "Continue where I stopped".to_string(),
            "Start again (the unfinished answers are kept)".to_string(),
        ];
        Ok(self.choose("Continue?", &items, None)? == 0)
    }

    /// Offers a check-in on the bout assessed on `assessed_on` (a day in words), before a
    /// new assessment: `true` to check in. Nothing is chosen to begin with.
    pub fn offer_checkin(&mut self, assessed_on: &str) -> Result<bool, PromptError> {
        self.term.write_line("")?;
        let items = [
            "Yes, check in (about a minute)".to_string(),
            "No, start a new assessment".to_string(),
        ];
        let prompt = format!(
            "Check in on the back pain you assessed on {}?",
            clean(assessed_on)
        );
        Ok(self.choose(&prompt, &items, None)? == 0)
    }

    /// The lines before a check-in's first question: which bout it follows (`title`),
    /// how long it takes, and what a training log told (`notes`). A runner checking in
    /// has answered the whole questionnaire before: no more than that.
    pub fn checkin_intro(&mut self, title: &str, notes: &[String]) -> Result<(), PromptError> {
        self.term.write_line("")?;
        self.say("", title, Style::new().bold().underlined())?;
        self.say(
            "",
            "About a minute. Nothing leaves this computer.",
            Style::new(),
        )?;
        for note in notes {
            self.say("", note, Style::new())?;
        }
        Ok(())
    }

    /// Below a report whose top has scrolled away: the level reached and what to do, once
    /// more.
    pub fn in_short(&mut self, level: &Level) -> Result<(), PromptError> {
        let alarm = Style::new().bold().red();
        self.term.write_line("")?;
        self.say("", &format!("In short: {}.", level.title), alarm.clone())?;
        self.say("", &level.action, alarm)?;
        self.say(
            "",
            "The whole report is above: scroll up to read it.",
            Style::new(),
        )
        .map(drop)
    }

    /// Offers to save the printable page: `true` to save it.
    pub fn offer_print(&mut self) -> Result<bool, PromptError> {
        self.term.write_line("")?;
        let items = [
            "Yes, save a page to print".to_string(),
            "No thanks".to_string(),
        ];
        Ok(self.choose(
            "Save a page to print or show a physiotherapist?",
            &items,
            None,
        )? == 0)
    }

    /// A yes-or-no choice that starts with nothing chosen, so a stray Enter decides
    /// nothing; true for `yes`.
    pub fn confirm(&mut self, prompt: &str, yes: &str, no: &str) -> Result<bool, PromptError> {
        let items = [yes.to_string(), no.to_string()];
        Ok(self.choose(prompt, &items, None)? == 0)
    }

    /// The questions shown so far, on their own screens or on checklists.
    pub fn asked(
        &self,
        questionnaire: &crate::rulebase::Questionnaire,
    ) -> Vec<crate::rulebase::QuestionIdx> {
        let (ids, on_checklists) = &self.shown;
        ids.iter()
            .filter_map(|id| questionnaire.find(id))
            .chain(on_checklists.iter().copied())
            .collect()
    }

    /// Says something on its own line, after the questions.
    pub fn tell(&mut self, text: &str) -> Result<(), PromptError> {
        self.say("", text, Style::new()).map(drop)
    }
}

/// The items of a question's list: its options, or the points of a scale with their
/// labels at the ends.
fn items(question: &Question) -> Vec<String> {
    match &question.kind {
        AnswerKind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => (*min..=*max)
            .map(|v| match (v, min_label, max_label) {
                (v, Some(l), _) if v == *min => format!("{v}  {}", clean(l)),
                (v, _, Some(l)) if v == *max => format!("{v}  {}", clean(l)),
                (v, _, _) => v.to_string(),
            })
            .collect(),
        _ => question.options.iter().map(|o| clean(&o.label)).collect(),
    }
}

/// "Label: answer", or "Label: not answered".
fn answer_line(item: &ReviewItem) -> String {
    format!(
        "{}: {}",
        clean(&item.label),
        item.answer
            .as_deref()
            .map_or("not answered".to_string(), clean)
    )
}

/// Reads a typed number the way people write them: `45`, `45.5`, `45,5`, `45km`,
/// `45 km`.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-'))
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(end);
    let unit = unit.trim();
    if digits.is_empty()
        || !unit
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '/')
    {
        return Err(format!("\"{}\" is not a number", clean(text)));
    }
    let digits =
        if digits.contains(',') && !digits.contains('.') && digits.matches(',').count() == 1 {
            digits.replace(',', ".")
        } else {
            digits.to_string()
        };
    digits
        .parse()
        .map_err(|_| format!("\"{}\" is not a number", clean(text)))
}

/// The line above a question: "Warning signs - question 2 of about 25".
fn position(section: &Section, p: Progress) -> String {
    format!(
        "{}: {} of about {}",
        clean(&section.title),
        p.screen,
        p.screens
    )
}

const NONE: &str = "None of these";
const NOT_SURE: &str = "Not sure";

impl Prompter for TerminalPrompter {
    fn welcome(&mut self, welcome: Welcome) -> Result<(), PromptError> {
        self.term.write_line("")?;
        let bold = Style::new().bold();
        if welcome.resumed && !self.log_only {
            self.say("", "Welcome back: carrying on where you stopped.", bold)?;
        } else {
            self.say(
                "",
                "runback: a self-assessment for runners with back pain",
                bold.underlined(),
            )?;
            self.say(
                "",
                "About five minutes: warning signs first, then whether to see someone, how soon, and what to try.",
                Style::new(),
            )?;
        }
        let kept = match &self.kept_in {
            Some(path) => format!(
                "Nothing leaves this computer. Your answers are kept in {} so you can stop and carry on later.",
                clean(path)
            ),
            None => "Nothing leaves this computer.".to_string(),
        };
        self.say("", &kept, Style::new())?;
        if !self.from_log.is_empty() {
            let n = self.from_log.len();
            self.say(
                "",
                &format!(
                    "Your training log answered {n} question{} about your training. {} not asked again; you can check and change {} at the end.",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "It is" } else { "They are" },
                    if n == 1 { "it" } else { "them" },
                ),
                Style::new(),
            )?;
        }
        self.say("", "This is not a diagnosis.", Style::new())?;
        // The first question names every key, where they are used.
        let items = ["Start".to_string()];
        self.choose("Ready?", &items, Some(0)).map(drop)
    }

    fn section(&mut self, section: &Section) -> Result<(), PromptError> {
        // Every question's progress line names its section: a header of its own is worth
        // its words only with an introduction to go with it.
        if let Some(intro) = &section.intro {
            self.term.write_line("")?;
            self.say("", &section.title, Style::new().bold().underlined())?;
            self.say("", intro, Style::new())?;
        }
        Ok(())
    }

    fn ask(
        &mut self,
        question: &Question,
        section: &Section,
        current: Option<Value>,
        p: Progress,
    ) -> Result<Reply, PromptError> {
        self.shown.0.push(question.id.to_string());
        let above = self.head(section, p, &question.text, question.note.as_deref())?;
        let help = question.help.as_deref().map(clean);
        let all_keys = match question.kind {
            AnswerKind::Number { .. } => !std::mem::replace(&mut self.number_keys_taught, true),
            _ => self.teach_keys(),
        };
        let list = |prompt, items, cursor| List {
            above,
            help: help.as_deref(),
            all_keys,
            ..self.list(prompt, items, cursor)
        };
        match &question.kind {
            AnswerKind::YesNo | AnswerKind::Single | AnswerKind::Scale { .. } => {
                let items = items(question);
                let (cursor, scale_min) = match (&question.kind, current) {
                    (AnswerKind::Scale { min, .. }, Some(Value::Number(v))) => {
                        (Some((v as i64 - min) as usize), Some(*min))
                    }
                    (AnswerKind::Scale { min, .. }, _) => (None, Some(*min)),
                    (_, Some(Value::Choice(o))) => (Some(o), None),
                    // Nothing is chosen to begin with: a reflexive Enter answers nothing.
                    _ => (None, None),
                };
                // The question is right above: no prompt line of its own.
                let list = List {
                    scale_min,
                    ..list("", &items, cursor)
                };
                Ok(match list.interact(&self.term)? {
                    Picked::One(i) => {
                        self.answered("Your answer:", &items[i])?;
                        match question.kind {
                            AnswerKind::Scale { min, .. } => {
                                Reply::Answer(Value::Number((min + i as i64) as f64))
                            }
                            _ => Reply::Answer(Value::Choice(i)),
                        }
                    }
                    Picked::Many(_) | Picked::Skip => {
                        self.answered("Your answer:", "skipped")?;
                        Reply::Skip
                    }
                    Picked::Back => Reply::Back,
                })
            }
            AnswerKind::Multi => {
                let items = items(question);
                let n = items.len();
                let mut ticked = vec![false; n];
                if let Some(Value::Multi(set)) = current {
                    for (o, t) in ticked.iter_mut().enumerate() {
                        *t = set & (1 << o) != 0;
                    }
                }
                let list = List {
                    multi: true,
                    ticked,
                    exclusive: question.options.iter().map(|o| o.exclusive).collect(),
                    ..list("Tick all that apply:", &items, None)
                };
                Ok(match list.interact(&self.term)? {
                    Picked::Many(chosen) => {
                        let words: Vec<&str> = chosen.iter().map(|&o| items[o].as_str()).collect();
                        self.answered("Your answer:", &words.join(", "))?;
                        Reply::Answer(Value::Multi(chosen.iter().fold(0, |set, o| set | 1 << o)))
                    }
                    Picked::One(_) | Picked::Skip => {
                        self.answered("Your answer:", "skipped")?;
                        Reply::Skip
                    }
                    Picked::Back => Reply::Back,
                })
            }
            AnswerKind::Number { unit, min, max, .. } => {
                let range = format!("{} to {} {}", number(*min), number(*max), clean(unit));
                // Named in full the first time, and on `?`: s and b act only in an empty box.
                let keys = "With nothing typed, s skips and b goes back. Esc stops.";
                let hint = if all_keys {
                    format!("{range}. {keys}")
                } else {
                    format!("{range}. ? for help, Esc stops.")
                };
                // `?` names the keys where the hint no longer does.
                let help = match (&help, all_keys) {
                    (Some(help), true) => Some(help.clone()),
                    (Some(help), false) => Some(format!("{help} {keys}")),
                    (None, true) => None,
                    (None, false) => Some(keys.to_string()),
                };
                let label = format!("Your answer in {}:", clean(unit));
                let initial = match current {
                    Some(Value::Number(v)) => number(v),
                    _ => String::new(),
                };
                // A stray Enter never answers, nor skips: as in the lists.
                let validate = |input: &str| -> Result<(), String> {
                    if input.trim().is_empty() {
                        return Err("Nothing typed yet: type a number, or press s to skip.".into());
                    }
                    number_in_range(question, parse_number(input)?).map(drop)
                };
                let entered = Line {
                    hint: &hint,
                    label: &label,
                    initial,
                    validate: &validate,
                    color: self.color,
                    help: help.as_deref(),
                }
                .interact(&self.term)?;
                Ok(match entered {
                    Entered::Text(text) => {
                        let n = parse_number(&text).expect("checked by the validator");
                        self.answered(
                            "Your answer:",
                            &clean(&crate::answers::describe(question, Value::Number(n))),
                        )?;
                        Reply::Answer(Value::Number(n))
                    }
                    Entered::Back => Reply::Back,
                    Entered::Skip => {
                        self.answered("Your answer:", "skipped")?;
                        Reply::Skip
                    }
                })
            }
        }
    }

    fn checklist(
        &mut self,
        checklist: &Checklist,
        section: &Section,
        labels: &[String],
        current: &Ticks,
        p: Progress,
    ) -> Result<ChecklistReply, PromptError> {
        self.shown.1.extend(checklist.questions());
        let above = self.head(section, p, &checklist.text, checklist.note.as_deref())?;
        let help = checklist.help.as_deref().map(clean);
        let n = labels.len();
        let mut items: Vec<String> = labels.iter().map(|l| clean(l)).collect();
        items.extend([NONE.to_string(), NOT_SURE.to_string()]);
        let mut ticked = vec![false; n + 2];
        for &i in &current.items {
            ticked[i] = true;
        }
        ticked[n] = current.none;
        ticked[n + 1] = current.unsure;
        let mut exclusive = vec![false; n + 2];
        exclusive[n] = true;
        let list = List {
            multi: true,
            ticked,
            exclusive,
            above,
            help: help.as_deref(),
            all_keys: self.teach_keys(),
            ..self.list("", &items, None)
        };
        Ok(match list.interact(&self.term)? {
            Picked::Many(chosen) => {
                let words: Vec<&str> = chosen.iter().map(|&i| items[i].as_str()).collect();
                self.answered("Your answer:", &words.join(", "))?;
                ChecklistReply::Answer(Ticks {
                    items: chosen.iter().copied().filter(|&i| i < n).collect(),
                    none: chosen.contains(&n),
                    unsure: chosen.contains(&(n + 1)),
                })
            }
            Picked::One(_) | Picked::Skip => {
                self.answered("Your answer:", "skipped")?;
                ChecklistReply::Skip
            }
            Picked::Back => ChecklistReply::Back,
        })
    }

    fn notice(&mut self, text: &str) -> Result<(), PromptError> {
        self.say("", text, Style::new().yellow()).map(drop)
    }

    fn emergency(
        &mut self,
        level: &Level,
        reasons: &[&str],
        answers: &[ReviewItem],
    ) -> Result<EmergencyChoice, PromptError> {
        let alarm = Style::new().bold().red();
        self.term.write_line("")?;
        self.term.write_line(&self.styled(
            alarm.clone().reverse(),
            &format!(" !! {} !! ", clean(&level.title.to_uppercase())),
        ))?;
        // The rows above the choice, which it keeps in sight.
        let mut above = 3;
        above += self.say("", &level.action, alarm.clone())?;
        above += self.say("", "Because:", Style::new().bold())?;
        for reason in reasons {
            above += self.say_hanging("  - ", "    ", reason, Style::new())?;
        }
        let because: Vec<String> = answers.iter().map(answer_line).collect();
        if !because.is_empty() {
            above += self.say_hanging(
                "  You answered: ",
                "    ",
                &because.join("; "),
                Style::new().dim(),
            )?;
        }
        self.term.write_line("")?;
        let items = [
            "That's right: show me what to do now".to_string(),
            "I chose that by mistake: change my answer".to_string(),
            "Stop here".to_string(),
        ];
        // Nothing is chosen to begin with: an emergency is never confirmed by a stray key.
        // The choice names the level itself: on a short terminal the block above may have
        // scrolled away.
        let prompt = format!("{}. Is that right?", clean(&level.title));
        Ok(match self.choose_under(above, &prompt, &items, None)? {
            0 => EmergencyChoice::Confirm,
            1 => match answers {
                [] => EmergencyChoice::Confirm,
                [only] => EmergencyChoice::Change(only.question),
                several => {
                    let lines: Vec<String> = several.iter().map(answer_line).collect();
                    let i = self.choose("Which answer do you want to change?", &lines, None)?;
                    EmergencyChoice::Change(several[i].question)
                }
            },
            _ => EmergencyChoice::Stop,
        })
    }

    fn review(&mut self, items: &[ReviewItem], focus: usize) -> Result<ReviewChoice, PromptError> {
        // Each answer was shown as it was given: the list of them all is a choice, not a
        // page every runner reads before the report.
        if !self.checking {
            self.term.write_line("")?;
            let choices = [
                "Show my report".to_string(),
                "Check or change my answers first".to_string(),
            ];
            if self.choose("That's all for now.", &choices, Some(0))? == 0 {
                return Ok(ReviewChoice::Done);
            }
            self.checking = true;
        }
        self.term.write_line("")?;
        let above = 1 + self.say("", "Review your answers", Style::new().bold().underlined())?;
        let mut lines = vec!["These are right: show my report".to_string()];
        lines.extend(items.iter().map(|item| {
            let answer = item
                .answer
                .as_deref()
                .map_or("(not answered)".to_string(), clean);
            let from_log = self
                .from_log
                .iter()
                .any(|(q, text)| *q == item.question && item.answer.as_deref() == Some(text));
            let note = if from_log { " (from your log)" } else { "" };
            format!("{}: {answer}{note}", clean(&item.label))
        }));
        let list = List {
            skip_and_back: false,
            above,
            ..self.list(
                "Choose an answer to change, or show the report:",
                &lines,
                Some(focus.min(lines.len() - 1)),
            )
        };
        Ok(match list.interact(&self.term)? {
            Picked::One(0) => ReviewChoice::Done,
            Picked::One(i) => {
                self.say("", "Changing an answer", Style::new().dim())?;
                ReviewChoice::Change(items[i - 1].question)
            }
            _ => ReviewChoice::Done,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(parse_number("45"), Ok(45.0));
        assert_eq!(parse_number(" 45.5 "), Ok(45.5));
        assert_eq!(parse_number("45,5"), Ok(45.5));
        assert_eq!(parse_number("45km"), Ok(45.0));
        assert_eq!(parse_number("45 km"), Ok(45.0));
        assert_eq!(parse_number("7.5 hours/day"), Ok(7.5));
        assert!(parse_number("lots").is_err());
        assert!(parse_number("4 5").is_err());
        assert!(parse_number("").is_err());
    }
}
