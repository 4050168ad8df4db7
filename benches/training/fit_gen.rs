//! FIT activity files made up for benchmarks and tests: what a watch writes for a run (or
//! a ride, a swim, a multisport race), with the parts of the format a reader must step
//! over: many message types runback does not use, records once a second, laps, events,
//! private manufacturer messages, array and string fields, both byte orders, 12- and
//! 14-byte headers, compressed-timestamp headers, local message types redefined partway,
//! and (when asked) developer fields. Everything follows from a file's number, so the
//! same number always gives the same bytes.
//!
//! Shared by `benches/training.rs` and `tests/training_fit.rs`.

#![allow(dead_code)]

/// Seconds from the Unix epoch to the FIT epoch (1989-12-31T00:00:00Z).
pub const FIT_EPOCH: i64 = 631_065_600;

/// FIT base types.
pub mod base {
    pub const ENUM: u8 = 0x00;
    pub const SINT8: u8 = 0x01;
    pub const UINT8: u8 = 0x02;
    pub const SINT16: u8 = 0x83;
    pub const UINT16: u8 = 0x84;
    pub const SINT32: u8 = 0x85;
    pub const UINT32: u8 = 0x86;
    pub const STRING: u8 = 0x07;
    pub const FLOAT32: u8 = 0x88;
    pub const UINT8Z: u8 = 0x0A;
    pub const UINT16Z: u8 = 0x8B;
    pub const UINT32Z: u8 = 0x8C;
    pub const BYTE: u8 = 0x0D;
    pub const SINT64: u8 = 0x8E;
    pub const UINT64: u8 = 0x8F;
}
use base::*;

/// A small deterministic random source (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo).max(1) as u64) as i64
    }
    /// True one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// One value of a data message, written with its field's size and the message's byte
/// order.
#[derive(Clone, Copy)]
pub enum V<'a> {
    /// A number; only the field's low bytes are written (each element of an array field
    /// gets the same number).
    N(u64),
    /// Text, padded with zeros (or cut) to the field's size.
    S(&'a str),
}

#[derive(Clone)]
struct Def {
    big: bool,
    fields: Vec<(u8, u8, u8)>,
    dev: Vec<(u8, u8, u8)>,
}

