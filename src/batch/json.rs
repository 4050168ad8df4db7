//! Compact JSON for batch records, written from the rule base's pre-escaped text.
//!
//! A serde serializer that writes what [`crate::clean::write_json`] writes, byte for byte,
//! for the same value: serde_json's compact layout, numbers formatted by serde_json, and
//! every string escaped the JSON way and for the terminal. What differs is how a string
//! gets there: one of the rule base's own (a title, a how-to, a source) is copied from
//! [`EscapedTexts`], escaped once when the batch began; a plain ASCII string is copied
//! after one quick look; only the rest is escaped as it is written.

use std::io::Write as _;

use serde::ser::{self, Serialize};

use crate::rulebase::escaped::EscapedTexts;

/// Appends `value` as compact JSON to `out`; the same bytes as [`crate::clean::write_json`].
pub fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    texts: &EscapedTexts,
    value: &T,
) -> Result<(), Error> {
    value.serialize(&mut Writer { out, texts })
}

/// Appends `text` as a JSON string: the same bytes as [`write`] of it, copied from its
/// escaped form when it is one of the rule base's own strings.
pub fn write_str(out: &mut Vec<u8>, texts: &EscapedTexts, text: &str) {
    Writer { out, texts }.string(text);
}

/// Why a value could not be written: only a map whose keys are not text.
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

struct Writer<'w, 't> {
    out: &'w mut Vec<u8>,
    texts: &'t EscapedTexts,
}

impl Writer<'_, '_> {
    fn string(&mut self, text: &str) {
        // A short string (an id, a level, a key) is checked and copied faster than it is
        // looked up; a long one is likely the rule base's, and copied from its escaped form.
        if text.len() < 32 && self.plain(text) {
            return;
        }
        if let Some(escaped) = self.texts.get(text) {
            self.out.extend_from_slice(escaped.as_bytes());
        } else if !self.plain(text) {
            crate::clean::write_json(self.out, text).expect("a string serializes to memory");
        }
    }

    /// Writes `text` when it is printable ASCII without a quote or a backslash, which is
    /// its own escaped form; says whether it did.
    fn plain(&mut self, text: &str) -> bool {
        let plain = is_plain(text.as_bytes());
        if plain {
            self.out.reserve(text.len() + 2);
            self.out.push(b'"');
            self.out.extend_from_slice(text.as_bytes());
            self.out.push(b'"');
        }
        plain
    }

    /// A number as serde_json writes it.
    fn number<T: Serialize>(&mut self, n: T) {
        serde_json::to_writer(&mut *self.out, &n).expect("a number serializes to memory");
    }
}

/// Whether every byte is printable ASCII other than a quote or a backslash: looked at
/// eight at a time, as one 64-bit word (a record writes about a thousand strings, most of
/// them short).
fn is_plain(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Whether any byte of `x` is below `n` (at most 0x80), or is zero.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let zero = |x: u64| below(x, 1);
    let bad_word = |x: u64| {
        below(x, 0x20)
            || x & HIGH != 0
            || zero(x ^ (ONES * 0x7f))
            || zero(x ^ (ONES * u64::from(b'"')))
            || zero(x ^ (ONES * u64::from(b'\\')))
    };
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_ne_bytes(word.try_into().expect("eight bytes"));
        if bad_word(word) {
            return false;
        }
    }
    // The last few bytes as one more word, padded with a plain letter.
    let rest = words.remainder();
    let mut last = [b'a'; 8];
    last[..rest.len()].copy_from_slice(rest);
    !bad_word(u64::from_ne_bytes(last))
}

/// A list or an object being written: whether the next item is the first.
pub struct Compound<'a, 'w, 't> {
    writer: &'a mut Writer<'w, 't>,
    first: bool,
}

impl Compound<'_, '_, '_> {
    fn comma(&mut self) {
        if !self.first {
            self.writer.out.push(b',');
        }
        self.first = false;
    }

    fn key(&mut self, key: &str) {
        self.comma();
        self.writer.string(key);
        self.writer.out.push(b':');
    }
}

