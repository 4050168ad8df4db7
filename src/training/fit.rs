//! Garmin FIT files, read by runback itself: the `session` message holds the summary of an
//! activity (sport, start, distance, time, ascent), `activity` gives the local time offset,
//! and `sport` may name the sport.
//!
//! A FIT file is a header, a run of messages and a checksum, possibly several such files
//! one after another (a chain). A definition message gives, for one local message type,
//! the global message it carries, its byte order and each field's number, size and type
//! (and the size of each developer field); the data messages of that type then follow that
//! layout. So every message runback does not use (the thousands of `record` messages, one
//! a second, laps, events, device information, developer fields) is stepped over by the
//! size its definition gives, without being decoded. Only the fields runback reads are
//! decoded, from the three messages above, and reading stops once a session and the
//! activity are both known.
//!
//! The reader follows the FIT protocol (the FIT SDK's "FIT File Types" and "FIT Protocol"
//! documents): headers of 12 or 14 bytes, the 14-byte one with a checksum of its own;
//! little- and big-endian definitions; compressed-timestamp headers, whose time counts
//! from the last full timestamp of any message; field values equal to their type's
//! "invalid" value treated as absent. It reads what the decoder runback used before
//! (fitparser 0.11) read from every sound file, the same way (the same sessions, sport
//! names, scaling, and checks of the checksums), except where that decoder, as runback
//! used it, was wrong: a file with developer fields was refused as not valid, the local
//! time offset depended on the time zone of the machine reading the file, and a compressed
//! timestamp counted only from the few messages it decoded.
//!
//! Every length is checked before it is used; no field is copied except the few decoded;
//! memory is one definition per local type (16) and at most [`MAX_SESSIONS`] sessions.

use chrono::{DateTime, FixedOffset, Utc};

use super::Parsed;
use super::kind::classify;

/// The global message numbers read (FIT profile: sport, session, activity).
const SPORT: u16 = 12;
const SESSION: u16 = 18;
const ACTIVITY: u16 = 34;

/// The field number of a message's timestamp, in every message of the FIT profile.
const TIMESTAMP: u8 = 253;

/// Seconds from the Unix epoch to the FIT epoch, 1989-12-31T00:00:00Z.
const FIT_EPOCH: i64 = 631_065_600;

/// What a runner is told of a FIT file whose checksum does not match, after its name.
pub const DAMAGED: &str = "its checksum does not match, so the file may be damaged and its figures wrong; it was read anyway";

/// Why a file is skipped whose dates lie outside any calendar.
const UNDECODABLE: &str = "the FIT file is damaged in a way runback cannot read";

/// The most sessions one FIT file may hold: a triathlon has five, and no activity has
/// hundreds; a file with more is refused rather than held in memory.
const MAX_SESSIONS: usize = 1000;
const TOO_MANY: &str =
    "the FIT file holds more sessions than any activity has (damaged, or not an activity)";

const CUT_SHORT: &str = "the FIT file ends in the middle of a message (cut short?)";
const BAD_CHECKSUM: &str = "the FIT file's checksum does not match (damaged?)";
const NOT_FIT: &str = "not a valid FIT file (damaged?)";
const NO_SESSION: &str = "the FIT file has no session summary";

/// Reads the sessions of a FIT file: usually one, several for a multisport file. A file
/// whose checksum does not match is still read, and its sessions carry [`DAMAGED`].
pub fn read(bytes: &[u8]) -> Result<Vec<Parsed>, String> {
    check_chain(bytes)?;
    let mut crcs = Checksums::default();
    let found = Reader::new(bytes).sessions(&mut crcs)?;
    let mut sessions = found.sessions;
    if sessions.is_empty() {
        return Err(found.failure.unwrap_or(NO_SESSION).to_string());
    }
    let warning = (!checksums_match(bytes, &mut crcs)).then(|| DAMAGED.to_string());
    for s in &mut sessions {
        s.offset = found.offset;
        s.warning.clone_from(&warning);
        if s.sport.is_empty() {
            s.sport = found.sport_name.clone().unwrap_or_else(|| "unknown".into());
            s.kind = classify(&s.sport);
        }
    }
    Ok(sessions)
}

// ---------------------------------------------------------------------------------------
// The headers of a chain, checked before anything is read.

/// Checks every header of a (possibly chained) FIT file: the first must be a FIT header,
/// and each must give its own size as 12 or 14 bytes and fit in the file. Damage further
/// in is left for the reader to find and name.
fn check_chain(bytes: &[u8]) -> Result<(), String> {
    let mut start = 0usize;
    while let Some(rest) = bytes.get(start..).filter(|r| !r.is_empty()) {
        if rest.len() < 12 || &rest[8..12] != b".FIT" {
            if start == 0 {
                return Err(NOT_FIT.to_string());
            }
            // Bytes after the last file's checksum that are not another file: the reader
            // reports them.
            break;
        }
        let header = usize::from(rest[0]);
        if header != 12 && header != 14 {
            return Err(format!(
                "the FIT file's header gives its own size as {header} bytes, where 12 or 14 is \
                 right (damaged, or not a FIT file)"
            ));
        }
        if rest.len() < header {
            return Err("the FIT file ends inside its header (cut short?)".to_string());
        }
        let data = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let end = header.saturating_add(data);
        // The next file of a chain starts after the checksum when the last message ended
        // where the header said; where it ran past that, straight after it, with no
        // checksum (each message that starts before the end is read to its own end).
        start = match walk(&rest[header..], data) {
            Stop::AtEnd if end <= rest.len() => start + end + 2,
            Stop::Past(at) if header + at < rest.len() => start + header + at,
            _ => break,
        };
    }
    Ok(())
}