/// Writes the messages of one FIT file.
pub struct Writer {
    body: Vec<u8>,
    defs: [Option<Def>; 16],
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            body: Vec::new(),
            defs: Default::default(),
        }
    }

    /// A definition message: local type, global message number, byte order, fields
    /// `(number, size, base type)` and developer fields `(number, size, developer index)`.
    pub fn def(
        &mut self,
        local: u8,
        global: u16,
        big: bool,
        fields: &[(u8, u8, u8)],
        dev: &[(u8, u8, u8)],
    ) {
        let dev_flag = if dev.is_empty() { 0 } else { 0x20 };
        self.body.push(0x40 | dev_flag | local);
        self.body.push(0);
        self.body.push(u8::from(big));
        if big {
            self.body.extend_from_slice(&global.to_be_bytes());
        } else {
            self.body.extend_from_slice(&global.to_le_bytes());
        }
        self.body.push(fields.len() as u8);
        for &(n, size, b) in fields {
            self.body.extend_from_slice(&[n, size, b]);
        }
        if !dev.is_empty() {
            self.body.push(dev.len() as u8);
            for &(n, size, i) in dev {
                self.body.extend_from_slice(&[n, size, i]);
            }
        }
        self.defs[usize::from(local)] = Some(Def {
            big,
            fields: fields.to_vec(),
            dev: dev.to_vec(),
        });
    }

    /// A data message of a local type, with a normal header.
    pub fn data(&mut self, local: u8, values: &[V<'_>]) {
        self.body.push(local);
        self.values(local, values);
    }

    /// A data message with a compressed-timestamp header (local types 0 to 3).
    pub fn compressed(&mut self, local: u8, time_offset: u8, values: &[V<'_>]) {
        self.body
            .push(0x80 | ((local & 3) << 5) | (time_offset & 0x1F));
        self.values(local, values);
    }

    fn values(&mut self, local: u8, values: &[V<'_>]) {
        let def = self.defs[usize::from(local)]
            .clone()
            .expect("a data message needs its definition first");
        let sizes = def
            .fields
            .iter()
            .map(|&(_, s, b)| (s, b))
            .chain(def.dev.iter().map(|&(_, s, _)| (s, BYTE)));
        assert_eq!(
            sizes.clone().count(),
            values.len(),
            "one value for each field"
        );
        for ((size, b), v) in sizes.zip(values) {
            let unit = match b & 0x1F {
                0x03 | 0x04 | 0x0B => 2,
                0x05 | 0x06 | 0x08 | 0x0C => 4,
                0x0E | 0x0F | 0x10 | 0x09 => 8,
                _ => 1,
            };
            match *v {
                V::S(text) => {
                    let mut bytes = text.as_bytes().to_vec();
                    bytes.resize(usize::from(size), 0);
                    self.body.extend_from_slice(&bytes);
                }
                V::N(n) => {
                    for _ in 0..usize::from(size) / unit {
                        let le = n.to_le_bytes();
                        if def.big {
                            let mut part = le[..unit].to_vec();
                            part.reverse();
                            self.body.extend_from_slice(&part);
                        } else {
                            self.body.extend_from_slice(&le[..unit]);
                        }
                    }
                }
            }
        }
    }

    /// The messages written so far.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The whole file: a header of 12 or 14 bytes (the 14-byte one with its own checksum
    /// when `header_crc`), the messages, and the checksum of everything before it.
    pub fn finish(self, header: u8, header_crc: bool) -> Vec<u8> {
        file(&self.body, header, header_crc)
    }
}

/// The FIT checksum (CRC-16/ARC) of some bytes, continuing from `crc`.
pub fn crc(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        crc ^= u16::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// A FIT file around some messages: its header, then the messages and the checksum of
/// header and messages together (as the FIT SDK writes it).
pub fn file(messages: &[u8], header: u8, header_crc: bool) -> Vec<u8> {
    let mut out = vec![header, 0x20, 0x5C, 0x08];
    out.extend_from_slice(&(messages.len() as u32).to_le_bytes());
    out.extend_from_slice(b".FIT");
    if header == 14 {
        let h = if header_crc { crc(0, &out) } else { 0 };
        out.extend_from_slice(&h.to_le_bytes());
    }
    out.extend_from_slice(messages);
    let c = crc(0, &out);
    out.extend_from_slice(&c.to_le_bytes());
    out
}

/// Global message numbers of the FIT profile.
pub mod global {
    pub const FILE_ID: u16 = 0;
    pub const DEVICE_SETTINGS: u16 = 2;
    pub const USER_PROFILE: u16 = 3;
    pub const ZONES_TARGET: u16 = 7;
    pub const SPORT: u16 = 12;
    pub const SESSION: u16 = 18;
    pub const LAP: u16 = 19;
    pub const RECORD: u16 = 20;
    pub const EVENT: u16 = 21;
    pub const DEVICE_INFO: u16 = 23;
    pub const ACTIVITY: u16 = 34;
    pub const FILE_CREATOR: u16 = 49;
    pub const HRV: u16 = 78;
    pub const FIELD_DESCRIPTION: u16 = 206;
    pub const DEVELOPER_DATA_ID: u16 = 207;
}
use global::*;

/// What kind of session a made-up file records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sport {
    /// Road, trail, track or treadmill running.
    Run,
    /// A ride.
    Ride,
    /// Pool swimming.
    Swim,
    /// A walk.
    Walk,
    /// Strength training (no distance).
    Strength,
    /// A triathlon: swim, transition, ride, transition, run, one session each.
    Multisport,
}

/// How one made-up activity file is written.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Its start, Unix seconds.
    pub start: i64,
    /// Seconds recorded.
    pub seconds: u32,
    /// The runner's offset from UTC, in seconds, for the activity message's local time.
    pub offset: i32,
    pub sport: Sport,
    /// The FIT sub_sport number of the session (0 = generic).
    pub sub_sport: u8,
    /// Header of 12 or 14 bytes; a 14-byte one has its own checksum when `header_crc`.
    pub header: u8,
    pub header_crc: bool,
    /// Definitions and values big-endian.
    pub big_endian: bool,
    /// Records with compressed-timestamp headers (a full timestamp every so often).
    pub compressed: bool,
    /// A record every few seconds ("smart recording") rather than every second.
    pub smart: bool,
    /// Developer fields (a running-power app's) on the records and the session.
    pub developer: bool,
    /// The activity message, which gives the local time offset; some devices leave it out.
    pub activity: bool,
    /// The activity message before the session (most devices write it last).
    pub activity_first: bool,
    /// A sport message with a name.
    pub sport_name: Option<&'static str>,
    /// The session's ascent is left invalid (no barometer).
    pub no_ascent: bool,
    /// The session's sport and sub-sport are left out (the sport message names it).
    pub no_session_sport: bool,
    /// The file is written twice, one after the other, as a chained FIT file.
    pub chained: bool,
}

impl Shape {
    /// A plain 14-byte-header, little-endian, once-a-second run.
    pub fn run(start: i64, seconds: u32) -> Shape {
        Shape {
            start,
            seconds,
            offset: 3600,
            sport: Sport::Run,
            sub_sport: 0,
            header: 14,
            header_crc: true,
            big_endian: false,
            compressed: false,
            smart: false,
            developer: false,
            activity: true,
            activity_first: false,
            sport_name: None,
            no_ascent: false,
            no_session_sport: false,
            chained: false,
        }
    }

    /// A varied shape, the `n`th of a series: mostly runs, with every option of the
    /// format turned on now and then. No developer fields unless `developer`.
    pub fn varied(n: u64, start: i64, developer: bool) -> Shape {
        let mut rng = Rng::new(n.wrapping_mul(7919));
        let sport = match rng.below(20) {
            0 => Sport::Ride,
            1 => Sport::Swim,
            2 => Sport::Walk,
            3 => Sport::Strength,
            4 if rng.one_in(3) => Sport::Multisport,
            _ => Sport::Run,
        };
        let sub_sport = match sport {
            // generic, treadmill, street, trail, track, virtual
            Sport::Run => [0, 0, 0, 1, 2, 3, 4, 58][rng.below(8) as usize],
            // generic, road, mountain, indoor
            Sport::Ride => [0, 7, 8, 6][rng.below(4) as usize],
            // lap swimming
            Sport::Swim => 17,
            // generic, casual walking
            Sport::Walk => [0, 30][rng.below(2) as usize],
            Sport::Strength => 20,
            Sport::Multisport => 0,
        };
        let seconds = match sport {
            Sport::Strength => rng.range(1200, 3600) as u32,
            Sport::Multisport => rng.range(3600, 7200) as u32,
            _ => rng.range(1200, 6000) as u32,
        };
        let offsets = [
            0, 3600, 7200, -18_000, -25_200, 19_800, 36_000, -10_800, 34_200,
        ];
        Shape {
            start,
            seconds,
            offset: offsets[rng.below(offsets.len() as u64) as usize],
            sport,
            sub_sport,
            header: if rng.one_in(4) { 12 } else { 14 },
            header_crc: !rng.one_in(5),
            big_endian: rng.one_in(6),
            compressed: rng.one_in(5),
            smart: rng.one_in(3),
            developer: developer && !rng.one_in(4),
            activity: !rng.one_in(8),
            activity_first: rng.one_in(10),
            sport_name: match rng.below(12) {
                0 => Some("Easy run"),
                1 => Some("Lauf"),
                2 => Some("Tempo \u{e9}t\u{e9}"),
                3 => Some("Long run with a very long name"),
                _ => None,
            },
            no_ascent: rng.one_in(6),
            no_session_sport: rng.one_in(15),
            chained: rng.one_in(20),
        }
    }
}

/// Field definitions of a record: timestamp, position, distance, speed, altitude, heart
/// rate, cadence, temperature, running dynamics and power, much as a running watch writes
/// them. With `compressed`, the timestamp field is left out (the header carries it).
fn record_fields(compressed: bool, sport: Sport) -> Vec<(u8, u8, u8)> {
    let mut f = Vec::new();
    if !compressed {
        f.push((253, 4, UINT32));
    }
    f.extend_from_slice(&[
        (0, 4, SINT32),  // position_lat
        (1, 4, SINT32),  // position_long
        (5, 4, UINT32),  // distance
        (73, 4, UINT32), // enhanced_speed
        (78, 4, UINT32), // enhanced_altitude
        (3, 1, UINT8),   // heart_rate
        (4, 1, UINT8),   // cadence
        (13, 1, SINT8),  // temperature
    ]);
    if sport == Sport::Run {
        f.extend_from_slice(&[
            (53, 1, UINT8),  // fractional_cadence
            (39, 2, UINT16), // vertical_oscillation
            (41, 2, UINT16), // stance_time
            (85, 2, UINT16), // step_length
            (83, 2, UINT16), // vertical_ratio
            (7, 2, UINT16),  // power
        ]);
    }
    f
}

/// A session as a made-up file writes it: what a reader should find.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The FIT sport and sub-sport numbers (`None` when the session leaves them out).
    pub sport: Option<(u64, u8)>,
    /// Unix seconds.
    pub start: i64,
    /// Timer time, in milliseconds.
    pub timer_ms: u64,
    /// Distance, in centimetres.
    pub centimetres: u64,
    /// Total ascent in metres, `None` when left invalid.
    pub ascent: Option<u64>,
}

