//! The questionnaire in a real terminal, with dialoguer prompts on standard error.

use console::{Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Input, MultiSelect, Select};

use super::flow::{
    EmergencyChoice, Progress, PromptError, Prompter, Reply, ReviewChoice, ReviewItem,
};
use crate::answers::{Value, number, number_in_range};
use crate::report::text::clean;
use crate::rulebase::{AnswerKind, Level, Question, Section};

/// Asks questions on standard error, which must be a terminal.
pub struct TerminalPrompter {
    term: Term,
    theme: Box<dyn Theme>,
    color: bool,
    /// The title of the section being asked, for each question's progress line.
    section: String,
}

impl TerminalPrompter {
    /// A prompter on standard error; `color` picks the coloured theme.
    pub fn new(color: bool) -> Self {
        let theme: Box<dyn Theme> = if color {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        TerminalPrompter {
            term: Term::stderr(),
            theme,
            color,
            section: String::new(),
        }
    }

    fn styled(&self, style: Style, text: &str) -> String {
        style.force_styling(self.color).apply_to(text).to_string()
    }

    /// Writes `text` wrapped to the terminal, each line behind `indent`.
    fn say(&self, indent: &str, text: &str, style: Style) -> Result<(), PromptError> {
        self.say_hanging(indent, indent, text, style)
    }

    /// Like [`TerminalPrompter::say`], with a different indent after the first line (a
    /// bullet, say).
    fn say_hanging(
        &self,
        first: &str,
        rest: &str,
        text: &str,
        style: Style,
    ) -> Result<(), PromptError> {
        let width = usize::from(self.term.size().1).max(20);
        let options =
            textwrap::Options::new(width.saturating_sub(first.len().max(rest.len())).max(10));
        for (i, line) in textwrap::wrap(&clean(text), options).iter().enumerate() {
            let indent = if i == 0 { first } else { rest };
            self.term
                .write_line(&format!("{indent}{}", self.styled(style.clone(), line)))?;
        }
        Ok(())
    }

    /// A list to choose from; with no `default`, nothing is highlighted and Enter does
    /// nothing until an arrow key is pressed.
    fn select(
        &self,
        prompt: &str,
        items: &[String],
        default: Option<usize>,
    ) -> Result<usize, PromptError> {
        let mut select = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items);
        if let Some(default) = default {
            select = select.default(default);
        }
        select
            .interact_on_opt(&self.term)
            .map_err(interrupted)?
            .ok_or(PromptError::Interrupted)
    }
}

/// The prompt above a list: a warning sign, which starts with nothing chosen, says how to
/// choose.
fn answer_prompt(question: &Question) -> &'static str {
    if question.warning_sign || matches!(question.kind, AnswerKind::Scale { .. }) {
        "Your answer (arrow keys to choose, then Enter)"
    } else {
        "Your answer"
    }
}

/// Ctrl-C reaches a prompt as an `Interrupted` read; treat it like Esc.
fn interrupted(e: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(e) = e;
    if e.kind() == std::io::ErrorKind::Interrupted {
        PromptError::Interrupted
    } else {
        PromptError::Io(e)
    }
}

const SKIP: &str = "Skip this question";
const BACK: &str = "Go back to the previous question";

impl Prompter for TerminalPrompter {
    fn section(&mut self, section: &Section, progress: Progress) -> Result<(), PromptError> {
        self.term.write_line("")?;
        self.section = clean(&section.title);
        let title = format!(
            "{} (section {} of {})",
            clean(&section.title),
            progress.section,
            progress.sections
        );
        self.term
            .write_line(&self.styled(Style::new().bold().underlined(), &title))?;
        if let Some(intro) = &section.intro {
            self.say("", intro, Style::new())?;
        }
        Ok(())
    }