/// Where the messages of one file of a chain stopped.
enum Stop {
    /// Exactly at the end its header gives.
    AtEnd,
    /// Past it: the last message ran over, to this offset.
    Past(usize),
    /// Where they stop making sense, or at the end of the bytes.
    Lost,
}

/// Walks the messages that start within the first `size` bytes of a file's body by the
/// sizes their definitions give, and says where they stopped.
fn walk(body: &[u8], size: usize) -> Stop {
    // The size of a data message of each local type, fields and developer fields.
    let mut sizes: [Option<usize>; 16] = [None; 16];
    let mut at = 0usize;
    while let Some(&head) = body.get(at).filter(|_| at < size) {
        at += 1;
        if head & 0x80 != 0 {
            // A compressed-timestamp data message.
            let Some(n) = sizes[usize::from((head >> 5) & 0x3)] else {
                return Stop::Lost;
            };
            at += n;
        } else if head & 0x40 != 0 {
            let Some(&fields) = body.get(at + 4) else {
                return Stop::Lost;
            };
            let mut width = 0usize;
            let mut p = at + 5;
            for _ in 0..fields {
                let Some(def) = body.get(p..p + 3) else {
                    return Stop::Lost;
                };
                width += usize::from(def[1]);
                p += 3;
            }
            if head & 0x20 != 0 {
                let Some(&dev) = body.get(p) else {
                    return Stop::Lost;
                };
                p += 1;
                for _ in 0..dev {
                    let Some(def) = body.get(p..p + 3) else {
                        return Stop::Lost;
                    };
                    width += usize::from(def[1]);
                    p += 3;
                }
            }
            sizes[usize::from(head & 0xF)] = Some(width);
            at = p;
        } else {
            let Some(n) = sizes[usize::from(head & 0xF)] else {
                return Stop::Lost;
            };
            at += n;
        }
    }
    match at.cmp(&size) {
        std::cmp::Ordering::Equal => Stop::AtEnd,
        std::cmp::Ordering::Greater if at <= body.len() => Stop::Past(at),
        _ => Stop::Lost,
    }
}

// ---------------------------------------------------------------------------------------
// Checksums.

/// The FIT checksum is CRC-16/ARC (the FIT SDK's `fit_crc.c` computes it a nibble at a
/// time); these tables compute it eight bytes at a time.
const CRC_TABLES: [[u16; 256]; 8] = crc_tables();

const fn crc_tables() -> [[u16; 256]; 8] {
    let mut t = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u16;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xA001
            } else {
                c >> 1
            };
            bit += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// The FIT checksum of some bytes.
fn crc(bytes: &[u8]) -> u16 {
    let t = &CRC_TABLES;
    let mut crc = 0u16;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let low = crc ^ u16::from_le_bytes([c[0], c[1]]);
        crc = t[7][usize::from(low & 0xFF)]
            ^ t[6][usize::from(low >> 8)]
            ^ t[5][usize::from(c[2])]
            ^ t[4][usize::from(c[3])]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][usize::from((crc ^ u16::from(b)) & 0xFF)];
    }
    crc
}

/// The last few checksums computed, so that reading and then checking a file computes
/// each range once (a chain of millions of tiny files keeps only the last few).
#[derive(Default)]
struct Checksums {
    last: [(usize, usize, u16); 4],
    next: usize,
}

impl Checksums {
    /// The checksum of `bytes[from..to]` (the caller has checked the range).
    fn of(&mut self, bytes: &[u8], from: usize, to: usize) -> u16 {
        if let Some(&(_, _, c)) = self
            .last
            .iter()
            .find(|&&(f, t, _)| (f, t) == (from, to) && t > 0)
        {
            return c;
        }
        let c = crc(&bytes[from..to]);
        self.last[self.next] = (from, to, c);
        self.next = (self.next + 1) % self.last.len();
        c
    }
}

/// Whether the checksum that closes the file (each file of a chain) matches its bytes.
/// Reading stops at the session summary, long before the end, so a damaged byte would
/// otherwise pass unseen. The checksum covers the header and the data (the FIT SDK), or the
/// data alone after a header with a checksum of its own (as some readers compute it): either
/// is taken. A file too short for its checksum is left to the reader, which says so.
fn checksums_match(bytes: &[u8], crcs: &mut Checksums) -> bool {
    let mut start = 0usize;
    while bytes.len() - start >= 12 {
        let rest = &bytes[start..];
        let header = usize::from(rest[0]);
        let data = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(end) = header
            .checked_add(data)
            .filter(|&end| header >= 12 && end.checked_add(2).is_some_and(|e| e <= rest.len()))
        else {
            return true;
        };
        let stored = u16::from_le_bytes([rest[end], rest[end + 1]]);
        if crcs.of(bytes, start, start + end) != stored
            && crcs.of(bytes, start + header, start + end) != stored
        {
            return false;
        }
        start += end + 2;
    }
    true
}