impl<'a, 'w, 't> ser::Serializer for &'a mut Writer<'w, 't> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'w, 't>;
    type SerializeTuple = Compound<'a, 'w, 't>;
    type SerializeTupleStruct = Compound<'a, 'w, 't>;
    type SerializeTupleVariant = Compound<'a, 'w, 't>;
    type SerializeMap = Compound<'a, 'w, 't>;
    type SerializeStruct = Compound<'a, 'w, 't>;
    type SerializeStructVariant = Compound<'a, 'w, 't>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to memory");
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to memory");
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to memory");
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        write!(self.out, "{v}").expect("writing to memory");
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.number(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        self.out.push(b'[');
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.out.push(b'{');
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        self.out.push(b'{');
        self.string(variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound {
            writer: self,
            first: true,
        })
    }
}

impl ser::SerializeSeq for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.comma();
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Error> {
        self.writer.out.push(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.writer.out.extend_from_slice(b"]}");
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.comma();
        key.serialize(KeyWriter(&mut *self.writer))?;
        self.writer.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Error> {
        self.writer.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.key(key);
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeMap::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.writer.out.extend_from_slice(b"}}");
        Ok(())
    }
}

/// Writes an object's key: text, or a number or a boolean in quotes, as serde_json does.
struct KeyWriter<'a, 'w, 't>(&'a mut Writer<'w, 't>);

impl KeyWriter<'_, '_, '_> {
    fn quoted(self, text: &str) -> Result<(), Error> {
        self.0.string(text);
        Ok(())
    }
}

fn key_must_be_text() -> Error {
    Error("key must be a string".to_string())
}

impl ser::Serializer for KeyWriter<'_, '_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.quoted(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.quoted(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.quoted(&v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.quoted(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_text())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_text())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_text())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_text())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_text())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(value: &serde_json::Value) -> (String, String) {
        let texts = EscapedTexts::default();
        let mut fast = Vec::new();
        write(&mut fast, &texts, value).unwrap();
        let mut plain = Vec::new();
        crate::clean::write_json(&mut plain, value).unwrap();
        (
            String::from_utf8(fast).unwrap(),
            String::from_utf8(plain).unwrap(),
        )
    }

    #[test]
    fn writes_what_serde_json_writes_escapes_and_numbers_included() {
        let value = serde_json::json!({
            "id\u{202e}": "a\u{1b}b\u{7f}c\u{9b}d\u{feff}e é \"q\" \\ \n\t",
            "list": [1, -2, 0.1, 1e300, 0.75, 1.0, 12345678901234567890u64, null, true, false],
            "nested": {"": [], "empty": {}, "x": [[1], {"y": "z"}]},
            "plain": "runner-17",
        });
        let (fast, plain) = both(&value);
        assert_eq!(fast, plain);
    }

    #[test]
    fn plain_text_is_told_from_text_to_escape_wherever_the_character_falls() {
        for len in 0..40 {
            let plain: String = "az ~!#[]{}".chars().cycle().take(len).collect();
            assert!(is_plain(plain.as_bytes()));
            for at in 0..len {
                for c in [
                    '"', '\\', '\n', '\0', '\u{1f}', '\u{7f}', '\u{80}', 'é', '\u{202e}',
                ] {
                    let mut text: Vec<char> = plain.chars().collect();
                    text[at] = c;
                    let text: String = text.into_iter().collect();
                    assert!(!is_plain(text.as_bytes()), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn a_rule_base_string_is_copied_from_its_escaped_form() {
        let rb = crate::rulebase::embedded::shipped().unwrap();
        let texts = rb.escaped();
        let summary = rb.causes[0].summary.as_str();
        let mut fast = Vec::new();
        write(&mut fast, texts, &[summary, &rb.causes[0].summary.clone()]).unwrap();
        let mut plain = Vec::new();
        crate::clean::write_json(&mut plain, &[summary, summary]).unwrap();
        assert_eq!(fast, plain);
    }
}
