//! Lines of a JSONL stream, each bounded in size, so a line without an end costs no more
//! memory than the limit.

use std::io::{self, BufRead};

use crate::answers::MAX_ANSWER_BYTES;

/// One line of input, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: u64,
    /// The text, or why it cannot be read as one.
    pub text: Result<String, LineProblem>,
}

/// Why a line was not read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    /// Longer than [`MAX_ANSWER_BYTES`]; the rest of it was skipped unread.
    TooLong,
    /// Not valid UTF-8.
    NotUtf8,
}

/// Reads lines from a stream, `\n` or `\r\n` ended, none kept longer than the limit.
pub struct Lines<R> {
    reader: R,
    number: u64,
    bytes_read: u64,
    limit: usize,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`, each at most [`MAX_ANSWER_BYTES`].
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_ANSWER_BYTES)
    }

    /// Lines of `reader`, each at most `limit` bytes (without the line ending).
    pub fn with_limit(reader: R, limit: usize) -> Self {
        Lines {
            reader,
            number: 0,
            bytes_read: 0,
            limit,
        }
    }

    /// How many bytes have been consumed so far, for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next line, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        let mut buf = Vec::new();
        let mut too_long = false;
        let mut seen_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !seen_any {
                    return Ok(None);
                }
                break;
            }
            seen_any = true;
            let (piece, consumed, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            // Past the limit the rest of the line is skipped, never stored.
            if !too_long {
                if buf.len() + piece.len() > self.limit {
                    too_long = true;
                    buf = Vec::new();
                } else {
                    buf.extend_from_slice(piece);
                }
            }
            self.reader.consume(consumed);
            self.bytes_read += consumed as u64;
            if done {
                break;
            }
        }
        self.number += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        let text = if too_long {
            Err(LineProblem::TooLong)
        } else {
            String::from_utf8(buf).map_err(|_| LineProblem::NotUtf8)
        };
        Ok(Some(Line {
            number: self.number,
            text,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], limit: usize) -> Vec<Line> {
        // A tiny buffer makes lines span many reads, as they do with a slow pipe.
        let reader = io::BufReader::with_capacity(3, input);
        let mut lines = Lines::with_limit(reader, limit);
        std::iter::from_fn(|| lines.next_line().unwrap()).collect()
    }

    fn text(number: u64, s: &str) -> Line {
        Line {
            number,
            text: Ok(s.to_string()),
        }
    }

    #[test]
    fn splits_on_newlines_with_or_without_a_last_one_and_drops_carriage_returns() {
        assert_eq!(
            all(b"{\"a\": 1}\r\n\n{}", 100),
            [text(1, "{\"a\": 1}"), text(2, ""), text(3, "{}")]
        );
        assert_eq!(all(b"{}\n", 100), [text(1, "{}")]);
        assert!(all(b"", 100).is_empty());
    }

    #[test]
    fn a_line_over_the_limit_is_refused_and_the_next_one_read() {
        let lines = all(b"0123456789\nabc\n", 5);
        assert_eq!(lines[0].text, Err(LineProblem::TooLong));
        assert_eq!(lines[1], text(2, "abc"));
        let lines = all(b"12345\n", 5);
        assert_eq!(lines[0], text(1, "12345"), "exactly the limit is fine");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_by_line() {
        let lines = all(b"{}\n\xff\xfe\n{}\n", 100);
        assert_eq!(lines[1].text, Err(LineProblem::NotUtf8));
        assert_eq!(lines[2], text(3, "{}"));
    }
}