// ---------------------------------------------------------------------------------------
// Definitions and field values.

/// A FIT base type, as a field definition gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    Enum,
    SInt8,
    UInt8,
    SInt16,
    UInt16,
    SInt32,
    UInt32,
    Text,
    Float32,
    Float64,
    UInt8z,
    UInt16z,
    UInt32z,
    Byte,
    SInt64,
    UInt64,
    UInt64z,
}

impl Base {
    /// The base type of a definition's type byte (bits 5 and 6 are reserved). A number the
    /// protocol does not define is read as one unsigned byte a value.
    fn of(byte: u8) -> Base {
        match byte & 0x9F {
            0x00 => Base::Enum,
            0x01 => Base::SInt8,
            0x83 => Base::SInt16,
            0x84 => Base::UInt16,
            0x85 => Base::SInt32,
            0x86 => Base::UInt32,
            0x07 => Base::Text,
            0x88 => Base::Float32,
            0x89 => Base::Float64,
            0x0A => Base::UInt8z,
            0x8B => Base::UInt16z,
            0x8C => Base::UInt32z,
            0x0D => Base::Byte,
            0x8E => Base::SInt64,
            0x8F => Base::UInt64,
            0x90 => Base::UInt64z,
            _ => Base::UInt8,
        }
    }

    /// The size of one value, in bytes.
    fn size(self) -> usize {
        match self {
            Base::SInt16 | Base::UInt16 | Base::UInt16z => 2,
            Base::SInt32 | Base::UInt32 | Base::UInt32z | Base::Float32 => 4,
            Base::Float64 | Base::SInt64 | Base::UInt64 | Base::UInt64z => 8,
            _ => 1,
        }
    }
}

/// One field of a definition: its number, where it lies in a data message, its size and
/// type.
#[derive(Debug, Clone, Copy)]
struct Field {
    number: u8,
    offset: usize,
    size: usize,
    base: Base,
}

/// What a definition message says of the data messages of its local type.
#[derive(Debug, Clone)]
struct Def {
    global: u16,
    big_endian: bool,
    /// The fields, in order (developer fields only count towards `size`).
    fields: Vec<Field>,
    /// The fields numbered as the timestamp (one, in any sound file).
    timestamps: Vec<Field>,
    /// The size of a data message after its header byte.
    size: usize,
}

/// A field's value, as read from a data message.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    /// Any integer type.
    Int(i128),
    Float(f64),
    Text(String),
    /// Several values (a field larger than one value of its type), never used here.
    Array,
}

impl Raw {
    /// The value as a signed 64-bit number (an unsigned one past `i64::MAX` wraps), the
    /// way a date or an enumeration is read; `None` for a fraction, text or an array.
    fn integer(&self) -> Option<i64> {
        match *self {
            Raw::Int(n) => Some(n as i64),
            _ => None,
        }
    }
}

/// One value of a type at the start of `b` (which holds at least `base.size()` bytes),
/// and whether it is valid: each type has one value meaning "no value".
fn one(b: &[u8], base: Base, big: bool) -> (Raw, bool) {
    macro_rules! num {
        ($t:ty, $n:literal) => {{
            let mut a = [0u8; $n];
            a.copy_from_slice(&b[..$n]);
            if big {
                <$t>::from_be_bytes(a)
            } else {
                <$t>::from_le_bytes(a)
            }
        }};
    }
    let int = |n: i128, invalid: i128| (Raw::Int(n), n != invalid);
    match base {
        Base::Enum | Base::UInt8 | Base::Byte => int(i128::from(b[0]), 0xFF),
        Base::UInt8z => int(i128::from(b[0]), 0),
        Base::SInt8 => int(i128::from(b[0] as i8), 0x7F),
        Base::SInt16 => int(i128::from(num!(i16, 2)), 0x7FFF),
        Base::UInt16 => int(i128::from(num!(u16, 2)), 0xFFFF),
        Base::UInt16z => int(i128::from(num!(u16, 2)), 0),
        Base::SInt32 => int(i128::from(num!(i32, 4)), 0x7FFF_FFFF),
        Base::UInt32 => int(i128::from(num!(u32, 4)), 0xFFFF_FFFF),
        Base::UInt32z => int(i128::from(num!(u32, 4)), 0),
        Base::SInt64 => int(i128::from(num!(i64, 8)), 0x7FFF_FFFF_FFFF_FFFF),
        Base::UInt64 => int(i128::from(num!(u64, 8)), 0xFFFF_FFFF_FFFF_FFFF),
        Base::UInt64z => int(i128::from(num!(u64, 8)), 0),
        Base::Float32 => {
            let f = f64::from(num!(f32, 4));
            (Raw::Float(f), f.is_finite())
        }
        Base::Float64 => {
            let f = num!(f64, 8);
            (Raw::Float(f), f.is_finite())
        }
        // Text is read whole by `value`.
        Base::Text => (Raw::Array, false),
    }
}

