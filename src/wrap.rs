//! Wrapping text for a terminal: at spaces only, so a path, an address or a hyphenated
//! word is never cut, and a word longer than the line stays whole on a line of its own
//! (the terminal folds it, and it still copies in one piece). The lines are the very ones
//! `textwrap::wrap` gives with those options ([`options`]: split at ASCII spaces, no
//! hyphenation, long words kept whole, optimal fit with textwrap's default penalties),
//! without its general machinery.
//!
//! Wrapping the paragraphs was a quarter of the instructions of a whole `runback assess`:
//! textwrap measures every word twice, char by char, boxes its word iterator, allocates a
//! string per indented line and finds each line's number through a memo behind a
//! `RefCell` at every cost it evaluates. Here a word of printable ASCII is as wide as it
//! is long, the lines are handed out as slices of the text, the scratch space is reused
//! from one paragraph to the next, and a line's width is known without its number.
//!
//! The line breaks must be textwrap's own, and only textwrap's own search is sure to give
//! them: optimal fit looks for the cheapest breaks with SMAWK, which is exact only on a
//! totally monotone cost matrix, and textwrap's is not (the last line costs nothing), so
//! a plain search for the cheapest breaks could differ. [`optimal_fit`] is therefore a
//! copy of textwrap's `wrap_optimal_fit` and of the `smawk` crate's
//! `online_column_minima` (both MIT, by Martin Geisler), kept step by step: the same
//! comparisons, in the same order, of the same `f64` costs computed by the same
//! operations. Only how a cost is reached changed (see [`optimal_fit`]). Tests compare
//! it with textwrap on every text of the rule base and on random paragraphs and words.

use textwrap::core::display_width;
use textwrap::wrap_algorithms::Penalties;

/// One line of wrapped text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'t> {
    /// Whether this is the first line of the text (the one after the first indent).
    pub first: bool,
    /// Whether textwrap puts the line's indent before its words: always, but for a line
    /// of an empty stretch of text, which is empty, and when the indent is empty anyway.
    pub indented: bool,
    /// The words of the line, without the indent and without trailing spaces.
    pub words: &'t str,
}

impl Line<'_> {
    /// The whole line as `textwrap::wrap` gives it.
    pub fn text(&self, first: &str, rest: &str) -> String {
        let indent = match (self.indented, self.first) {
            (false, _) => "",
            (true, true) => first,
            (true, false) => rest,
        };
        format!("{indent}{}", self.words)
    }
}

/// The display width of `text`, as textwrap counts it: a string of printable ASCII
/// (which leaves out the escape character) is one column a byte.
pub fn width(text: &str) -> usize {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        text.len()
    } else {
        display_width(text)
    }
}

/// A word as textwrap's optimal fit sees it: where it lies in its line of text, its
/// display width, and the spaces after it.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    width: usize,
    whitespace: usize,
}

/// Wraps text, keeping its scratch space from one text to the next.
#[derive(Debug, Default)]
pub struct Wrapper {
    words: Vec<Word>,
    widths: Vec<f64>,
    result: Vec<(usize, f64)>,
    rows: Vec<usize>,
    cols: Vec<usize>,
    minima: Vec<usize>,
    breaks: Vec<usize>,
}

impl Wrapper {
    /// Wraps `text` to `width` columns after `first` on the first line and `rest` on the
    /// others, handing each line to `line` in order: the lines of [`wrap`].
    pub fn wrap<'t>(
        &mut self,
        text: &'t str,
        width: usize,
        first: &str,
        rest: &str,
        mut line: impl FnMut(Line<'t>),
    ) {
        // textwrap's `wrap`: each stretch between newlines is wrapped on its own; only the
        // very first line of all takes the first indent.
        let mut started = false;
        let mut line_widths = None;
        for stretch in text.split('\n') {
            let indent = if started { rest } else { first };
            // textwrap's `wrap_single_line`: a short stretch without indent is one line,
            // however wide its characters (its length in bytes is under the width).
            if stretch.len() < width && indent.is_empty() {
                line(Line {
                    first: !started,
                    indented: false,
                    words: stretch.trim_end_matches(' '),
                });
                started = true;
                continue;
            }
            let widths = *line_widths.get_or_insert_with(|| {
                [
                    width.saturating_sub(self::width(first)),
                    width.saturating_sub(self::width(rest)),
                ]
            });
            self.slow_path(stretch, widths, &mut started, &mut line);
        }
    }