    fn ask(
        &mut self,
        question: &Question,
        current: Option<Value>,
        p: Progress,
    ) -> Result<Reply, PromptError> {
        self.term.write_line("")?;
        let position = format!(
            "{} - section {} of {}, question {} of about {}",
            self.section, p.section, p.sections, p.question, p.questions
        );
        self.term
            .write_line(&self.styled(Style::new().dim(), &position))?;
        self.say("", &question.text, Style::new().bold())?;
        if let Some(help) = &question.help {
            self.say("  ", help, Style::new().dim())?;
        }
        match &question.kind {
            AnswerKind::YesNo | AnswerKind::Single => {
                let n = question.options.len();
                let mut items: Vec<String> =
                    question.options.iter().map(|o| clean(&o.label)).collect();
                items.extend([SKIP.to_string(), BACK.to_string()]);
                // A warning sign starts with nothing highlighted: a reflexive Enter must
                // neither raise an alarm nor give an all-clear, so it does nothing.
                let default = match current {
                    Some(Value::Choice(o)) => Some(o),
                    _ if question.warning_sign => None,
                    _ => Some(0),
                };
                let chosen = self.select(answer_prompt(question), &items, default)?;
                Ok(match chosen {
                    i if i < n => Reply::Answer(Value::Choice(i)),
                    i if i == n => Reply::Skip,
                    _ => Reply::Back,
                })
            }
            AnswerKind::Scale {
                min,
                max,
                min_label,
                max_label,
            } => {
                let mut items: Vec<String> = (*min..=*max)
                    .map(|v| match (v, min_label, max_label) {
                        (v, Some(l), _) if v == *min => format!("{v}  {}", clean(l)),
                        (v, _, Some(l)) if v == *max => format!("{v}  {}", clean(l)),
                        (v, _, _) => v.to_string(),
                    })
                    .collect();
                let n = items.len();
                items.extend([SKIP.to_string(), BACK.to_string()]);
                // Nothing is chosen to begin with: a reflexive Enter must not claim "no pain".
                let default = match current {
                    Some(Value::Number(v)) => Some((v as i64 - min) as usize),
                    _ => None,
                };
                let chosen = self.select(answer_prompt(question), &items, default)?;
                Ok(match chosen {
                    i if i < n => Reply::Answer(Value::Number((*min + i as i64) as f64)),
                    i if i == n => Reply::Skip,
                    _ => Reply::Back,
                })
            }
            AnswerKind::Multi => {
                let n = question.options.len();
                let mut items: Vec<String> =
                    question.options.iter().map(|o| clean(&o.label)).collect();
                items.push(BACK.to_string());
                let mut defaults = vec![false; n + 1];
                if let Some(Value::Multi(set)) = current {
                    for (o, d) in defaults.iter_mut().enumerate().take(n) {
                        *d = set & (1 << o) != 0;
                    }
                }
                loop {
                    let chosen = MultiSelect::with_theme(self.theme.as_ref())
                        .with_prompt("Tick all that apply (Space ticks, Enter confirms; tick nothing to skip)")
                        .items(&items)
                        .defaults(&defaults)
                        .interact_on_opt(&self.term)
                        .map_err(interrupted)?
                        .ok_or(PromptError::Interrupted)?;
                    if chosen.contains(&n) {
                        return Ok(Reply::Back);
                    }
                    if chosen.is_empty() {
                        return Ok(Reply::Skip);
                    }
                    let exclusive = chosen.iter().find(|&&o| question.options[o].exclusive);
                    if let (Some(&o), true) = (exclusive, chosen.len() > 1) {
                        let label = clean(&question.options[o].label);
                        self.say("  ", &format!("\"{label}\" cannot be combined with other choices; please choose again."), Style::new().yellow())?;
                        continue;
                    }
                    return Ok(Reply::Answer(Value::Multi(
                        chosen.iter().fold(0, |set, o| set | 1 << o),
                    )));
                }
            }
            AnswerKind::Number { unit, min, max, .. } => {
                let prompt = format!(
                    "Your answer in {} ({} to {}; Enter to skip, b to go back)",
                    clean(unit),
                    number(*min),
                    number(*max)
                );
                let initial = match current {
                    Some(Value::Number(v)) => number(v),
                    _ => String::new(),
                };
                let checked = question.clone();
                let text: String = Input::with_theme(self.theme.as_ref())
                    .with_prompt(prompt)
                    .with_initial_text(initial)
                    .allow_empty(true)
                    .validate_with(move |input: &String| -> Result<(), String> {
                        let input = input.trim();
                        if input.is_empty()
                            || input.eq_ignore_ascii_case("b")
                            || input.eq_ignore_ascii_case("back")
                        {
                            return Ok(());
                        }
                        let n: f64 = input
                            .parse()
                            .map_err(|_| format!("\"{input}\" is not a number"))?;
                        number_in_range(&checked, n).map(|_| ())
                    })
                    .interact_text_on(&self.term)
                    .map_err(interrupted)?;
                let text = text.trim();
                Ok(if text.is_empty() {
                    Reply::Skip
                } else if text.eq_ignore_ascii_case("b") || text.eq_ignore_ascii_case("back") {
                    Reply::Back
                } else {
                    // The validator accepted it, so it parses.
                    Reply::Answer(Value::Number(
                        text.parse().map_err(|_| PromptError::Interrupted)?,
                    ))
                })
            }
        }
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
            &format!(" !! {} !! ", clean(&level.title).to_uppercase()),
        ))?;
        self.say("", &level.action, alarm.clone())?;
        self.say("", "Because:", Style::new().bold())?;
        for reason in reasons {
            self.say_hanging("  - ", "    ", reason, Style::new())?;
        }
        let because: Vec<String> = answers
            .iter()
            .map(|a| {
                format!(
                    "{}: {}",
                    clean(&a.label),
                    a.answer
                        .as_deref()
                        .map_or("not answered".to_string(), clean)
                )
            })
            .collect();
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
        Ok(match self.select("Is that right?", &items, Some(0))? {
            0 => EmergencyChoice::Confirm,
            1 => match answers {
                [] => EmergencyChoice::Confirm,
                [only] => EmergencyChoice::Change(only.question),
                several => {
                    let lines: Vec<String> = several
                        .iter()
                        .map(|a| {
                            format!(
                                "{}: {}",
                                clean(&a.label),
                                a.answer
                                    .as_deref()
                                    .map_or("not answered".to_string(), clean)
                            )
                        })
                        .collect();
                    let i = self.select("Which answer do you want to change?", &lines, Some(0))?;
                    EmergencyChoice::Change(several[i].question)
                }
            },
            _ => EmergencyChoice::Stop,
        })
    }

    fn review(&mut self, items: &[ReviewItem]) -> Result<ReviewChoice, PromptError> {
        self.term.write_line("")?;
        self.term
            .write_line(&self.styled(Style::new().bold().underlined(), "Review your answers"))?;
        let mut lines = vec!["These are right: show my report".to_string()];
        lines.extend(items.iter().map(|item| {
            let answer = item
                .answer
                .as_deref()
                .map_or("(not answered)".to_string(), clean);
            format!("{}: {answer}", clean(&item.label))
        }));
        let chosen = self.select(
            "Choose an answer to change, or show the report",
            &lines,
            Some(0),
        )?;
        self.term.flush()?;
        Ok(match chosen {
            0 => ReviewChoice::Done,
            i => ReviewChoice::Change(items[i - 1].question),
        })
    }
}
