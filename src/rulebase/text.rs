//! The rule base's words: a string that is either borrowed for the life of the program or
//! owned.
//!
//! The shipped rule base borrows every one of its words from one text compiled into the
//! binary (`OUT_DIR/rulebase.strings`, written by `build.rs`): reading it back allocates
//! no string, copies none and checks no UTF-8 (the compiler checked that text once, at build
//! time). A rule base loaded from a folder (`--rules DIR`) owns its words.
//!
//! # The embedded form
//!
//! A [`Text`] serializes as a plain string, except inside [`to_embedded`]: there its words
//! are added to the end of a table of words and only its length is written. Serde reads a
//! struct's fields in the order it writes them, so [`from_embedded`] finds each text at the
//! start of what the texts before it left of the table, and slices it out. Elsewhere a
//! `Text` deserializes from a plain string, owned. (The form is postcard's for a string, its
//! length then its bytes, with the bytes moved to the table. Writing each distinct text
//! once would save 2.3 KB of the shipped table's 65 KB and cost a branch per text.) The mode
//! is a switch of the current thread, set only while these two functions run, so every
//! other use (JSON, the tests' byte comparisons) sees plain strings.

use std::borrow::{Borrow, Cow};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A word, sentence or id of the rule base: borrowed from a text the program keeps (free to
/// clone), or owned. It compares, hashes, orders and prints exactly as its `str` does, and
/// its `Debug` is a `String`'s (quoted).
#[derive(Clone, Default)]
pub struct Text(Cow<'static, str>);

impl Text {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as a new `String`, copied as a `String`'s own `to_string` copies it (not
    /// through the formatting machinery `Display` would take).
    #[allow(clippy::inherent_to_string_shadow_display)]
    pub fn to_string(&self) -> String {
        String::from(&*self.0)
    }

    /// Whether it borrows from a text kept for the life of the program (allocates nothing).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        *self.0 == *other.0
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes, so that a map keyed on `Text` is searched with a `&str`.
        (*self.0).hash(state)
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        (*self.0).cmp(&*other.0)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Cow::Owned(text))
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Text(Cow::Borrowed(text))
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0.into_owned()
    }
}

impl schemars::JsonSchema for Text {
    // A string's schema: a `Text` serializes as one (see the module's comment).
    fn inline_schema() -> bool {
        String::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        String::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

thread_local! {
    /// Set while [`to_embedded`] runs: the texts written so far, one after another.
    static WRITING: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Set while [`from_embedded`] runs: the texts not read yet.
    static READING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let embedded = WRITING
            .with_borrow_mut(|table| table.as_mut().map(|table| table.push_str(self)).is_some());
        if embedded {
            serializer.serialize_u32(u32::try_from(self.len()).expect("a text under 4 GiB"))
        } else {
            serializer.serialize_str(self)
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Some(rest) = READING.get() else {
            return plain(deserializer);
        };
        let len = u32::deserialize(deserializer)? as usize;
        let (text, rest) = rest.split_at_checked(len).ok_or_else(|| {
            serde::de::Error::custom("a text beyond the end of the rule base's table of words")
        })?;
        READING.set(Some(rest));
        Ok(Text(Cow::Borrowed(text)))
    }
}

/// A text deserialized from a plain string, owned.
#[cold]
#[inline(never)]
fn plain<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
    String::deserialize(deserializer).map(Text::from)
}

/// Serializes `value` with postcard in the embedded form: the bytes, and the table of words
/// they point into.
pub fn to_embedded<T: Serialize>(value: &T) -> Result<(Vec<u8>, String), postcard::Error> {
    WRITING.set(Some(String::new()));
    let bytes = postcard::to_allocvec(value);
    let words = WRITING.take().expect("the table set above");
    Ok((bytes?, words))
}

/// Reads back with postcard what [`to_embedded`] wrote, every text borrowed from `words`
/// (which must hold nothing more: what is left unread is an error).
pub fn from_embedded<T: DeserializeOwned>(
    bytes: &[u8],
    words: &'static str,
) -> Result<T, postcard::Error> {
    READING.set(Some(words));
    let value = postcard::from_bytes(bytes);
    let rest = READING.take();
    match rest {
        Some("") => value,
        _ => value.and(Err(postcard::Error::SerdeDeCustom)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn a_text_behaves_as_its_string() {
        let owned = Text::from(String::from("low back"));
        let borrowed = Text::from("low back");
        assert_eq!(owned, borrowed);
        assert_eq!(
            format!("{owned:?}"),
            format!("{:?}", "low back".to_string())
        );
        assert_eq!(format!("{borrowed}"), "low back");
        assert!(borrowed.is_borrowed() && !owned.is_borrowed());
        let mut map = HashMap::new();
        map.insert(owned, 1);
        assert_eq!(map.get("low back"), Some(&1));
        let (a, b) = (Text::from("a"), Text::from("b".to_string()));
        assert!(a < b && b.cmp(&a) == std::cmp::Ordering::Greater);
        assert_eq!(Text::default(), "");
    }

    #[test]
    fn the_embedded_form_reads_back_borrowed_and_the_plain_form_as_strings() {
        let value = vec![
            (Text::from("one"), Some(Text::from("two".to_string()))),
            (Text::from("one".to_string()), None),
            (Text::from("é, \"quoted\""), Some(Text::default())),
        ];
        let (bytes, words) = to_embedded(&value).unwrap();
        assert_eq!(words, "onetwooneé, \"quoted\"");
        let words: &'static str = Box::leak(words.into_boxed_str());
        let back: Vec<(Text, Option<Text>)> = from_embedded(&bytes, words).unwrap();
        assert_eq!(back, value);
        assert!(
            back.iter()
                .all(|(a, b)| a.is_borrowed() && b.as_ref().is_none_or(Text::is_borrowed))
        );
        // Outside those two functions, plain strings both ways.
        let plain = postcard::to_allocvec(&value).unwrap();
        let strings: Vec<(String, Option<String>)> = postcard::from_bytes(&plain).unwrap();
        assert_eq!(strings[2].0, "é, \"quoted\"");
        let texts: Vec<(Text, Option<Text>)> = postcard::from_bytes(&plain).unwrap();
        assert_eq!(texts, value);
        // A table that does not match the bytes is refused: too short, too long, or cut
        // inside a character.
        for wrong in [
            "short",
            "onetwooneé, \"quoted\"!",
            "onetwoone\u{e9}\u{301}, \"quoted",
        ] {
            assert!(from_embedded::<Vec<(Text, Option<Text>)>>(&bytes, wrong).is_err());
        }
    }
}
