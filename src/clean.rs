//! Text from outside made safe to print: answers, batch ids, file names, rule-base text.
//!
//! Every piece of text runback did not write itself goes through [`clean`] or
//! [`clean_lines`] before it reaches a terminal, a message or a report, as ripgrep funnels
//! every path it prints through one printer. Control characters and invisible or
//! bidirectional formatting characters are shown escaped (`\u{1b}`), not dropped: they
//! can neither retitle the terminal, move the cursor nor reorder a line, and the runner
//! still sees what was wrong. JSON output escapes the same characters the JSON way
//! (`\u001b`), so the data survives intact ([`json_pretty`], [`write_json`]).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde::Serialize;

/// Whether a character must not reach a terminal raw: C0 controls, DEL and C1 controls,
/// the bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069), and invisible formatting (U+200B to U+200D, U+2028, U+2029, U+2060 to U+2064,
/// U+FEFF).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// Whether these bytes may hold an unsafe character: a quick scan that spares the
/// character-by-character check for the usual, clean text. Every unsafe character is a
/// byte below 0x20, DEL, or starts with 0xC2 (C1), 0xD8 (U+061C), 0xE2 (U+20xx) or 0xEF
/// (U+FEFF).
fn may_be_unsafe(bytes: &[u8]) -> bool {
    // Most text is ASCII without controls: two passes the standard library does a word
    // (or a vector) at a time beat one that looks at each byte in turn.
    if bytes.is_ascii() {
        return bytes.iter().any(|&b| b < 0x20) || bytes.contains(&0x7f);
    }
    bytes
        .iter()
        .any(|&b| b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef))
}

/// The first character of a JSON string fragment that JSON allows raw but a terminal must
/// not see, with its byte offset. serde_json has escaped C0 already, so only DEL and
/// characters whose UTF-8 starts with 0xC2, 0xD8, 0xE2 or 0xEF can be one: `memchr` finds
/// those a vector at a time, and a batch writes megabytes of report text a second.
fn next_unsafe_in_fragment(fragment: &str) -> Option<(usize, char)> {
    let bytes = fragment.as_bytes();
    let mut from = 0;
    // The rare lead bytes are looked for once, not again after every common one.
    let mut rare = memchr::memchr2(0xd8, 0xef, bytes);
    loop {
        let common = memchr::memchr3(0x7f, 0xc2, 0xe2, &bytes[from..]).map(|i| i + from);
        let at = match (common, rare) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => return None,
        };
        // A lead byte always starts a character, so `at` is a character boundary.
        let c = fragment[at..].chars().next()?;
        if is_unsafe(c) {
            return Some((at, c));
        }
        from = at + 1;
        if rare == Some(at) {
            rare = memchr::memchr2(0xd8, 0xef, &bytes[from..]).map(|i| i + from);
        }
    }
}