/// The value of a field of a data message, `None` when it holds its type's "no value"
/// (for an array: when no element holds a value), or text that is not UTF-8. Text ends at
/// its first zero byte.
fn value(message: &[u8], f: Field, big: bool) -> Option<Raw> {
    let bytes = message.get(f.offset..f.offset + f.size)?;
    if f.base == Base::Text {
        let text = bytes.split(|&b| b == 0).next().unwrap_or_default();
        return std::str::from_utf8(text)
            .ok()
            .map(|s| Raw::Text(s.to_string()));
    }
    if f.size == f.base.size() {
        let (v, valid) = one(bytes, f.base, big);
        return valid.then_some(v);
    }
    bytes
        .chunks_exact(f.base.size())
        .any(|b| one(b, f.base, big).1)
        .then_some(Raw::Array)
}

// ---------------------------------------------------------------------------------------
// Reading the messages.

/// What reading found.
struct Found {
    sessions: Vec<Parsed>,
    offset: Option<FixedOffset>,
    sport_name: Option<String>,
    /// Why reading stopped before the end, if it did.
    failure: Option<&'static str>,
}

/// Reads a FIT file's messages in order, one file of a chain after another.
struct Reader<'a> {
    bytes: &'a [u8],
    /// The next byte to read.
    at: usize,
    /// Where the messages of the current file end, as its header gives it.
    end: usize,
    /// Whether a header has been read.
    started: bool,
    /// Where the current file's checksum starts counting: at its header, or after a header
    /// with a checksum of its own.
    counted_from: usize,
    defs: [Option<Def>; 16],
    /// The last full timestamp, from which compressed-timestamp headers count.
    last_time: i64,
}

/// A data message runback reads: its local type, its bytes, and the time its compressed
/// header gives, if it has one.
type Wanted<'a> = (usize, &'a [u8], Option<i64>);

/// A reason to stop reading: damage, after which the sessions read so far still count,
/// or a reason to refuse the whole file.
enum Halt {
    Failure(&'static str),
    Refused(&'static str),
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            bytes,
            at: 0,
            end: 0,
            started: false,
            counted_from: 0,
            defs: Default::default(),
            last_time: 0,
        }
    }

    /// Reads until a session and the activity (its time offset) are both known, or to the
    /// end. Damage met on the way stops reading; the sessions read until then still count.
    fn sessions(mut self, crcs: &mut Checksums) -> Result<Found, String> {
        let mut found = Found {
            sessions: Vec::new(),
            offset: None,
            sport_name: None,
            failure: None,
        };
        while self.at < self.bytes.len() {
            let step = if self.started && self.at == self.end {
                self.checksum(crcs)
            } else if !self.started || self.at > self.end {
                self.header(crcs)
            } else {
                match self.message() {
                    Ok(Some((local, message, time))) => match &self.defs[local] {
                        Some(def) => decode(def, message, time, &mut found),
                        None => Ok(()),
                    },
                    Ok(None) => Ok(()),
                    Err(halt) => Err(halt),
                }
            };
            match step {
                Ok(()) => {}
                Err(Halt::Failure(why)) => {
                    found.failure = Some(why);
                    break;
                }
                Err(Halt::Refused(why)) => return Err(why.to_string()),
            }
            if found.failure.is_some() {
                break;
            }
            if !found.sessions.is_empty() && found.offset.is_some() {
                break;
            }
        }
        Ok(found)
    }

    /// The checksum that closes one file of a chain; the next file starts afresh.
    fn checksum(&mut self, crcs: &mut Checksums) -> Result<(), Halt> {
        let stored = self
            .bytes
            .get(self.at..self.at + 2)
            .ok_or(Halt::Failure(CUT_SHORT))?;
        let stored = u16::from_le_bytes([stored[0], stored[1]]);
        if crcs.of(self.bytes, self.counted_from, self.at) != stored {
            return Err(Halt::Failure(BAD_CHECKSUM));
        }
        self.at += 2;
        self.defs = Default::default();
        self.last_time = 0;
        Ok(())
    }

    /// A file header: the first, or the next of a chain.
    fn header(&mut self, crcs: &mut Checksums) -> Result<(), Halt> {
        let rest = &self.bytes[self.at..];
        if rest.len() < 8 {
            return Err(Halt::Failure(CUT_SHORT));
        }
        let signature = &rest[8..rest.len().min(12)];
        if signature != &b".FIT"[..signature.len()] {
            return Err(Halt::Failure(NOT_FIT));
        }
        let size = usize::from(rest[0]);
        // Checked for every file of a chain before reading; one found only here (where
        // damage makes the messages run past a header) is not read.
        if size != 12 && size != 14 {
            return Err(Halt::Failure(NOT_FIT));
        }
        if rest.len() < size {
            return Err(Halt::Failure(CUT_SHORT));
        }
        let data = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let own = if size == 14 {
            u16::from_le_bytes([rest[12], rest[13]])
        } else {
            0
        };
        self.started = true;
        self.end = self.at.saturating_add(size).saturating_add(data);
        // A header checksum of zero means none (the FIT SDK's test tool reads it so); then
        // the file's checksum counts the header too.
        self.counted_from = self.at;
        if own != 0 {
            if crcs.of(self.bytes, self.at, self.at + 12) != own {
                return Err(Halt::Failure(BAD_CHECKSUM));
            }
            self.counted_from = self.at + size;
        }
        self.at += size;
        Ok(())
    }

