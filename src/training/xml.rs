//! GPX 1.1 and TCX files, read as a stream of XML events with the path of open elements.

use chrono::{DateTime, FixedOffset, Utc};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::Parsed;
use super::kind::classify;

/// Climbs smaller than this, in metres, are GPS and barometer noise, not hills.
const CLIMB_THRESHOLD_M: f64 = 3.0;

/// Sums the climbs of an elevation profile, ignoring wobbles under the threshold: a climb
/// counts once it rises that far above the lowest point since the last climb.
#[derive(Debug, Default)]
struct Ascent {
    low: Option<f64>,
    total: f64,
    seen: bool,
}

impl Ascent {
    fn add(&mut self, elevation: f64) {
        if !elevation.is_finite() {
            return;
        }
        self.seen = true;
        match self.low {
            None => self.low = Some(elevation),
            Some(low) if elevation < low => self.low = Some(elevation),
            Some(low) if elevation - low >= CLIMB_THRESHOLD_M => {
                self.total += elevation - low;
                self.low = Some(elevation);
            }
            Some(_) => {}
        }
    }

    fn total(&self) -> Option<f64> {
        self.seen.then_some(self.total)
    }
}

/// Metres between two points on the earth (haversine, mean radius).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    const R: f64 = 6_371_008.8;
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * R * h.sqrt().min(1.0).asin()
}

/// An ISO 8601 time and the offset it was written with ("Z" is UTC, and says nothing of
/// where the runner was).
fn time(text: &str) -> Option<(DateTime<Utc>, Option<FixedOffset>)> {
    let text = text.trim();
    let t = DateTime::parse_from_rfc3339(text).ok()?;
    let zulu = text.ends_with('Z') || text.ends_with('z');
    let offset = (!zulu).then(|| *t.offset());
    Some((t.with_timezone(&Utc), offset))
}

/// Which element closes a parse error's message.
fn xml_error(kind: &str, e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Syntax(_) | quick_xml::Error::IllFormed(_) => {
            format!("the {kind} file is not well-formed XML (cut short or damaged?)")
        }
        _ => format!("the {kind} file cannot be read as XML"),
    }
}

/// Walks the XML, calling `on` with the path of open elements (local names), the event's
/// attributes (for a start tag) or text.
fn walk(bytes: &[u8], kind: &str, mut on: impl FnMut(&[String], Item<'_>)) -> Result<(), String> {
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                path.push(e.local_name().as_ref().to_string());
                on(&path, Item::Open(&e));
            }
            Ok(Event::Empty(e)) => {
                path.push(e.local_name().as_ref().to_string());
                on(&path, Item::Open(&e));
                on(&path, Item::Close);
                path.pop();
            }
            Ok(Event::End(_)) => {
                on(&path, Item::Close);
                path.pop();
            }
            Ok(Event::Text(t)) => on(&path, Item::Text(&t.xml10_content())),
            Ok(Event::CData(t)) => on(&path, Item::Text(t.as_ref())),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(xml_error(kind, &e)),
        }
    }
    if !path.is_empty() {
        return Err(format!(
            "the {kind} file ends before its last element is closed (cut short?)"
        ));
    }
    Ok(())
}

