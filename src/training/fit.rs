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

/// Reads the sessions of a FIT file: usually one, several for a multisport file.
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
    for s in &mut sessions {
        s.offset = offset;
        if s.sport.is_empty() {
            s.sport = sport_name.clone().unwrap_or_else(|| "unknown".into());
            s.kind = classify(&s.sport);
        }
    }
    Ok(sessions)
}