    /// One message. A definition is kept; a data message is stepped over, its timestamp
    /// noted, and given back (with its local type and its time from a compressed header)
    /// when it is one of the messages runback reads.
    fn message(&mut self) -> Result<Option<Wanted<'a>>, Halt> {
        let head = self.bytes[self.at];
        if head & 0x80 == 0 && head & 0x40 != 0 {
            return self.definition(head).map(|()| None);
        }
        let (local, time_offset) = if head & 0x80 != 0 {
            (usize::from((head >> 5) & 0x3), Some(i64::from(head & 0x1F)))
        } else {
            (usize::from(head & 0xF), None)
        };
        let def = self.defs[local].as_ref().ok_or(Halt::Failure(NOT_FIT))?;
        let start = self.at + 1;
        let message = self
            .bytes
            .get(start..start + def.size)
            .ok_or(Halt::Failure(CUT_SHORT))?;
        self.at = start + def.size;
        for &f in &def.timestamps {
            if let Some(v) = value(message, f, def.big_endian) {
                self.last_time = v.integer().unwrap_or(0);
            }
        }
        let time = time_offset.map(|offset| {
            // The low five bits of the time, rolled over past the last full timestamp.
            let last = self.last_time;
            let mut t = offset.wrapping_add(last & !0x1F);
            if offset < last & 0x1F {
                t = t.wrapping_add(0x20);
            }
            self.last_time = t;
            t
        });
        if matches!(def.global, SPORT | SESSION | ACTIVITY) {
            return Ok(Some((local, message, time)));
        }
        Ok(None)
    }

    fn definition(&mut self, head: u8) -> Result<(), Halt> {
        let cut = Halt::Failure(CUT_SHORT);
        let b = self.bytes;
        let fixed = b.get(self.at + 1..self.at + 6).ok_or(cut)?;
        let big_endian = fixed[1] == 1;
        let global = if big_endian {
            u16::from_be_bytes([fixed[2], fixed[3]])
        } else {
            u16::from_le_bytes([fixed[2], fixed[3]])
        };
        let count = usize::from(fixed[4]);
        let mut p = self.at + 6;
        let list = b.get(p..p + 3 * count).ok_or(Halt::Failure(CUT_SHORT))?;
        p += 3 * count;
        let mut fields = Vec::with_capacity(count);
        let mut timestamps = Vec::new();
        let mut size = 0usize;
        for d in list.chunks_exact(3) {
            let mut base = Base::of(d[2]);
            let width = usize::from(d[1]);
            // A size that is not a whole number of values is read as bytes.
            if width % base.size() != 0 {
                base = Base::Byte;
            }
            let f = Field {
                number: d[0],
                offset: size,
                size: width,
                base,
            };
            if f.number == TIMESTAMP {
                timestamps.push(f);
            }
            fields.push(f);
            size += width;
        }
        if head & 0x20 != 0 {
            let count = usize::from(*b.get(p).ok_or(Halt::Failure(CUT_SHORT))?);
            p += 1;
            let list = b.get(p..p + 3 * count).ok_or(Halt::Failure(CUT_SHORT))?;
            p += 3 * count;
            size += list
                .chunks_exact(3)
                .map(|d| usize::from(d[1]))
                .sum::<usize>();
        }
        self.defs[usize::from(head & 0xF)] = Some(Def {
            global,
            big_endian,
            fields,
            timestamps,
            size,
        });
        self.at = p;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The three messages runback reads.

/// A decoded field, as runback uses it.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Time(DateTime<Utc>),
    Num(f64),
    Text(String),
    /// An array, or a value of a type the field cannot be read as.
    Other,
}

fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Num(n) if n.is_finite() => Some(*n),
        _ => None,
    }
}

fn text(v: &Val) -> Option<String> {
    match v {
        Val::Text(s) => Some(s.clone()),
        other => number(other).map(|n| format!("sport {n}")),
    }
}

fn time(v: &Val) -> Option<DateTime<Utc>> {
    match v {
        Val::Time(t) => Some(*t),
        _ => None,
    }
}

/// A date: seconds since the FIT epoch; a fraction or text reads as the epoch itself. A
/// number past any calendar stops reading the file.
fn date(raw: &Raw) -> Result<Val, Halt> {
    if *raw == Raw::Array {
        return Ok(Val::Other);
    }
    from_fit_seconds(raw.integer().unwrap_or(0)).map(Val::Time)
}

fn from_fit_seconds(seconds: i64) -> Result<DateTime<Utc>, Halt> {
    FIT_EPOCH
        .checked_add(seconds)
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or(Halt::Refused(UNDECODABLE))
}

/// A number stored in units of `1 / scale`. Text where a number belongs is damage.
fn scaled(raw: &Raw, scale: f64) -> Result<Val, Halt> {
    match *raw {
        Raw::Int(n) => Ok(Val::Num(n as f64 / scale)),
        Raw::Float(f) => Ok(Val::Num(f / scale)),
        Raw::Text(_) => Err(Halt::Failure(NOT_FIT)),
        Raw::Array => Ok(Val::Other),
    }
}

/// A number stored as it is.
fn plain(raw: &Raw) -> Val {
    match *raw {
        Raw::Int(n) => Val::Num(n as f64),
        Raw::Float(f) => Val::Num(f),
        Raw::Text(ref s) => Val::Text(s.clone()),
        Raw::Array => Val::Other,
    }
}