enum Item<'a> {
    Open(&'a quick_xml::events::BytesStart<'a>),
    Text(&'a str),
    Close,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

fn ends(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

/// A GPX file: each track is an activity; its distance from the points, its ascent from
/// their elevations, its start from the first time.
pub fn gpx(bytes: &[u8]) -> Result<Vec<Parsed>, String> {
    #[derive(Default)]
    struct Track {
        sport: Option<String>,
        start: Option<(DateTime<Utc>, Option<FixedOffset>)>,
        distance: f64,
        last: Option<(f64, f64)>,
        point: Option<(f64, f64)>,
        ascent: Ascent,
        first_time: Option<DateTime<Utc>>,
        last_time: Option<DateTime<Utc>>,
    }
    let mut tracks: Vec<Track> = Vec::new();
    let mut metadata_time = None;
    let mut points = 0usize;
    walk(bytes, "GPX", |path, item| match item {
        Item::Open(_) if ends(path, &["trk"]) => tracks.push(Track::default()),
        Item::Open(e) if ends(path, &["trkpt"]) => {
            let lat = attr(e, "lat").and_then(|v| v.trim().parse::<f64>().ok());
            let lon = attr(e, "lon").and_then(|v| v.trim().parse::<f64>().ok());
            if let (Some(t), Some(lat), Some(lon)) = (tracks.last_mut(), lat, lon)
                && lat.abs() <= 90.0
                && lon.abs() <= 180.0
            {
                points += 1;
                if let Some(prev) = t.last {
                    t.distance += metres(prev, (lat, lon));
                }
                t.last = Some((lat, lon));
                t.point = Some((lat, lon));
            }
        }
        Item::Text(text) => {
            let Some(t) = tracks.last_mut() else {
                if ends(path, &["metadata", "time"]) {
                    metadata_time = time(text);
                }
                return;
            };
            if ends(path, &["trk", "type"]) {
                t.sport = Some(text.to_string());
            } else if ends(path, &["trkpt", "ele"]) {
                if let Ok(e) = text.trim().parse::<f64>() {
                    t.ascent.add(e);
                }
            } else if ends(path, &["trkpt", "time"])
                && let Some(at) = time(text)
            {
                t.start.get_or_insert(at);
                t.first_time.get_or_insert(at.0);
                t.last_time = Some(at.0);
            }
        }
        _ => {}
    })?;
    let mut out = Vec::new();
    for t in tracks {
        let Some((start, offset)) = t.start.or(metadata_time) else {
            continue;
        };
        // A GPX from a running app names its type; one without is taken as a run, since
        // runners give runback their runs.
        let sport = t.sport.unwrap_or_else(|| "running".into());
        out.push(Parsed {
            start,
            offset,
            local: None,
            kind: classify(&sport),
            sport,
            distance_m: Some(t.distance),
            duration_s: match (t.first_time, t.last_time) {
                (Some(a), Some(b)) => Some((b - a).num_seconds() as f64),
                _ => None,
            },
            ascent_m: t.ascent.total(),
            gear: None,
            warning: None,
        });
    }
    if out.is_empty() {
        return Err(if points > 0 {
            "the GPX track has no times, so runback cannot tell when it was run".to_string()
        } else {
            "the GPX file has no track points".to_string()
        });
    }
    Ok(out)
}

/// A TCX file: each `Activity` with its `Sport` attribute, its laps' distance and time,
/// and its trackpoints' altitude.
pub fn tcx(bytes: &[u8]) -> Result<Vec<Parsed>, String> {
    #[derive(Default)]
    struct Activity {
        sport: String,
        start: Option<(DateTime<Utc>, Option<FixedOffset>)>,
        distance: Option<f64>,
        seconds: Option<f64>,
        ascent: Ascent,
    }
    let mut activities: Vec<Activity> = Vec::new();
    walk(bytes, "TCX", |path, item| match item {
        Item::Open(e) if ends(path, &["Activities", "Activity"]) => activities.push(Activity {
            sport: attr(e, "Sport").unwrap_or_default(),
            ..Activity::default()
        }),
        Item::Open(e) if ends(path, &["Activity", "Lap"]) => {
            if let Some(a) = activities.last_mut()
                && a.start.is_none()
            {
                a.start = attr(e, "StartTime").and_then(|t| time(&t));
            }
        }
        Item::Text(text) => {
            let Some(a) = activities.last_mut() else {
                return;
            };
            let n = text.trim().parse::<f64>().ok().filter(|n| n.is_finite());
            if ends(path, &["Activity", "Id"]) {
                if let Some(t) = time(text) {
                    a.start = Some(t);
                }
            } else if ends(path, &["Lap", "DistanceMeters"]) {
                a.distance = Some(a.distance.unwrap_or(0.0) + n.unwrap_or(0.0));
            } else if ends(path, &["Lap", "TotalTimeSeconds"]) {
                a.seconds = Some(a.seconds.unwrap_or(0.0) + n.unwrap_or(0.0));
            } else if ends(path, &["Trackpoint", "AltitudeMeters"])
                && let Some(n) = n
            {
                a.ascent.add(n);
            }
        }
        _ => {}
    })?;
    let out: Vec<Parsed> = activities
        .into_iter()
        .filter_map(|a| {
            let (start, offset) = a.start?;
            Some(Parsed {
                start,
                offset,
                local: None,
                kind: classify(&a.sport),
                sport: if a.sport.is_empty() {
                    "unknown".into()
                } else {
                    a.sport
                },
                distance_m: a.distance,
                duration_s: a.seconds,
                ascent_m: a.ascent.total(),
                gear: None,
                warning: None,
            })
        })
        .collect();
    if out.is_empty() {
        return Err("the TCX file has no activity with a start time".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_under_three_metres_is_not_a_climb() {
        let mut a = Ascent::default();
        for e in [100.0, 101.0, 100.0, 102.0, 101.0, 106.0, 104.0, 110.0] {
            a.add(e);
        }
        // 100 to 106 counts 6, then 104 is the new low and 110 counts 6 more.
        assert_eq!(a.total(), Some(12.0));
        assert_eq!(
            Ascent::default().total(),
            None,
            "no elevation at all is unknown"
        );
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = metres((50.0, 8.0), (51.0, 8.0));
        assert!((d - 111_195.0).abs() < 50.0, "{d}");
    }
}
