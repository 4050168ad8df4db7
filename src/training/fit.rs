//! Garmin FIT files: the `session` message holds the summary of an activity (sport, start,
//! distance, time, ascent); `activity` gives the local time offset.
//!
//! Only the few messages that matter are decoded: the thousands of `record` messages (one a
//! second) are stepped over undecoded, and reading stops once the session and the
//! activity are both known.

use chrono::{DateTime, FixedOffset, Utc};
use fitparser::Value;
use fitparser::de::{FitObject, FitStreamProcessor};

use super::Parsed;
use super::kind::classify;

/// The global message numbers read (FIT profile: sport, session, activity).
const SPORT: u16 = 12;
const SESSION: u16 = 18;
const ACTIVITY: u16 = 34;

fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Byte(x) | Value::UInt8(x) | Value::UInt8z(x) | Value::Enum(x) => f64::from(*x),
        Value::SInt8(x) => f64::from(*x),
        Value::SInt16(x) => f64::from(*x),
        Value::UInt16(x) | Value::UInt16z(x) => f64::from(*x),
        Value::SInt32(x) => f64::from(*x),
        Value::UInt32(x) | Value::UInt32z(x) => f64::from(*x),
        Value::Float32(x) => f64::from(*x),
        Value::Float64(x) => *x,
        Value::SInt64(x) => *x as f64,
        Value::UInt64(x) | Value::UInt64z(x) => *x as f64,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        other => number(other).map(|n| format!("sport {n}")),
    }
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    match v {
        Value::Timestamp(t) => Some(t.with_timezone(&Utc)),
        _ => None,
    }
}

/// Why a FIT file could not be read, in words.
fn why(e: &fitparser::Error) -> String {
    match e.as_ref() {
        fitparser::ErrorKind::UnexpectedEof(_) => {
            "the FIT file ends in the middle of a message (cut short?)".to_string()
        }
        fitparser::ErrorKind::InvalidCrc(..) => {
            "the FIT file's checksum does not match (damaged?)".to_string()
        }
        _ => "not a valid FIT file (damaged?)".to_string(),
    }
}

/// What a runner is told of a FIT file whose checksum does not match, after its name.
pub const DAMAGED: &str = "its checksum does not match, so the file may be damaged and its figures wrong; it was read anyway";

/// The FIT checksum (CRC-16 as the FIT SDK's `fit_crc.c` computes it) of some bytes.
fn crc(bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    bytes.iter().fold(0, |crc, &byte| {
        let crc = (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte & 0xF)];
        (crc >> 4) ^ TABLE[usize::from(crc & 0xF)] ^ TABLE[usize::from(byte >> 4)]
    })
}

/// Whether the checksum that closes the file (each file of a chain) matches its bytes.
/// Reading stops at the session summary, long before the end, so a damaged byte would
/// otherwise pass unseen. The checksum covers the header and the data (the FIT SDK), or the
/// data alone after a header with a checksum of its own (as some readers compute it): either
/// is taken. A file too short for its checksum is left to the reader, which says so.
fn checksums_match(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while rest.len() >= 12 {
        let header = usize::from(rest[0]);
        let data = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(end) = header
            .checked_add(data)
            .filter(|&end| header >= 12 && end.checked_add(2).is_some_and(|e| e <= rest.len()))
        else {
            return true;
        };
        let stored = u16::from_le_bytes([rest[end], rest[end + 1]]);
        if crc(&rest[..end]) != stored && crc(&rest[header..end]) != stored {
            return false;
        }
        rest = &rest[end + 2..];
    }
    true
}

/// Reads the sessions of a FIT file: usually one, several for a multisport file. A file
/// whose checksum does not match is still read, and its sessions carry [`DAMAGED`].
pub fn read(bytes: &[u8]) -> Result<Vec<Parsed>, String> {
    let mut processor = FitStreamProcessor::new();
    let mut input = bytes;
    let mut sessions = Vec::new();
    let mut sport_name: Option<String> = None;
    let mut offset: Option<FixedOffset> = None;
    let mut failure = None;
    while !input.is_empty() {
        let (rest, object) = match processor.deserialize_next(input) {
            Ok(next) => next,
            Err(e) => {
                failure = Some(why(&e));
                break;
            }
        };
        input = rest;
        let message = match object {
            FitObject::DataMessage(m) => m,
            FitObject::Crc(_) => {
                processor.reset();
                continue;
            }
            _ => continue,
        };
        if !matches!(message.global_message_number(), SPORT | SESSION | ACTIVITY) {
            continue;
        }
        let record = match processor.decode_message(message) {
            Ok(r) => r,
            Err(e) => {
                failure = Some(why(&e));
                break;
            }
        };
        let field = |name: &str| {
            record
                .fields()
                .iter()
                .find(|f| f.name() == name)
                .map(|f| f.value().clone())
        };
        match record.kind() {
            fitparser::profile::MesgNum::Sport => {
                sport_name = field("name").as_ref().and_then(text);
            }
            fitparser::profile::MesgNum::Activity => {
                let utc = field("timestamp").as_ref().and_then(time);
                let local = field("local_timestamp").as_ref().and_then(time);
                if let (Some(utc), Some(local)) = (utc, local) {
                    let seconds = (local - utc).num_seconds();
                    // Real offsets lie within a day; anything else is a device's junk.
                    if seconds.abs() < 86_400 {
                        offset = FixedOffset::east_opt(seconds as i32);
                    }
                }
            }
            fitparser::profile::MesgNum::Session => {
                let Some(start) = field("start_time")
                    .as_ref()
                    .and_then(time)
                    .or_else(|| field("timestamp").as_ref().and_then(time))
                else {
                    continue;
                };
                let sport = field("sport").as_ref().and_then(text).unwrap_or_default();
                let sub = field("sub_sport").as_ref().and_then(text);
                let sport = match sub.filter(|s| s != "generic" && !sport.is_empty()) {
                    Some(sub) => format!("{sport}/{sub}"),
                    None => sport,
                };
                let duration = field("total_timer_time")
                    .or_else(|| field("total_elapsed_time"))
                    .as_ref()
                    .and_then(number);
                sessions.push(Parsed {
                    start,
                    offset: None,
                    local: None,
                    kind: classify(&sport),
                    sport,
                    distance_m: field("total_distance").as_ref().and_then(number),
                    duration_s: duration,
                    ascent_m: field("total_ascent").as_ref().and_then(number),
                    gear: None,
                    warning: None,
                });
            }
            _ => {}
        }
        if !sessions.is_empty() && offset.is_some() {
            break;
        }
    }
    if sessions.is_empty() {
        return Err(failure.unwrap_or_else(|| "the FIT file has no session summary".to_string()));
    }
    let warning = (!checksums_match(bytes)).then(|| DAMAGED.to_string());
    for s in &mut sessions {
        s.offset = offset;
        s.warning.clone_from(&warning);
        if s.sport.is_empty() {
            s.sport = sport_name.clone().unwrap_or_else(|| "unknown".into());
            s.kind = classify(&s.sport);
        }
    }
    Ok(sessions)
}