/// A value of the FIT profile's `sport` or `sub_sport` list: its name, or its number when
/// the profile has no name for it. A fraction or text is damage.
fn named(raw: &Raw, names: &[(u8, &str)]) -> Result<Val, Halt> {
    match raw {
        Raw::Int(_) => {
            let n = raw.integer().unwrap_or_default();
            let name = u8::try_from(n)
                .ok()
                .and_then(|n| names.binary_search_by_key(&n, |&(k, _)| k).ok())
                .map(|i| names[i].1);
            Ok(match name {
                Some(name) => Val::Text(name.to_string()),
                None => Val::Num(n as f64),
            })
        }
        Raw::Array => Ok(Val::Other),
        Raw::Float(_) | Raw::Text(_) => Err(Halt::Failure(NOT_FIT)),
    }
}

/// The fields of a message numbered as in `wanted`, each the last valid value given (a
/// field may be defined twice).
fn fields<const N: usize>(def: &Def, message: &[u8], wanted: [u8; N]) -> [Option<Raw>; N] {
    let mut out = [const { None }; N];
    for f in &def.fields {
        if let Some(i) = wanted.iter().position(|&w| w == f.number)
            && let Some(v) = value(message, *f, def.big_endian)
        {
            out[i] = Some(v);
        }
    }
    out
}

/// Decodes a sport, session or activity message into what reading has found.
fn decode(
    def: &Def,
    message: &[u8],
    compressed_time: Option<i64>,
    found: &mut Found,
) -> Result<(), Halt> {
    let conv =
        |raw: &Option<Raw>, f: &dyn Fn(&Raw) -> Result<Val, Halt>| raw.as_ref().map(f).transpose();
    // The time a compressed header gives, where the message has no timestamp of its own.
    let header_time = || {
        compressed_time
            .map(|t| from_fit_seconds(t).map(Val::Time))
            .transpose()
    };
    match def.global {
        SPORT => {
            let [name] = fields(def, message, [3]);
            header_time()?;
            found.sport_name = name.as_ref().map(plain).as_ref().and_then(text);
        }
        ACTIVITY => {
            let [stamp, local] = fields(def, message, [TIMESTAMP, 5]);
            let stamp = conv(&stamp, &date)?;
            let local = conv(&local, &date)?;
            let stamp = stamp.or(header_time()?);
            if let (Some(utc), Some(local)) =
                (stamp.as_ref().and_then(time), local.as_ref().and_then(time))
            {
                let seconds = (local - utc).num_seconds();
                // Real offsets lie within a day; anything else is a device's junk.
                if seconds.abs() < 86_400 {
                    found.offset = FixedOffset::east_opt(seconds as i32);
                }
            }
        }
        _ => {
            let [start, stamp, sport, sub, elapsed, timer, distance, ascent] =
                fields(def, message, [2, TIMESTAMP, 5, 6, 7, 8, 9, 22]);
            let start = conv(&start, &date)?;
            let stamp = conv(&stamp, &date)?;
            let sport = conv(&sport, &|r| named(r, &SPORTS))?;
            let sub = conv(&sub, &|r| named(r, &SUB_SPORTS))?;
            let elapsed = conv(&elapsed, &|r| scaled(r, 1000.0))?;
            let timer = conv(&timer, &|r| scaled(r, 1000.0))?;
            let distance = conv(&distance, &|r| scaled(r, 100.0))?;
            let stamp = stamp.or(header_time()?);
            let ascent = ascent.as_ref().map(plain);
            let Some(start) = start
                .as_ref()
                .and_then(time)
                .or_else(|| stamp.as_ref().and_then(time))
            else {
                return Ok(());
            };
            let sport = sport.as_ref().and_then(text).unwrap_or_default();
            if found.sessions.len() == MAX_SESSIONS {
                return Err(Halt::Refused(TOO_MANY));
            }
            let sub = sub.as_ref().and_then(text);
            let sport = match sub.filter(|s| s != "generic" && !sport.is_empty()) {
                Some(sub) => format!("{sport}/{sub}"),
                None => sport,
            };
            found.sessions.push(Parsed {
                start,
                offset: None,
                local: None,
                kind: classify(&sport),
                sport,
                distance_m: distance.as_ref().and_then(number),
                duration_s: timer.or(elapsed).as_ref().and_then(number),
                ascent_m: ascent.as_ref().and_then(number),
                gear: None,
                warning: None,
            });
        }
    }
    Ok(())
}