/// Writes one activity file.
pub fn activity(shape: &Shape, seed: u64) -> Vec<u8> {
    activity_and_sessions(shape, seed).0
}

/// Writes one activity file, and says what its sessions hold (those of every file of a
/// chain, in order).
pub fn activity_and_sessions(shape: &Shape, seed: u64) -> (Vec<u8>, Vec<Written>) {
    let (one, mut sessions) = activity_body(shape, seed);
    let mut out = Writer {
        body: one,
        defs: Default::default(),
    }
    .finish(shape.header, shape.header_crc);
    if shape.chained {
        // A second file of the same session a minute later, as some devices chain a
        // settings file or a continuation.
        let mut later = shape.clone();
        later.chained = false;
        later.start += 60;
        let (more, more_sessions) = activity_and_sessions(&later, seed ^ 1);
        out.extend_from_slice(&more);
        sessions.extend(more_sessions);
    }
    (out, sessions)
}

fn activity_body(shape: &Shape, seed: u64) -> (Vec<u8>, Vec<Written>) {
    let mut rng = Rng::new(seed);
    let mut dev_rng = Rng::new(!seed);
    let mut w = Writer::new();
    let big = shape.big_endian;
    let t0 = (shape.start - FIT_EPOCH) as u64;
    let end = t0 + u64::from(shape.seconds);

    // file_id: type, manufacturer, product, serial number, time created, product name.
    w.def(
        0,
        FILE_ID,
        big,
        &[
            (0, 1, ENUM),
            (1, 2, UINT16),
            (2, 2, UINT16),
            (3, 4, UINT32Z),
            (4, 4, UINT32),
            (8, 20, STRING),
        ],
        &[],
    );
    w.data(
        0,
        &[
            V::N(4),
            V::N(1),
            V::N(4024),
            V::N(3_900_000_000 + seed % 1000),
            V::N(t0),
            V::S("Forerunner 965"),
        ],
    );
    // file_creator: software and hardware version.
    w.def(1, FILE_CREATOR, big, &[(0, 2, UINT16), (1, 1, UINT8)], &[]);
    w.data(1, &[V::N(1950), V::N(0xFF)]);
    // device_info, three devices (the watch, a heart-rate strap, a foot pod).
    w.def(
        2,
        DEVICE_INFO,
        big,
        &[
            (253, 4, UINT32),
            (0, 1, UINT8),
            (2, 2, UINT16),
            (4, 2, UINT16),
            (3, 4, UINT32Z),
            (5, 2, UINT16),
            (10, 2, UINT16),
            (27, 20, STRING),
        ],
        &[],
    );
    for (i, name) in ["watch", "HRM-Pro Plus", "Stryd"].iter().enumerate() {
        w.data(
            2,
            &[
                V::N(t0),
                V::N(i as u64),
                V::N(1),
                V::N(4024 + i as u64),
                V::N(123_456 + i as u64),
                V::N(2000 + i as u64),
                V::N(0x8000),
                V::S(name),
            ],
        );
    }
    // user_profile and device settings: messages runback never reads, arrays included.
    w.def(
        3,
        USER_PROFILE,
        big,
        &[
            (0, 16, STRING),
            (1, 1, ENUM),
            (2, 1, UINT8),
            (3, 1, UINT8),
            (4, 2, UINT16),
            (8, 1, UINT8),
            (11, 1, UINT8),
        ],
        &[],
    );
    w.data(
        3,
        &[
            V::S("Runner"),
            V::N(1),
            V::N(41),
            V::N(178),
            V::N(720),
            V::N(52),
            V::N(188),
        ],
    );
    w.def(
        3,
        DEVICE_SETTINGS,
        big,
        &[
            (0, 1, UINT8),
            (1, 4, UINT32),
            (2, 8, UINT32),
            (4, 2, UINT16),
        ],
        &[],
    );
    w.data(3, &[V::N(0), V::N(1), V::N(0x1234), V::N(60)]);
    w.def(
        3,
        ZONES_TARGET,
        big,
        &[(1, 1, UINT8), (2, 1, UINT8), (3, 2, UINT16), (5, 1, ENUM)],
        &[],
    );
    w.data(3, &[V::N(188), V::N(172), V::N(280), V::N(1)]);
    // A manufacturer's private messages (global numbers outside the profile).
    for g in [0xFF01u16, 233, 288, 325] {
        let n = 1 + rng.below(12) as usize;
        let fields: Vec<(u8, u8, u8)> = (0..n)
            .map(|i| {
                let b = [UINT8, UINT16, UINT32, BYTE, SINT32, ENUM][rng.below(6) as usize];
                let unit = match b {
                    UINT16 => 2,
                    UINT32 | SINT32 => 4,
                    _ => 1,
                };
                (i as u8, unit * (1 + rng.below(3) as u8), b)
            })
            .collect();
        w.def(4, g, big, &fields, &[]);
        let values: Vec<V<'_>> = (0..n).map(|_| V::N(rng.next())).collect();
        for _ in 0..1 + rng.below(3) {
            w.data(4, &values);
        }
    }
    if shape.developer {
        // developer_data_id and a field description for a power app's field.
        w.def(
            5,
            DEVELOPER_DATA_ID,
            big,
            &[(1, 16, BYTE), (3, 1, UINT8), (4, 4, UINT32)],
            &[],
        );
        w.data(5, &[V::N(0xA5), V::N(0), V::N(4)]);
        w.def(
            5,
            FIELD_DESCRIPTION,
            big,
            &[
                (0, 1, UINT8),
                (1, 1, UINT8),
                (2, 1, UINT8),
                (3, 16, STRING),
                (8, 8, STRING),
            ],
            &[],
        );
        w.data(
            5,
            &[V::N(0), V::N(0), V::N(0x84), V::S("Power"), V::S("Watts")],
        );
        w.data(5, &[V::N(0), V::N(1), V::N(0x02), V::S("Form"), V::S("")]);
    }
    if let Some(name) = shape.sport_name {
        let sport = sport_number(shape.sport, 0);
        w.def(
            6,
            SPORT,
            big,
            &[(0, 1, ENUM), (1, 1, ENUM), (3, 16, STRING)],
            &[],
        );
        w.data(
            6,
            &[V::N(sport), V::N(u64::from(shape.sub_sport)), V::S(name)],
        );
    }
    // Timer start.
    w.def(
        7,
        EVENT,
        big,
        &[(253, 4, UINT32), (0, 1, ENUM), (1, 1, ENUM), (4, 1, UINT8)],
        &[],
    );
    w.data(7, &[V::N(t0), V::N(0), V::N(0), V::N(0)]);

    // Records, with laps every kilometre (every five minutes without distance).
    let sports: Vec<Sport> = if shape.sport == Sport::Multisport {
        vec![
            Sport::Swim,
            Sport::Walk,
            Sport::Ride,
            Sport::Walk,
            Sport::Run,
        ]
    } else {
        vec![shape.sport]
    };
    let dev: &[(u8, u8, u8)] = if shape.developer {
        &[(0, 2, 0), (1, 1, 0)]
    } else {
        &[]
    };
    let part = u64::from(shape.seconds) / sports.len() as u64;
    let mut t = t0;
    let mut metres_total = 0.0f64;
    let mut lap_index = 0u64;
    let mut sessions = Vec::new();
    for (i, &sport) in sports.iter().enumerate() {
        let part_start = t;
        let part_end = if i + 1 == sports.len() {
            end
        } else {
            t0 + part * (i as u64 + 1)
        };
        let speed = match sport {
            Sport::Run => 2.6 + rng.below(150) as f64 / 100.0,
            Sport::Ride => 6.0 + rng.below(400) as f64 / 100.0,
            Sport::Swim => 0.8,
            Sport::Walk => 1.4,
            Sport::Strength | Sport::Multisport => 0.0,
        };
        let fields = record_fields(shape.compressed, sport);
        // Local type 0 is redefined for the records, as devices reuse local types.
        w.def(0, RECORD, big, &fields, dev);
        let lap_def = [
            (253, 4, UINT32),
            (2, 4, UINT32),
            (7, 4, UINT32),
            (8, 4, UINT32),
            (9, 4, UINT32),
            (0, 1, ENUM),
            (1, 1, ENUM),
            (254, 2, UINT16),
            (25, 1, ENUM),
            (21, 2, UINT16),
        ];
        w.def(8, LAP, big, &lap_def, &[]);
        w.def(9, HRV, big, &[(0, 10, UINT16)], &[]);
        let mut part_metres = 0.0f64;
        let mut lap_start = t;
        let mut lap_metres = 0.0f64;
        let mut hr = 95.0f64;
        let mut alt = 120.0 + rng.below(400) as f64;
        let mut lat = 600_000_000i64 + rng.range(-50_000_000, 50_000_000);
        let mut lon = 100_000_000i64 + rng.range(-50_000_000, 50_000_000);
        let mut last_full = 0u64;
        let mut ascent = 0.0f64;
        while t < part_end {
            let step = if shape.smart { 1 + rng.below(7) } else { 1 };
            t = (t + step).min(part_end);
            let v = speed * (0.9 + rng.below(200) as f64 / 1000.0);
            let moved = v * step as f64;
            part_metres += moved;
            lap_metres += moved;
            hr += (150.0 - hr) * 0.01 + (rng.below(7) as f64 - 3.0) * 0.3;
            let climb = (rng.below(11) as f64 - 5.0) * 0.1;
            alt += climb;
            if climb > 0.0 {
                ascent += climb;
            }
            lat += rng.range(-40, 120);
            lon += rng.range(-60, 140);
            let mut values = Vec::with_capacity(16);
            let full = !shape.compressed || t - last_full >= 30;
            if !shape.compressed {
                values.push(V::N(t));
            }
            values.extend_from_slice(&[
                V::N(lat as u64),
                V::N(lon as u64),
                V::N(((metres_total + part_metres) * 100.0) as u64),
                V::N((v * 1000.0) as u64),
                V::N(((alt + 500.0) * 5.0) as u64),
                V::N(hr as u64),
                V::N(if sport == Sport::Run { 84 } else { 60 } + rng.below(4)),
                V::N(18 + rng.below(3)),
            ]);
            if sport == Sport::Run {
                values.extend_from_slice(&[
                    V::N(rng.below(128)),
                    V::N(850 + rng.below(60)),
                    V::N(2400 + rng.below(200)),
                    V::N(1150 + rng.below(80)),
                    V::N(780 + rng.below(40)),
                    V::N(250 + rng.below(60)),
                ]);
            }
            if shape.developer {
                // From a source of their own, so a file with developer fields holds the
                // same sessions as one without.
                values.push(V::N(250 + dev_rng.below(60)));
                values.push(V::N(60 + dev_rng.below(10)));
            }
            if shape.compressed && !full {
                w.compressed(0, (t & 0x1F) as u8, &values);
            } else if shape.compressed {
                // A full timestamp now and then: a record-like message of its own type.
                w.def(1, RECORD, big, &record_fields(false, sport), dev);
                let mut with_time = vec![V::N(t)];
                with_time.extend_from_slice(&values);
                w.data(1, &with_time);
                last_full = t;
            } else {
                w.data(0, &values);
            }
            if rng.one_in(5) {
                w.data(9, &[V::N(400 + rng.below(200))]);
            }
            let lap_due = if speed > 0.0 {
                lap_metres >= 1000.0
            } else {
                t - lap_start >= 300
            };
            if lap_due || t >= part_end {
                let secs = t - lap_start;
                w.data(
                    8,
                    &[
                        V::N(t),
                        V::N(lap_start),
                        V::N(secs * 1000),
                        V::N(secs * 1000),
                        V::N((lap_metres * 100.0) as u64),
                        V::N(9),
                        V::N(1),
                        V::N(lap_index),
                        V::N(sport_number(sport, 0)),
                        V::N(ascent as u64),
                    ],
                );
                lap_index += 1;
                lap_start = t;
                lap_metres = 0.0;
            }
        }
        metres_total += part_metres;
        sessions.push((sport, part_start, t, part_metres, ascent));
    }
    // Timer stop.
    w.data(7, &[V::N(end), V::N(0), V::N(4), V::N(0)]);

    // Sessions and the activity.
    let mut session_def = vec![
        (253, 4, UINT32),
        (2, 4, UINT32),
        (7, 4, UINT32),
        (8, 4, UINT32),
        (9, 4, UINT32),
        (22, 2, UINT16),
        (23, 2, UINT16),
        (11, 2, UINT16),
        (16, 1, UINT8),
        (17, 1, UINT8),
        (0, 1, ENUM),
        (1, 1, ENUM),
        (25, 2, UINT16),
        (26, 2, UINT16),
        (254, 2, UINT16),
        (124, 4, UINT32),
        (110, 16, STRING),
    ];
    if !shape.no_session_sport {
        session_def.extend_from_slice(&[(5, 1, ENUM), (6, 1, ENUM)]);
    }
    let session_dev: &[(u8, u8, u8)] = if shape.developer { &[(0, 2, 0)] } else { &[] };
    let write_activity = |w: &mut Writer| {
        w.def(
            11,
            ACTIVITY,
            big,
            &[
                (253, 4, UINT32),
                (0, 4, UINT32),
                (1, 2, UINT16),
                (2, 1, ENUM),
                (3, 1, ENUM),
                (4, 1, ENUM),
                (5, 4, UINT32),
            ],
            &[],
        );
        w.data(
            11,
            &[
                V::N(end),
                V::N(u64::from(shape.seconds) * 1000),
                V::N(sessions.len() as u64),
                V::N(u64::from(sessions.len() > 1)),
                V::N(26),
                V::N(1),
                V::N((end as i64 + i64::from(shape.offset)) as u64),
            ],
        );
    };
    if shape.activity && shape.activity_first {
        write_activity(&mut w);
    }
    w.def(10, SESSION, big, &session_def, session_dev);
    let mut written = Vec::new();
    for (i, &(sport, from, to, metres, ascent)) in sessions.iter().enumerate() {
        let secs = to - from;
        let sub = if sessions.len() > 1 {
            0
        } else {
            shape.sub_sport
        };
        written.push(Written {
            sport: (!shape.no_session_sport).then_some((sport_number(sport, i), sub)),
            start: from as i64 + FIT_EPOCH,
            timer_ms: secs * 1000,
            centimetres: (metres * 100.0) as u64,
            ascent: (!shape.no_ascent).then_some(ascent as u64),
        });
        let mut values = vec![
            V::N(to),
            V::N(from),
            V::N(secs * 1000 + rng.below(1000)),
            V::N(secs * 1000),
            V::N((metres * 100.0) as u64),
            V::N(if shape.no_ascent {
                0xFFFF
            } else {
                ascent as u64
            }),
            V::N(ascent as u64),
            V::N(secs / 6),
            V::N(142),
            V::N(171),
            V::N(8),
            V::N(1),
            V::N(0),
            V::N(lap_index),
            V::N(i as u64),
            V::N((metres / secs.max(1) as f64 * 1000.0) as u64),
            V::S(match sport {
                Sport::Run => "Run",
                Sport::Ride => "Bike",
                Sport::Swim => "Pool Swim",
                Sport::Walk => "Walk",
                _ => "Strength",
            }),
        ];
        if !shape.no_session_sport {
            values.push(V::N(sport_number(sport, i)));
            values.push(V::N(u64::from(sub)));
        }
        if shape.developer {
            values.push(V::N(271));
        }
        w.data(10, &values);
    }
    if shape.activity && !shape.activity_first {
        write_activity(&mut w);
    }
    (w.body, written)
}

