//! A list to choose from (one item, or ticks), drawn on standard error.
//!
//! dialoguer's lists cannot take the keys a runner needs here (`s` to skip and `b` to go
//! back in any list, digits on a 0-10 scale), and they clear a list by counting items, so
//! an item that wraps on a narrow terminal leaves a copy behind at every key. This one
//! wraps every line itself, pages to fit the window, counts what it drew, and starts with
//! nothing chosen unless told otherwise, so a reflexive Enter never answers.

use console::{Key, Style, Term};

use super::flow::PromptError;

/// What was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// One item, by index.
    One(usize),
    /// The ticked items, by index, in order.
    Many(Vec<usize>),
    /// `s`: skip the question.
    Skip,
    /// `b`: go back.
    Back,
}

/// A list prompt; build it, then call [`List::interact`].
pub struct List<'a> {
    /// The line above the items.
    pub prompt: &'a str,
    /// The items, as shown.
    pub items: &'a [String],
    /// Whether items are ticked (Space) rather than chosen.
    pub multi: bool,
    /// The item highlighted at first; `None` highlights nothing.
    pub cursor: Option<usize>,
    /// For ticks: which start ticked.
    pub ticked: Vec<bool>,
    /// For ticks: items that stand alone ("None of these"): ticking one clears the rest,
    /// and ticking any other item clears them.
    pub exclusive: Vec<bool>,
    /// For a numeric scale: typing digits moves to that value (the first item is `min`).
    pub scale_min: Option<i64>,
    /// Whether `s` skips and `b` goes back.
    pub skip_and_back: bool,
    /// Whether to colour.
    pub color: bool,
    /// Rows drawn just above the list that must stay in sight (the question): the list
    /// pages in the rows left below them.
    pub above: usize,
    /// More about the question, shown when the runner presses `?`.
    pub help: Option<&'a str>,
    /// Whether every key is named from the start; otherwise `?` names them.
    pub all_keys: bool,
}