/// The FIT profile's names of sports (the `sport` type), by number.
const SPORTS: [(u8, &str); 82] = [
    (0, "generic"),
    (1, "running"),
    (2, "cycling"),
    (3, "transition"),
    (4, "fitness_equipment"),
    (5, "swimming"),
    (6, "basketball"),
    (7, "soccer"),
    (8, "tennis"),
    (9, "american_football"),
    (10, "training"),
    (11, "walking"),
    (12, "cross_country_skiing"),
    (13, "alpine_skiing"),
    (14, "snowboarding"),
    (15, "rowing"),
    (16, "mountaineering"),
    (17, "hiking"),
    (18, "multisport"),
    (19, "paddling"),
    (20, "flying"),
    (21, "e_biking"),
    (22, "motorcycling"),
    (23, "boating"),
    (24, "driving"),
    (25, "golf"),
    (26, "hang_gliding"),
    (27, "horseback_riding"),
    (28, "hunting"),
    (29, "fishing"),
    (30, "inline_skating"),
    (31, "rock_climbing"),
    (32, "sailing"),
    (33, "ice_skating"),
    (34, "sky_diving"),
    (35, "snowshoeing"),
    (36, "snowmobiling"),
    (37, "stand_up_paddleboarding"),
    (38, "surfing"),
    (39, "wakeboarding"),
    (40, "water_skiing"),
    (41, "kayaking"),
    (42, "rafting"),
    (43, "windsurfing"),
    (44, "kitesurfing"),
    (45, "tactical"),
    (46, "jumpmaster"),
    (47, "boxing"),
    (48, "floor_climbing"),
    (49, "baseball"),
    (53, "diving"),
    (56, "shooting"),
    (58, "winter_sport"),
    (59, "grinding"),
    (62, "hiit"),
    (63, "video_gaming"),
    (64, "racket"),
    (65, "wheelchair_push_walk"),
    (66, "wheelchair_push_run"),
    (67, "meditation"),
    (68, "para_sport"),
    (69, "disc_golf"),
    (70, "team_sport"),
    (71, "cricket"),
    (72, "rugby"),
    (73, "hockey"),
    (74, "lacrosse"),
    (75, "volleyball"),
    (76, "water_tubing"),
    (77, "wakesurfing"),
    (78, "water_sport"),
    (79, "archery"),
    (80, "mixed_martial_arts"),
    (81, "motor_sports"),
    (82, "snorkeling"),
    (83, "dance"),
    (84, "jump_rope"),
    (85, "pool_apnea"),
    (86, "mobility"),
    (87, "geocaching"),
    (88, "canoeing"),
    (254, "all"),
];

