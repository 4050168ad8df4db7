//! The questionnaire in a real terminal, on standard error: lists from `list.rs`, numbers
//! typed in a line from `line.rs`.

use console::{Style, Term};

use super::flow::{
    ChecklistReply, EmergencyChoice, Progress, PromptError, Prompter, Reply, ReviewChoice,
    ReviewItem, Ticks, Welcome,
};
use super::line::Line;
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

    /// Writes `text` wrapped to the terminal, each line behind `indent`.
    fn say(&self, indent: &str, text: &str, style: Style) -> Result<(), PromptError> {
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
    ) -> Result<(), PromptError> {
        for (i, line) in super::list::wrap(&clean(text), self.width(), first, rest)
            .iter()
            .enumerate()
        {
            let prefix = if i == 0 { first } else { rest };
            let words = line.strip_prefix(prefix).unwrap_or(line);
            self.term
                .write_line(&format!("{prefix}{}", self.styled(style.clone(), words)))?;
        }
        Ok(())
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
        }
    }

    /// A plain choice (not a question): nothing to skip or go back to.
    fn choose(
        &self,
        prompt: &str,
        items: &[String],
        cursor: Option<usize>,
    ) -> Result<usize, PromptError> {
        let list = List {
            skip_and_back: false,
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
        // Wrapped lines sit under the answer, not under the prompt.
        let rest = " ".repeat(prompt.chars().count() + 1);
        self.say_hanging(
            "",
            &rest,
            &format!("{prompt} {answer}"),
            Style::new().cyan(),
        )
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

    /// Says something on its own line, after the questions.
    pub fn tell(&mut self, text: &str) -> Result<(), PromptError> {
        self.say("", text, Style::new())
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

/// What a typed line means at a number prompt.
enum Typed {
    Skip,
    Back,
    Number(f64),
}

fn typed(text: &str) -> Result<Typed, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("s") || text.eq_ignore_ascii_case("skip") {
        Ok(Typed::Skip)
    } else if text.eq_ignore_ascii_case("b") || text.eq_ignore_ascii_case("back") {
        Ok(Typed::Back)
    } else {
        parse_number(text).map(Typed::Number)
    }
}

/// The line above a question: "Warning signs - question 2 of about 25".
fn position(section: &Section, p: Progress) -> String {
    format!(
        "{} - question {} of about {}",
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
                &format!(
                    "Up to {} short screens, often fewer: around five minutes. Questions about warning signs come first. At the end you get advice on whether to see someone and how soon, and what to try.",
                    welcome.screens
                ),
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
        self.say(
            "",
            "Keys: arrow keys move, Enter chooses, Space ticks a box, s skips, b goes back, Esc or Ctrl-C stops (your answers are kept).",
            Style::new().dim(),
        )?;
        let items = ["Start".to_string()];
        self.choose("Ready?", &items, Some(0)).map(drop)
    }

    fn section(&mut self, section: &Section) -> Result<(), PromptError> {
        self.term.write_line("")?;
        self.say("", &section.title, Style::new().bold().underlined())?;
        if let Some(intro) = &section.intro {
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
        self.term.write_line("")?;
        self.say("", &position(section, p), Style::new().dim())?;
        self.say("", &question.text, Style::new().bold())?;
        if let Some(help) = &question.help {
            self.say("  ", help, Style::new().dim())?;
        }
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
                let list = List {
                    scale_min,
                    ..self.list("Your answer:", &items, cursor)
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
                    ..self.list("Tick all that apply:", &items, None)
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
                let hint = format!(
                    "{} to {} {}. Enter or s skips, b goes back, Esc stops.",
                    number(*min),
                    number(*max),
                    clean(unit),
                );
                let label = format!("Your answer in {}:", clean(unit));
                let initial = match current {
                    Some(Value::Number(v)) => number(v),
                    _ => String::new(),
                };
                let validate = |input: &str| -> Result<(), String> {
                    match typed(input)? {
                        Typed::Number(n) => number_in_range(question, n).map(drop),
                        _ => Ok(()),
                    }
                };
                let text = Line {
                    hint: &hint,
                    label: &label,
                    initial,
                    validate: &validate,
                    color: self.color,
                }
                .interact(&self.term)?;
                Ok(match typed(&text) {
                    Ok(Typed::Number(n)) => {
                        self.answered("Your answer:", &format!("{} {}", number(n), clean(unit)))?;
                        Reply::Answer(Value::Number(n))
                    }
                    Ok(Typed::Back) => Reply::Back,
                    // The validator accepted it, so anything else is a skip.
                    _ => {
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
        self.term.write_line("")?;
        self.say("", &position(section, p), Style::new().dim())?;
        self.say("", &checklist.text, Style::new().bold())?;
        if let Some(help) = &checklist.help {
            self.say("  ", help, Style::new().dim())?;
        }
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
            ..self.list("Tick each that applies:", &items, None)
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
        self.say("", text, Style::new().yellow())
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
        self.say("", &level.action, alarm.clone())?;
        self.say("", "Because:", Style::new().bold())?;
        for reason in reasons {
            self.say_hanging("  - ", "    ", reason, Style::new())?;
        }
        let because: Vec<String> = answers.iter().map(answer_line).collect();
        if !because.is_empty() {
            self.say_hanging(
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
        Ok(match self.choose("Is that right?", &items, None)? {
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
        self.term.write_line("")?;
        self.say("", "Review your answers", Style::new().bold().underlined())?;
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