    /// textwrap's `wrap_single_line_slow_path`, with words that are never broken.
    fn slow_path<'t>(
        &mut self,
        stretch: &'t str,
        line_widths: [usize; 2],
        started: &mut bool,
        line: &mut impl FnMut(Line<'t>),
    ) {
        self.split(stretch);
        if self.words.is_empty() {
            // Optimal fit lays out no words as one line without any: an empty line,
            // without even the indent.
            line(Line {
                first: !*started,
                indented: false,
                words: "",
            });
            *started = true;
            return;
        }
        self.optimal_fit(line_widths);
        // The breaks were found from the end: `breaks` holds the first word of each line,
        // last line first.
        for k in (0..self.breaks.len()).rev() {
            let start = self.breaks[k];
            let stop = if k == 0 {
                self.words.len()
            } else {
                self.breaks[k - 1]
            };
            // textwrap takes the line's words and the spaces between them from the text:
            // the words lie end to end from its start.
            let words = &stretch[self.words[start].start..self.words[stop - 1].end];
            line(Line {
                first: !*started,
                indented: true,
                words,
            });
            *started = true;
        }
    }

    /// textwrap's `find_words_ascii_space` followed by `split_words` without hyphenation:
    /// each word is a run of characters other than ' ' with the spaces after it (the
    /// first word is only spaces when the text starts with some), as wide as the display
    /// width of its characters. A space byte is always the space character in UTF-8.
    fn split(&mut self, stretch: &str) {
        self.words.clear();
        let bytes = stretch.as_bytes();
        let mut start = 0;
        while start < bytes.len() {
            let mut end = start;
            let mut ascii = true;
            while end < bytes.len() && bytes[end] != b' ' {
                ascii &= (b'!'..=b'~').contains(&bytes[end]);
                end += 1;
            }
            let mut next = end;
            while next < bytes.len() && bytes[next] == b' ' {
                next += 1;
            }
            let width = if ascii {
                end - start
            } else {
                display_width(&stretch[start..end])
            };
            self.words.push(Word {
                start,
                end,
                width,
                whitespace: next - end,
            });
            start = next;
        }
    }