/// The FIT profile's names of sub-sports (the `sub_sport` type), by number.
const SUB_SPORTS: [(u8, &str); 112] = [
    (0, "generic"),
    (1, "treadmill"),
    (2, "street"),
    (3, "trail"),
    (4, "track"),
    (5, "spin"),
    (6, "indoor_cycling"),
    (7, "road"),
    (8, "mountain"),
    (9, "downhill"),
    (10, "recumbent"),
    (11, "cyclocross"),
    (12, "hand_cycling"),
    (13, "track_cycling"),
    (14, "indoor_rowing"),
    (15, "elliptical"),
    (16, "stair_climbing"),
    (17, "lap_swimming"),
    (18, "open_water"),
    (19, "flexibility_training"),
    (20, "strength_training"),
    (21, "warm_up"),
    (22, "match"),
    (23, "exercise"),
    (24, "challenge"),
    (25, "indoor_skiing"),
    (26, "cardio_training"),
    (27, "indoor_walking"),
    (28, "e_bike_fitness"),
    (29, "bmx"),
    (30, "casual_walking"),
    (31, "speed_walking"),
    (32, "bike_to_run_transition"),
    (33, "run_to_bike_transition"),
    (34, "swim_to_bike_transition"),
    (35, "atv"),
    (36, "motocross"),
    (37, "backcountry"),
    (38, "resort"),
    (39, "rc_drone"),
    (40, "wingsuit"),
    (41, "whitewater"),
    (42, "skate_skiing"),
    (43, "yoga"),
    (44, "pilates"),
    (45, "indoor_running"),
    (46, "gravel_cycling"),
    (47, "e_bike_mountain"),
    (48, "commuting"),
    (49, "mixed_surface"),
    (50, "navigate"),
    (51, "track_me"),
    (52, "map"),
    (53, "single_gas_diving"),
    (54, "multi_gas_diving"),
    (55, "gauge_diving"),
    (56, "apnea_diving"),
    (57, "apnea_hunting"),
    (58, "virtual_activity"),
    (59, "obstacle"),
    (62, "breathing"),
    (63, "ccr_diving"),
    (65, "sail_race"),
    (66, "expedition"),
    (67, "ultra"),
    (68, "indoor_climbing"),
    (69, "bouldering"),
    (70, "hiit"),
    (71, "indoor_grinding"),
    (72, "hunting_with_dogs"),
    (73, "amrap"),
    (74, "emom"),
    (75, "tabata"),
    (77, "esport"),
    (78, "triathlon"),
    (79, "duathlon"),
    (80, "brick"),
    (81, "swim_run"),
    (82, "adventure_race"),
    (83, "trucker_workout"),
    (84, "pickleball"),
    (85, "padel"),
    (86, "indoor_wheelchair_walk"),
    (87, "indoor_wheelchair_run"),
    (88, "indoor_hand_cycling"),
    (90, "field"),
    (91, "ice"),
    (92, "ultimate"),
    (93, "platform"),
    (94, "squash"),
    (95, "badminton"),
    (96, "racquetball"),
    (97, "table_tennis"),
    (98, "overland"),
    (99, "trolling_motor"),
    (110, "fly_canopy"),
    (111, "fly_paraglide"),
    (112, "fly_paramotor"),
    (113, "fly_pressurized"),
    (114, "fly_navigate"),
    (115, "fly_timer"),
    (116, "fly_altimeter"),
    (117, "fly_wx"),
    (118, "fly_vfr"),
    (119, "fly_ifr"),
    (121, "dynamic_apnea"),
    (123, "enduro"),
    (124, "rucking"),
    (125, "rally"),
    (126, "pool_triathlon"),
    (127, "e_bike_enduro"),
    (254, "all"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The FIT SDK's checksum, a nibble at a time, as `fit_crc.c` computes it.
    fn sdk_crc(bytes: &[u8]) -> u16 {
        const TABLE: [u16; 16] = [
            0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
            0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
        ];
        bytes.iter().fold(0, |crc, &byte| {
            let crc = (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte & 0xF)];
            (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte >> 4)]
        })
    }

    #[test]
    fn the_checksum_is_the_sdks_for_every_length() {
        // The FIT SDK's example: the checksum of "123456789" is 0xBB3D.
        assert_eq!(crc(b"123456789"), 0xBB3D);
        let bytes: Vec<u8> = (0u32..300).map(|i| (i * 7919 % 251) as u8).collect();
        for len in 0..bytes.len() {
            assert_eq!(crc(&bytes[..len]), sdk_crc(&bytes[..len]), "{len} bytes");
        }
    }

    /// A FIT file of the given messages, with a 14-byte header and both checksums.
    fn fit_file(messages: &[u8]) -> Vec<u8> {
        let mut out = vec![14u8, 0x20, 0x08, 0x08];
        out.extend_from_slice(&(messages.len() as u32).to_le_bytes());
        out.extend_from_slice(b".FIT");
        let h = crc(&out);
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(messages);
        let c = crc(&out[14..]);
        out.extend_from_slice(&c.to_le_bytes());
        out
    }

    #[test]
    fn a_header_larger_than_the_file_is_refused_before_reading() {
        let mut file = vec![220u8, 0x10, 0, 0, 0, 0, 0, 0];
        file.extend_from_slice(b".FIT");
        file.extend_from_slice(&[0; 4]);
        let err = read(&file).unwrap_err();
        assert!(err.contains("220 bytes"), "{err}");
        let mut short = vec![14u8, 0x10, 0, 0, 0, 0, 0, 0];
        short.extend_from_slice(b".FIT");
        assert!(read(&short).unwrap_err().contains("cut short"));
    }

    /// A session (local type 0) of a running session starting 2026-11-10T07:00:00Z, its
    /// distance field `size` bytes typed uint32, holding `distance`.
    fn session(size: u8, distance: &[u8]) -> Vec<u8> {
        let start = (1_794_294_000 - FIT_EPOCH) as u32;
        let mut m = vec![
            0x40, 0, 0, 18, 0, 3, 2, 4, 0x86, 5, 1, 0, 9, size, 0x86, 0x00,
        ];
        m.extend_from_slice(&start.to_le_bytes());
        m.push(1);
        m.extend_from_slice(distance);
        m
    }

    #[test]
    fn a_field_whose_size_is_not_whole_values_is_read_as_bytes() {
        let whole = read(&fit_file(&session(4, &1_000_000u32.to_le_bytes()))).unwrap();
        assert_eq!(whole[0].distance_m, Some(10_000.0));
        assert_eq!(whole[0].sport, "running");
        // One byte typed uint32: a byte, scaled as the field is.
        let one = read(&fit_file(&session(1, &[200]))).unwrap();
        assert_eq!(one[0].distance_m, Some(2.0));
        // Three bytes: several values, which a distance cannot be.
        let three = read(&fit_file(&session(3, &[1, 2, 3]))).unwrap();
        assert_eq!(three[0].distance_m, None);
        assert_eq!(three[0].start, whole[0].start);
    }

    #[test]
    fn a_value_meaning_none_is_absent_and_a_date_past_any_calendar_is_refused() {
        let none = read(&fit_file(&session(4, &[0xFF; 4]))).unwrap();
        assert_eq!(none[0].distance_m, None);
        // A start stored as a 64-bit number no date can hold.
        let mut m = vec![0x40, 0, 0, 18, 0, 1, 2, 8, 0x8E, 0x00];
        m.extend_from_slice(&(i64::MAX / 2).to_le_bytes());
        assert_eq!(read(&fit_file(&m)).unwrap_err(), UNDECODABLE);
    }

    #[test]
    fn a_sport_the_profile_does_not_name_is_given_by_its_number() {
        let mut m = session(4, &1_000_000u32.to_le_bytes());
        m[20] = 200;
        assert_eq!(read(&fit_file(&m)).unwrap()[0].sport, "sport 200");
    }

    #[test]
    fn a_file_of_more_sessions_than_any_activity_is_refused() {
        let many = |n: usize| {
            let mut m = session(4, &1_000_000u32.to_le_bytes());
            let one = m[15..].to_vec();
            for _ in 1..n {
                m.extend_from_slice(&one);
            }
            read(&fit_file(&m))
        };
        assert_eq!(many(MAX_SESSIONS).unwrap().len(), MAX_SESSIONS);
        assert_eq!(many(MAX_SESSIONS + 1).unwrap_err(), TOO_MANY);
    }
}
