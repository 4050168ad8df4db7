//! A line of typed text (a number), drawn on standard error.
//!
//! dialoguer's text input ignores Esc, which the welcome screen promises stops the
//! questionnaire on every screen, and it clears its prompt as one line, so a prompt
//! that wraps on a narrow terminal leaves half of itself behind. This one wraps its hint
//! itself, counts what it drew, and stops on Esc and Ctrl-C like the lists do.

use console::{Key, Style, Term};

use super::flow::PromptError;
use super::list::{rows, wrap};

/// What the runner did at a line prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// Typed text and pressed Enter.
    Text(String),
    /// `s` with nothing typed.
    Skip,
    /// `b` with nothing typed.
    Back,
}

/// A text prompt; build it, then call [`Line::interact`].
pub struct Line<'a> {
    /// The hint above the input: the range and the keys.
    pub hint: &'a str,
    /// The label before the text, such as `Your answer in years:`.
    pub label: &'a str,
    /// The text to start with (the current answer, when going back to it).
    pub initial: String,
    /// Checks the text when Enter is pressed; `Err` holds what to show.
    pub validate: &'a dyn Fn(&str) -> Result<(), String>,
    /// Whether to colour.
    pub color: bool,
    /// More about the question, shown when the runner presses `?`.
    pub help: Option<&'a str>,
}

impl Line<'_> {
    /// Reads the text until Enter with text that passes `validate`, or `s` or `b` with
    /// nothing typed (they act at once: a number has neither). The cursor is shown while
    /// typing.
    pub fn interact(self, term: &Term) -> Result<Entered, PromptError> {
        let mut text = self.initial.clone();
        let mut message: Option<String> = None;
        let mut drawn = 0;
        let mut show_help = false;
        loop {
            let help = self.help.filter(|_| show_help);
            let lines = self.layout(term, &text, message.as_deref(), help);
            term.clear_last_lines(drawn)?;
            // The last line is the input: written without a line break, so the cursor
            // waits after the text.
            let (input, above) = lines.split_last().expect("the input line");
            for line in above {
                term.write_line(line)?;
            }
            term.write_str(input)?;
            term.flush()?;
            // clear_last_lines counts line breaks: go to the start of the input line first.
            drawn = rows(above, term);
            let key = match term.read_key() {
                Ok(key) => key,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    self.clear(term, drawn)?;
                    return Err(PromptError::Interrupted);
                }
                Err(e) => return Err(e.into()),
            };
            term.clear_line()?;
            message = None;
            match key {
                Key::Enter => match (self.validate)(&text) {
                    Ok(()) => {
                        self.clear(term, drawn)?;
                        return Ok(Entered::Text(text));
                    }
                    Err(why) => message = Some(why),
                },
                Key::Char('s' | 'S') if text.is_empty() => {
                    self.clear(term, drawn)?;
                    return Ok(Entered::Skip);
                }
                Key::Char('b' | 'B') if text.is_empty() => {
                    self.clear(term, drawn)?;
                    return Ok(Entered::Back);
                }
                Key::Char('?') => show_help = !show_help,
                Key::Backspace => {
                    text.pop();
                }
                Key::Char(c) if !c.is_control() => text.push(c),
                Key::Escape | Key::CtrlC => {
                    self.clear(term, drawn)?;
                    return Err(PromptError::Interrupted);
                }
                _ => {}
            }
        }
    }

    /// Clears the input line and the `above` lines drawn over it.
    fn clear(&self, term: &Term, above: usize) -> std::io::Result<()> {
        term.clear_line()?;
        term.clear_last_lines(above)
    }

    /// The hint, wrapped; any message; then the input line, which is cut from the left
    /// when the text is too long for one line, so it never wraps.
    fn layout(
        &self,
        term: &Term,
        text: &str,
        message: Option<&str>,
        help: Option<&str>,
    ) -> Vec<String> {
        let width = usize::from(term.size().1).max(24) - 1;
        let style = |s: Style, text: &str| s.force_styling(self.color).apply_to(text).to_string();
        let mut lines: Vec<String> = help
            .map(|help| wrap(help, width, "  ", "  "))
            .unwrap_or_default()
            .into_iter()
            .chain(wrap(self.hint, width, "", ""))
            .map(|l| style(Style::new().dim(), &l))
            .collect();
        if let Some(message) = message {
            for line in wrap(message, width, "", "") {
                lines.push(style(Style::new().yellow(), &line));
            }
        }
        // The input line never wraps, or clearing it would leave a row behind: on a very
        // narrow terminal a long label gives way to a short one (the hint names the unit).
        let label = if console::measure_text_width(self.label) + 9 <= width {
            format!("{} ", self.label)
        } else {
            "Answer: ".to_string()
        };
        let room = width
            .saturating_sub(console::measure_text_width(&label))
            .max(1);
        // The end of the text, as much as fits (wide characters take two columns).
        let mut shown = String::new();
        for c in text.chars().rev() {
            let mut wider = c.to_string();
            wider.push_str(&shown);
            if console::measure_text_width(&wider) > room {
                break;
            }
            shown = wider;
        }
        lines.push(format!("{}{shown}", style(Style::new().bold(), &label)));
        lines
    }
}