    /// textwrap's `wrap_optimal_fit` with its default penalties over `self.words`, for a
    /// first line of `line_widths[0]` columns and the others of `line_widths[1]`; leaves
    /// the first word of each line in `self.breaks`, last line first.
    ///
    /// textwrap looks up a line's width by the number of the line that starts at word
    /// `i`, which it memoises in a `RefCell`. That number is 0 for `i == 0` and, for any
    /// other `i`, one more than the number of an earlier word's line, so at least 1: with
    /// two line widths (the second standing for every later line), the width is the first
    /// exactly when `i == 0`. Nothing else about the cost changed: the same `f64`
    /// operations in the same order, so the same costs, bit for bit.
    fn optimal_fit(&mut self, line_widths: [usize; 2]) {
        let words = &self.words;
        let n = words.len();
        self.widths.clear();
        let mut width = 0.0;
        self.widths.push(width);
        for word in words {
            width += word.width as f64 + word.whitespace as f64;
            self.widths.push(width);
        }
        let widths = &self.widths;

        // `WrapAlgorithm::wrap` turns the widths to f64, with textwrap's own penalties.
        let first_width = line_widths[0] as f64;
        let other_width = line_widths[1] as f64;
        let penalties = Penalties::default();
        let nline_penalty = penalties.nline_penalty as f64;
        let overflow_penalty = penalties.overflow_penalty as f64;
        let short_last_line_fraction = penalties.short_last_line_fraction as f64;
        let short_last_line_penalty = penalties.short_last_line_penalty as f64;

        let cost = |minima: &[(usize, f64)], i: usize, j: usize| -> f64 {
            let line_width = if i == 0 { first_width } else { other_width };
            let target_width = line_width.max(1.0);
            // No word carries a hyphen: its penalty width is 0.
            let line_width = widths[j] - widths[i] - words[j - 1].whitespace as f64 + 0.0;
            let mut cost = minima[i].1 + nline_penalty;
            if line_width > target_width {
                let overflow = line_width - target_width;
                cost += overflow * overflow_penalty;
            } else if j < n {
                let gap = target_width - line_width;
                cost += gap * gap;
            } else if i + 1 == j && line_width < target_width / short_last_line_fraction {
                cost += short_last_line_penalty;
            }
            cost
        };
        online_column_minima(
            &mut self.result,
            (&mut self.rows, &mut self.cols, &mut self.minima),
            n + 1,
            cost,
        );
        // textwrap checks here that no cost overflowed to infinity, which cannot happen
        // with widths that fit in a usize (its words), and unwraps: nothing to check.
        self.breaks.clear();
        let mut pos = n;
        loop {
            let prev = self.result[pos].0;
            self.breaks.push(prev);
            pos = prev;
            if pos == 0 {
                break;
            }
        }
    }
}

/// `smawk::online_column_minima` (smawk 0.3.3), step by step, with its result and scratch
/// space passed in to be reused.
fn online_column_minima<M: Fn(&[(usize, f64)], usize, usize) -> f64>(
    result: &mut Vec<(usize, f64)>,
    (rows_scratch, cols_scratch, minima): (&mut Vec<usize>, &mut Vec<usize>, &mut Vec<usize>),
    size: usize,
    matrix: M,
) {
    result.clear();
    result.push((0, 0.0));

    let mut finished = 0;
    let mut base = 0;
    let mut tentative = 0;

    macro_rules! m {
        ($i:expr, $j:expr) => {{ matrix(&result[..finished + 1], $i, $j) }};
    }

    // `scratchpads_empty(size, size)` and `vec![0; size]`.
    rows_scratch.clear();
    rows_scratch.resize(size + 2 * size, 0);
    cols_scratch.clear();
    cols_scratch.resize(size * 2, 0);
    minima.clear();
    minima.resize(size, 0);

    while finished < size - 1 {
        let i = finished + 1;
        if i > tentative {
            let rows_start = 0;
            let rows_end = finished + 1 - base;
            for (idx, r) in (base..finished + 1).enumerate() {
                rows_scratch[idx] = r;
            }

            tentative = core::cmp::min(finished + rows_end, size - 1);

            let cols_start = 0;
            let cols_end = tentative - finished;
            for (idx, c) in (finished + 1..tentative + 1).enumerate() {
                cols_scratch[idx] = c;
            }

            smawk_inner(
                &|i, j| m![i, j],
                (rows_scratch, rows_start, rows_end),
                (cols_scratch, cols_start, cols_end),
                minima,
            );

            for col in finished + 1..tentative + 1 {
                let row = minima[col];
                let v = m![row, col];
                if col >= result.len() {
                    result.push((row, v));
                } else if v < result[col].1 {
                    result[col] = (row, v);
                }
            }

            finished = i;
            continue;
        }

        let diag = m![i - 1, i];
        if diag < result[i].1 {
            result[i] = (i - 1, diag);
            base = i - 1;
            tentative = i;
            finished = i;
            continue;
        }

        if m![i - 1, tentative] >= result[tentative].1 {
            finished = i;
            continue;
        }

        base = i - 1;
        tentative = i;
        finished = i;
    }
}