impl List<'_> {
    /// Shows the list and waits for a choice. The cursor is hidden while it runs and shown
    /// again on every way out.
    pub fn interact(mut self, term: &Term) -> Result<Picked, PromptError> {
        let n = self.items.len();
        self.ticked.resize(n, false);
        self.exclusive.resize(n, false);
        let _ = term.hide_cursor();
        let result = self.run(term);
        let _ = term.show_cursor();
        result
    }

    fn run(&mut self, term: &Term) -> Result<Picked, PromptError> {
        let n = self.items.len();
        let mut top = 0;
        let mut drawn = 0;
        let mut message: Option<&str> = None;
        let mut digits = String::new();
        let mut show_help = false;
        loop {
            let lines = self.layout(term, &mut top, message, show_help);
            term.clear_last_lines(drawn)?;
            for line in &lines {
                term.write_line(line)?;
            }
            term.flush()?;
            drawn = rows(&lines, term);
            message = None;
            let key = match term.read_key() {
                Ok(key) => key,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    term.clear_last_lines(drawn)?;
                    return Err(PromptError::Interrupted);
                }
                Err(e) => return Err(e.into()),
            };
            if !matches!(key, Key::Char(c) if c.is_ascii_digit()) {
                digits.clear();
            }
            let next = |c: Option<usize>| c.map_or(0, |c| (c + 1) % n);
            let previous = |c: Option<usize>| c.map_or(n - 1, |c| (c + n - 1) % n);
            match key {
                Key::Char('?') => {
                    self.all_keys = true;
                    show_help = !show_help;
                }
                Key::ArrowDown | Key::Tab | Key::Char('j') => self.cursor = Some(next(self.cursor)),
                Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                    self.cursor = Some(previous(self.cursor))
                }
                Key::Home => self.cursor = Some(0),
                Key::End => self.cursor = Some(n - 1),
                Key::PageDown => self.cursor = Some(self.cursor.map_or(0, |c| (c + 5).min(n - 1))),
                Key::PageUp => self.cursor = Some(self.cursor.map_or(0, |c| c.saturating_sub(5))),
                Key::Char(c) if c.is_ascii_digit() && self.scale_min.is_some() => {
                    let min = self.scale_min.unwrap_or(0);
                    digits.push(c);
                    let mut value: i64 = digits.parse().unwrap_or(0);
                    if value - min >= n as i64 || value < min {
                        digits = c.to_string();
                        value = digits.parse().unwrap_or(0);
                    }
                    if (min..min + n as i64).contains(&value) {
                        self.cursor = Some((value - min) as usize);
                    }
                }
                Key::Char(' ') if self.multi => match self.cursor {
                    Some(c) => self.toggle(c),
                    None => {
                        message = Some("Move to an item with the arrow keys, then Space ticks it.")
                    }
                },
                Key::Enter if self.multi => {
                    let ticked: Vec<usize> = (0..n).filter(|&i| self.ticked[i]).collect();
                    if ticked.is_empty() {
                        message = Some(if self.skip_and_back {
                            "Nothing is ticked yet: tick with Space, or press s to skip this question."
                        } else {
                            "Nothing is ticked yet: tick with Space."
                        });
                    } else {
                        term.clear_last_lines(drawn)?;
                        return Ok(Picked::Many(ticked));
                    }
                }
                Key::Enter => match self.cursor {
                    Some(c) => {
                        term.clear_last_lines(drawn)?;
                        return Ok(Picked::One(c));
                    }
                    None => {
                        message = Some(if self.skip_and_back {
                            "Nothing is chosen yet: use the arrow keys to choose, or press s to skip."
                        } else {
                            "Nothing is chosen yet: use the arrow keys to choose."
                        });
                    }
                },
                Key::Char('s' | 'S') if self.skip_and_back => {
                    term.clear_last_lines(drawn)?;
                    return Ok(Picked::Skip);
                }
                Key::Char('b' | 'B') if self.skip_and_back => {
                    term.clear_last_lines(drawn)?;
                    return Ok(Picked::Back);
                }
                Key::Escape | Key::CtrlC => {
                    term.clear_last_lines(drawn)?;
                    return Err(PromptError::Interrupted);
                }
                _ => {}
            }
        }
    }

    fn toggle(&mut self, c: usize) {
        let on = !self.ticked[c];
        if on {
            let alone = self.exclusive[c];
            for i in 0..self.ticked.len() {
                // An item that stands alone clears the rest; any other clears those.
                if alone || self.exclusive[i] {
                    self.ticked[i] = false;
                }
            }
        }
        self.ticked[c] = on;
    }

    /// The lines to draw: the prompt, the items that fit (with how many more above and
    /// below), the keys, and any message. No line is wider than the terminal, so the
    /// count of lines drawn is exact.
    fn layout(
        &self,
        term: &Term,
        top: &mut usize,
        message: Option<&str>,
        show_help: bool,
    ) -> Vec<String> {
        let (rows, cols) = term.size();
        let width = usize::from(cols).max(24) - 1;
        let style = |s: Style, text: &str| s.force_styling(self.color).apply_to(text).to_string();
        // More about the question first, when asked for, then the prompt.
        let mut head: Vec<String> = match (show_help, self.help) {
            (true, Some(help)) => wrap(help, width, "  ", "  ")
                .iter()
                .map(|l| style(Style::new().dim(), l))
                .collect(),
            _ => Vec::new(),
        };
        if !self.prompt.is_empty() {
            let mut prompt = wrap(self.prompt, width, "", "");
            if let Some(first) = prompt.first_mut() {
                *first = style(Style::new().bold(), first);
            }
            head.extend(prompt);
        }
        let mut tail: Vec<String> = wrap(&self.keys_line(), width, "", " ")
            .iter()
            .map(|l| style(Style::new().dim(), l))
            .collect();
        if let Some(message) = message {
            for line in wrap(message, width, "", "") {
                tail.push(style(Style::new().yellow(), &line));
            }
        }
        let rendered: Vec<Vec<String>> = (0..self.items.len())
            .map(|i| {
                let marker = if self.cursor == Some(i) { "> " } else { "  " };
                let tick = match (self.multi, self.ticked[i]) {
                    (false, _) => "",
                    (true, true) => "[x] ",
                    (true, false) => "[ ] ",
                };
                let first = format!("{marker}{tick}");
                // A choice's wrapped lines sit further in than the next choice, so they
                // cannot be read as one; ticks already mark where each item starts.
                let more = if self.multi { 0 } else { 2 };
                let rest = " ".repeat(first.chars().count() + more);
                let lines = wrap(&self.items[i], width, &first, &rest);
                if self.cursor == Some(i) {
                    lines
                        .into_iter()
                        .map(|l| style(Style::new().cyan().bold(), &l))
                        .collect()
                } else {
                    lines
                }
            })
            .collect();
        let room = usize::from(rows)
            .saturating_sub(self.above + head.len() + tail.len() + 1)
            .max(3);
        let total: usize = rendered.iter().map(Vec::len).sum();
        let mut out = head;
        if total <= room {
            out.extend(rendered.into_iter().flatten());
        } else {
            // Page: keep the cursor in view, with a line each for what lies above and below.
            let cursor = self.cursor.unwrap_or(0);
            let room = room.saturating_sub(2).max(1);
            if cursor < *top {
                *top = cursor;
            }
            while *top < cursor
                && rendered[*top..=cursor].iter().map(Vec::len).sum::<usize>() > room
            {
                *top += 1;
            }
            let mut used = 0;
            let mut end = *top;
            while end < rendered.len() && used + rendered[end].len() <= room {
                used += rendered[end].len();
                end += 1;
            }
            let end = end.max(*top + 1).min(rendered.len());
            out.push(style(
                Style::new().dim(),
                &if *top > 0 {
                    format!("  ({} more above)", *top)
                } else {
                    String::new()
                },
            ));
            for item in &rendered[*top..end] {
                out.extend(item.iter().take(room).cloned());
            }
            out.push(style(
                Style::new().dim(),
                &if end < rendered.len() {
                    format!("  ({} more below)", rendered.len() - end)
                } else {
                    String::new()
                },
            ));
        }
        out.extend(tail);
        out
    }

    fn keys_line(&self) -> String {
        if !self.all_keys {
            return "(? help)".to_string();
        }
        let mut keys = vec!["arrows move"];
        if self.multi {
            keys.push("Space ticks");
            keys.push("Enter confirms");
        } else {
            keys.push("Enter chooses");
        }
        if self.scale_min.is_some() {
            keys.push("or type the number");
        }
        if self.skip_and_back {
            keys.push("s skips");
            keys.push("b goes back");
        }
        if self.help.is_some() {
            keys.push("? help");
        }
        keys.push("Esc stops");
        format!("({})", keys.join(", "))
    }
}

/// How many rows of the terminal these lines take: a line wider than the terminal (a word
/// too long to wrap, wide characters) is folded onto more than one, and clearing must
/// count every row or a copy is left behind.
pub fn rows(lines: &[String], term: &Term) -> usize {
    let cols = usize::from(term.size().1).max(1);
    lines
        .iter()
        .map(|l| console::measure_text_width(l).div_ceil(cols).max(1))
        .sum()
}

/// Wraps `text` to `width` columns with a first-line prefix and a hanging indent.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    crate::wrap::wrap(text, width.max(first.chars().count() + 8), first, rest)
}