/// One line of outside text with every unsafe character escaped, line breaks included.
pub fn clean(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Outside text of several lines: like [`clean`], but `\n` is kept as a line break.
pub fn clean_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe(c) && !(keep_newlines && c == '\n');
    if !may_be_unsafe(text.as_bytes()) || !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_here(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path as a message shows it: bytes that are not UTF-8 as `�`, the rest cleaned.
pub fn path(path: &Path) -> String {
    clean(&path.to_string_lossy()).into_owned()
}

/// A path quoted so it can be pasted into a POSIX shell as one word: as it is when it
/// holds only safe characters, in single quotes otherwise, and as `$'...'` with escapes
/// when it holds characters that must not be printed raw (or bytes that are not UTF-8).
pub fn shell_quote(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"_-./:=@%+,".contains(&b);
    if !bytes.is_empty() && bytes.iter().all(|&b| plain(b)) {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let printable = bytes
        .utf8_chunks()
        .all(|chunk| chunk.invalid().is_empty() && !chunk.valid().chars().any(is_unsafe));
    if printable {
        let text = String::from_utf8_lossy(bytes);
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\'' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if is_unsafe(c) && u32::from(c) < 0x80 => {
                    let _ = write!(out, "\\x{:02x}", u32::from(c));
                }
                c if is_unsafe(c) => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push('\'');
    out
}

/// A serde_json formatter that also escapes, as `\uXXXX`, the characters JSON allows raw
/// but a terminal must not see (DEL, C1, bidirectional and invisible characters); JSON
/// itself already escapes C0. The value read back is unchanged.
struct SafeJson<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = next_unsafe_in_fragment(rest) {
            writer.write_all(&rest.as_bytes()[..at])?;
            // Every unsafe character is in the Basic Multilingual Plane.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // The layout is the wrapped formatter's.
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `value` as pretty-printed JSON (two-space indent, as `serde_json::to_string_pretty`),
/// with every character a terminal must not see escaped.
pub fn json_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(4096);
    let plain = serde_json::to_writer_pretty(&mut out, value);
    plain.expect("a value serializes to memory");
    // Checked as UTF-8 once, and scanned as text (a JSON report is some 40 KB).
    let plain = String::from_utf8(out).expect("serde_json writes UTF-8");
    if next_unsafe_in_fragment(&plain).is_none() {
        return plain;
    }
    let mut out = plain.into_bytes();
    out.clear();
    let formatter = SafeJson(serde_json::ser::PrettyFormatter::new());
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    let safe = value.serialize(&mut serializer);
    safe.expect("a value serializes to memory");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Appends `value` as compact JSON (one line, as `serde_json::to_writer`) to `out`, with
/// every character a terminal must not see escaped.
pub fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    // Written plainly and then scanned in one pass, which for a batch of reports is much
    // cheaper than looking at each of their hundreds of short strings; written again
    // with the escapes only in the rare case that it holds something to escape.
    let start = out.len();
    serde_json::to_writer(&mut *out, value)?;
    if has_unsafe_json(&out[start..]) {
        out.truncate(start);
        let formatter = SafeJson(serde_json::ser::CompactFormatter);
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))?;
    }
    Ok(())
}

/// Whether JSON text written by serde_json holds a character a terminal must not see
/// (it has escaped C0 itself).
fn has_unsafe_json(json: &[u8]) -> bool {
    let text = std::str::from_utf8(json).expect("serde_json writes UTF-8");
    next_unsafe_in_fragment(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped_not_dropped() {
        assert_eq!(clean("\u{1b}]0;pwned\u{7} ok"), r"\u{1b}]0;pwned\u{7} ok");
        assert_eq!(
            clean("a\0b\x7fc\u{9b}d\u{8}e\rf\u{202e}g\u{feff}h\u{200b}i"),
            r"a\u{0}b\u{7f}c\u{9b}d\u{8}e\u{d}f\u{202e}g\u{feff}h\u{200b}i"
        );
        assert_eq!(clean("two\nlines\t"), r"two\u{a}lines\u{9}");
        assert_eq!(clean_lines("two\nlines\u{1b}"), "two\nlines\\u{1b}");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "weekly_km",
            "Größe – 5 km",
            "日本語",
            "emoji 🏃",
            "\u{2013}\u{20ac}",
        ] {
            assert!(
                matches!(clean(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn every_character_of_the_classes_is_unsafe_and_nothing_around_them() {
        for c in ('\0'..='\x1f').chain('\x7f'..='\u{9f}') {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in [
            '\u{200b}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
        }
        for c in [
            ' ', '~', '\u{a0}', '\u{2010}', '\u{202f}', '\u{2070}', '\u{fefe}',
        ] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn a_path_is_quoted_for_the_shell_only_when_it_must_be() {
        assert_eq!(shell_quote(Path::new("me.json")), "me.json");
        assert_eq!(shell_quote(Path::new("/tmp/a-b_c.json")), "/tmp/a-b_c.json");
        assert_eq!(
            shell_quote(Path::new("my answers.json")),
            "'my answers.json'"
        );
        assert_eq!(shell_quote(Path::new("it's.json")), r"'it'\''s.json'");
        assert_eq!(shell_quote(Path::new("$(rm -rf ~)")), "'$(rm -rf ~)'");
        assert_eq!(
            shell_quote(Path::new("a\u{1b}]0;x\u{7}'\u{202e}.json")),
            r"$'a\x1b]0;x\x07\'\u202e.json'"
        );
        assert_eq!(shell_quote(Path::new("")), "''");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_keeps_its_bytes_in_the_quote() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"a\xffb.json"));
        assert_eq!(shell_quote(path), r"$'a\xffb.json'");
        assert_eq!(super::path(path), "a\u{fffd}b.json");
    }

    #[test]
    fn json_escapes_what_a_terminal_must_not_see_and_reads_back_the_same() {
        let value = serde_json::json!({
            "id\u{202e}": "a\u{1b}b\u{7f}c\u{9b}d\u{feff}e é",
            "list": [1, "\u{2066}"],
        });
        let mut compact = Vec::new();
        write_json(&mut compact, &value).unwrap();
        let compact = String::from_utf8(compact).unwrap();
        assert_eq!(
            compact,
            r#"{"id\u202e":"a\u001bb\u007fc\u009bd\ufeffe é","list":[1,"\u2066"]}"#
        );
        let back: serde_json::Value = serde_json::from_str(&compact).unwrap();
        assert_eq!(back, value);
        let pretty = json_pretty(&value);
        assert!(
            !pretty.chars().any(|c| is_unsafe(c) && c != '\n'),
            "{pretty}"
        );
        // Characters that share a first byte with an unsafe one pass unchanged.
        let near = "– ’ █ \u{2070} ؀ \u{61d} \u{ff01} \u{fefe} \u{a0} é";
        assert_eq!(json_pretty(&near), format!("\"{near}\""));
        let mixed = "a–b\u{202e}c’\u{61c}d\u{ff01}\u{feff}e\u{7f}";
        let mut out = Vec::new();
        write_json(&mut out, mixed).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a–b\\u202ec’\\u061cd\u{ff01}\\ufeffe\\u007f\""
        );
        let clean = serde_json::json!({ "a": [1, { "b": null }], "c": "x" });
        assert_eq!(
            json_pretty(&clean),
            serde_json::to_string_pretty(&clean).unwrap()
        );
    }
}