/// `smawk::smawk_inner` (smawk 0.3.3), step by step; the matrix is pure, so a value
/// compared and then kept is computed once.
fn smawk_inner<M: Fn(usize, usize) -> f64>(
    matrix: &M,
    (rows_scratch, rows_start, rows_end): (&mut [usize], usize, usize),
    (cols_scratch, cols_start, cols_end): (&mut [usize], usize, usize),
    minima: &mut [usize],
) {
    if cols_start == cols_end {
        return;
    }

    let cols_len = cols_end - cols_start;
    let stack_start = rows_end;
    let odd_cols_start = cols_end;
    let odd_cols_len = cols_len / 2;

    assert!(rows_end <= rows_scratch.len());
    assert!(stack_start + cols_len <= rows_scratch.len());
    assert!(cols_start + 2 * odd_cols_len <= cols_scratch.len());
    assert!(odd_cols_start + odd_cols_len <= cols_scratch.len());

    let mut stack_len = 0;
    for i in rows_start..rows_end {
        let r = rows_scratch[i];
        while stack_len > 0 {
            let stack_top = rows_scratch[stack_start + stack_len - 1];
            let col = cols_scratch[cols_start + stack_len - 1];
            if matrix(stack_top, col) > matrix(r, col) {
                stack_len -= 1;
            } else {
                break;
            }
        }
        if stack_len < cols_len {
            rows_scratch[stack_start + stack_len] = r;
            stack_len += 1;
        }
    }

    for idx in 0..odd_cols_len {
        let col = cols_scratch[cols_start + 2 * idx + 1];
        cols_scratch[odd_cols_start + idx] = col;
    }

    smawk_inner(
        matrix,
        (&mut *rows_scratch, stack_start, stack_start + stack_len),
        (
            &mut *cols_scratch,
            odd_cols_start,
            odd_cols_start + odd_cols_len,
        ),
        minima,
    );

    let mut r = 0;
    assert!(stack_start + stack_len <= rows_scratch.len());
    for c in 0..cols_len {
        if c % 2 == 0 {
            let col = cols_scratch[cols_start + c];
            let mut row = rows_scratch[stack_start + r];
            let last_row = if c == cols_len - 1 {
                rows_scratch[stack_start + stack_len - 1]
            } else {
                minima[cols_scratch[cols_start + c + 1]]
            };
            let mut pair = (matrix(row, col), row);
            while row != last_row && r < stack_len - 1 {
                r += 1;
                row = rows_scratch[stack_start + r];
                let candidate = (matrix(row, col), row);
                if candidate < pair {
                    pair = candidate;
                }
            }
            minima[col] = pair.1;
        }
    }
}

/// How textwrap is asked to wrap every text for a terminal, for the tests to compare with.
#[cfg(test)]
pub(crate) fn options<'a>(width: usize) -> textwrap::Options<'a> {
    textwrap::Options::new(width)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
}