/// The FIT sport number of a sport (transitions in a multisport session are sport 3).
fn sport_number(sport: Sport, index: usize) -> u64 {
    match sport {
        Sport::Run => 1,
        Sport::Ride => 2,
        Sport::Swim => 5,
        Sport::Walk if index % 2 == 1 => 3,
        Sport::Walk => 11,
        Sport::Strength => 10,
        Sport::Multisport => 18,
    }
}

/// Unix seconds of 2026-11-22T00:00:00Z, the day the benchmarks and tests summarise to.
pub const NOV_22: i64 = 1_795_305_600;

/// A Strava-style export of `runs` activities, one every day or so up to 2026-11-21, each
/// a gzipped FIT file: the files as `(activities/N.fit.gz, bytes)` and the
/// `activities.csv` naming them. Runs only when `plain` (the benchmark's export: no
/// developer fields, so that every reader old and new reads every file).
pub fn export(runs: usize, plain: bool) -> (Vec<(String, Vec<u8>)>, String) {
    use std::io::Write;
    let mut files = Vec::with_capacity(runs);
    let mut csv = String::from(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance,Elevation Gain,Activity Gear\n",
    );
    for i in 0..runs {
        let mut rng = Rng::new(i as u64 + 17);
        let day = NOV_22 - 86_400 * (runs - i) as i64 * 3 / 4;
        let start = day + rng.range(6 * 3600, 19 * 3600);
        let shape = if plain {
            let mut s = Shape::run(start, rng.range(1800, 5400) as u32);
            s.sub_sport = [0, 0, 2, 3, 1][rng.below(5) as usize];
            s.offset = 3600;
            s
        } else {
            Shape::varied(i as u64, start, false)
        };
        let fit = activity(&shape, i as u64);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&fit).unwrap();
        let name = format!("activities/{i}.fit.gz");
        let date = chrono::DateTime::from_timestamp(start, 0).unwrap();
        csv.push_str(&format!(
            "{i},\"{}\",Run {i},Run,,{name},,,Pegasus\n",
            date.format("%b %-d, %Y, %-I:%M:%S %p")
        ));
        files.push((name, gz.finish().unwrap()));
    }
    (files, csv)
}