/// The lines of `textwrap::wrap(text, options(width).initial_indent(first)
/// .subsequent_indent(rest))`.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    Wrapper::default().wrap(text, width, first, rest, |line| {
        lines.push(line.text(first, rest));
    });
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{Wrapper, options, wrap};
    use proptest::prelude::*;

    /// What textwrap gives with the same options.
    fn textwrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
        let options = options(width).initial_indent(first).subsequent_indent(rest);
        textwrap::wrap(text, options)
            .into_iter()
            .map(|line| line.into_owned())
            .collect()
    }

    fn same(text: &str, width: usize, first: &str, rest: &str) {
        assert_eq!(
            wrap(text, width, first, rest),
            textwrap(text, width, first, rest),
            "{text:?} in {width} columns after {first:?} and {rest:?}"
        );
    }

    #[test]
    fn printable_ascii_is_one_column_a_byte_and_the_rest_is_counted() {
        for b in 0u8..128 {
            let text = char::from(b).to_string();
            assert_eq!(
                super::width(&text),
                textwrap::core::display_width(&text),
                "{b}"
            );
        }
        for text in [
            "",
            "漢字 ok",
            "e\u{301}",
            "\x1b[31mred\x1b[0m",
            "😀 x",
            "a\tb",
        ] {
            assert_eq!(super::width(text), textwrap::core::display_width(text));
        }
    }

    #[test]
    fn edge_cases_are_wrapped_as_textwrap_does() {
        let texts = [
            "",
            " ",
            "   ",
            "\n",
            "\n\n",
            "a\n",
            "\na",
            " a",
            "a ",
            "  a  b  ",
            "a\n\nb",
            "  \n  ",
            "word",
            "averyveryverylongwordthatcannotfit and more",
            "short words then averyveryverylongwordthatcannotfit",
            "漢字漢字 漢字漢字 漢字 漢字漢字漢字",
            "😀 😀😀 😀😀😀 😀",
            "e\u{301}e\u{301} cafe\u{301} re\u{301}sume\u{301}",
            "\x1b[1mbold\x1b[0m words \x1b[31mred words\x1b[0m",
            "\x1b[ 1m split escape",
            "tab\there and\tthere",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        ];
        let indents = [
            ("", ""),
            ("  ", "  "),
            ("  - ", "    "),
            ("", "  "),
            ("漢 ", "😀"),
        ];
        for text in texts {
            for (first, rest) in indents {
                for width in 0..=30 {
                    same(text, width, first, rest);
                }
            }
        }
    }

    /// Every sequence of up to six words of one to four letters, at widths 2 to 9, with
    /// and without indents: every way optimal fit can be asked to break such a line.
    #[test]
    fn every_short_paragraph_is_wrapped_as_textwrap_does() {
        let mut cases = 0;
        for n in 0..=6u32 {
            for code in 0..4usize.pow(n) {
                let mut text = String::new();
                let mut rest_of_code = code;
                for k in 0..n {
                    if k > 0 {
                        text.push(' ');
                    }
                    let letters = 1 + rest_of_code % 4;
                    rest_of_code /= 4;
                    text.push_str(&"abcd"[..letters]);
                }
                for width in 2..=9 {
                    for (first, rest) in [("", ""), ("- ", "  ")] {
                        same(&text, width, first, rest);
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 5461 * 16);
    }

    /// Wrapping one text after another with the same scratch space gives each text's
    /// own lines.
    #[test]
    fn the_scratch_space_carries_nothing_over() {
        let mut wrapper = Wrapper::default();
        let texts = [
            "a long paragraph of many words, long enough for a few lines of text here",
            "short",
            "",
            "two lines of words at this narrow width",
        ];
        for _ in 0..2 {
            for text in texts {
                let mut lines = Vec::new();
                wrapper.wrap(text, 14, "- ", "  ", |line| {
                    lines.push(line.text("- ", "  "))
                });
                assert_eq!(lines, textwrap(text, 14, "- ", "  "));
            }
        }
    }

    /// A piece of a random paragraph: words, runs of spaces, line breaks, wide and
    /// combining characters, escape sequences and other control characters, and words
    /// longer than a line. The report's tests draw from it too.
    pub(crate) fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[a-z]{1,9}",
            3 => " {1,3}",
            1 => Just("\n".to_string()),
            1 => "[A-Za-z0-9,.;:()!?'-]{1,6}",
            1 => "[éüßñ—≥]{1,3}",
            1 => "[漢字日本語]{1,4}",
            1 => "[😀🏃👍]{1,2}",
            1 => "[aeo][\u{301}\u{308}]",
            1 => "\x1b\\[[0-9;]{0,4}m",
            1 => "\x1b\\]8;;[a-z]{0,3}\x07",
            1 => "[\t\r\u{7f}\u{0}\u{200b}]",
            1 => "[a-z]{15,60}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6000))]
        #[test]
        fn a_random_paragraph_is_wrapped_as_textwrap_does(
            pieces in prop::collection::vec(piece(), 0..60),
            first in "[ ]{0,5}(You answered: |1[.] |- |漢 )?",
            rest in "[ ]{0,9}",
            width in 0usize..90,
        ) {
            same(&pieces.concat(), width, &first, &rest);
        }
    }
}
