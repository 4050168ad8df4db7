//! What runback checks before a FIT file reaches the decoder, and how it contains what it
//! cannot check.
//!
//! The decoder (fitparser) trusts a file's header: a header-size byte larger than the file
//! makes it index past the end and panic, and a 64-bit timestamp too large for a date
//! panics in chrono. So every header of a (possibly chained) FIT file is checked first,
//! the messages are walked to find field definitions whose size does not fit their type
//! (the decoder would print its own `ERROR:` line for each, straight to the terminal, and
//! then read the field as bytes: runback rewrites such a field's type to bytes itself, so
//! the decoder has nothing to say), and one file's decoding runs under `catch_unwind` with
//! the panic message kept off the terminal. A file that still makes the decoder panic is
//! skipped like any damaged file.

use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::{Arc, Mutex};

use super::{Parsed, fit};

/// Why a file the decoder could not cope with is skipped.
pub const UNDECODABLE: &str = "the FIT file is damaged in a way runback cannot read";

/// The FIT base type of a field, as its definition gives it: 13 is plain bytes.
const BYTE: u8 = 13;

/// The size in bytes of one value of a base type (after masking), as the decoder counts it.
fn base_size(base: u8) -> u8 {
    match base {
        131 | 132 | 139 => 2,
        133 | 134 | 136 | 140 => 4,
        137 | 142 | 143 | 144 => 8,
        _ => 1,
    }
}

/// The FIT CRC-16 (the SDK's nibble table).
fn crc(mut crc: u16, bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    for &b in bytes {
        let tmp = TABLE[usize::from(crc & 0xF)];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ TABLE[usize::from(b & 0xF)];
        let tmp = TABLE[usize::from(crc & 0xF)];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ TABLE[usize::from((b >> 4) & 0xF)];
    }
    crc
}

/// Checks every header of a FIT file and gives the bytes the decoder should see: the same
/// bytes, or a copy where field definitions whose size is not a whole number of values
/// are marked as bytes (with the data checksum brought up to date when it matched before).
/// A header that does not fit the file is an error; damage further in is left for the
/// decoder to find and name.
pub fn prepare(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    let mut out: Cow<'_, [u8]> = Cow::Borrowed(bytes);
    let mut start = 0usize;
    while start < bytes.len() {
        let rest = &bytes[start..];
        let header = usize::from(rest[0]);
        if rest.len() < 12 || &rest[8..12] != b".FIT" {
            if start == 0 {
                return Err("not a valid FIT file (damaged?)".to_string());
            }
            // Bytes after the last file's checksum that are not another file: the decoder
            // reports them.
            break;
        }
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
        // The decoder reads each message that starts before the end the header gives, to
        // its own end, even past that one (or past the end of the bytes, which is its "cut
        // short" to report): so does this.
        let (fixes, stop) = bad_field_types(&rest[header..], data);
        if !fixes.is_empty() {
            let copy = out.to_mut();
            // The data checksum covers the header too when the header has none of its own.
            let header_crc = header == 14 && u16::from_le_bytes([rest[12], rest[13]]) != 0;
            let covered = if header_crc { header..end } else { 0..end };
            let stored = rest
                .get(end..end + 2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            // Only a file whose messages end where its header says has a checksum there.
            let matched = matches!(stop, Stop::AtEnd)
                && stored.is_some_and(|c| c == crc(0, &rest[covered.clone()]));
            for at in fixes {
                copy[start + header + at] = BYTE;
            }
            if matched {
                let new = crc(0, &copy[start + covered.start..start + covered.end]);
                copy[start + end..start + end + 2].copy_from_slice(&new.to_le_bytes());
            }
        }
        // The next file of a chain starts after the checksum when the last message ended
        // where the header said; where it ran past that, the decoder looks for the next
        // header straight after it, with no checksum.
        start = match stop {
            Stop::AtEnd if end <= rest.len() => start + end + 2,
            Stop::Past(at) if header + at < rest.len() => start + header + at,
            _ => break,
        };
    }
    Ok(out)
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

/// The offsets, within a file's messages, of the base-type bytes of field definitions
/// whose size is not a whole number of values of their type, and where the messages
/// stopped. Walks the messages that start within the first `size` bytes, as the decoder
/// does.
fn bad_field_types(body: &[u8], size: usize) -> (Vec<usize>, Stop) {
    let mut fixes = Vec::new();
    // The size of a data message of each local type, fields and developer fields.
    let mut sizes: [Option<usize>; 16] = [None; 16];
    let mut at = 0usize;
    while let Some(&head) = body.get(at).filter(|_| at < size) {
        at += 1;
        if head & 0x80 != 0 {
            // A compressed-timestamp data message.
            let Some(n) = sizes[usize::from((head >> 5) & 0x3)] else {
                return (fixes, Stop::Lost);
            };
            at += n;
        } else if head & 0x40 != 0 {
            let Some(&fields) = body.get(at + 4) else {
                return (fixes, Stop::Lost);
            };
            let mut width = 0usize;
            let mut p = at + 5;
            for _ in 0..fields {
                let Some(def) = body.get(p..p + 3) else {
                    return (fixes, Stop::Lost);
                };
                let base = def[2] & 0x9f;
                if def[1] % base_size(base) != 0 {
                    fixes.push(p + 2);
                }
                width += usize::from(def[1]);
                p += 3;
            }
            if head & 0x20 != 0 {
                let Some(&dev) = body.get(p) else {
                    return (fixes, Stop::Lost);
                };
                p += 1;
                for _ in 0..dev {
                    let Some(def) = body.get(p..p + 3) else {
                        return (fixes, Stop::Lost);
                    };
                    width += usize::from(def[1]);
                    p += 3;
                }
            }
            sizes[usize::from(head & 0xF)] = Some(width);
            at = p;
        } else {
            let Some(n) = sizes[usize::from(head & 0xF)] else {
                return (fixes, Stop::Lost);
            };
            at += n;
        }
    }
    let stop = match at.cmp(&size) {
        std::cmp::Ordering::Equal => Stop::AtEnd,
        std::cmp::Ordering::Greater if at <= body.len() => Stop::Past(at),
        _ => Stop::Lost,
    };
    (fixes, stop)
}

thread_local! {
    /// Whether a panic on this thread is a FIT file's, to be kept off the terminal.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

type Hook = Arc<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// The panic hook that was in place before the first decoding that still runs began, and
/// how many decodings are running.
static HOOK: Mutex<(usize, Option<Hook>)> = Mutex::new((0, None));

/// While it lives, a panic on a thread that is decoding a FIT file prints nothing; every
/// other panic goes to the hook that was in place. The last one dropped puts that hook
/// back.
struct Quiet;

impl Quiet {
    fn new() -> Quiet {
        let mut state = HOOK.lock().unwrap_or_else(|e| e.into_inner());
        if state.0 == 0 {
            let previous: Hook = Arc::from(panic::take_hook());
            state.1 = Some(previous.clone());
            panic::set_hook(Box::new(move |info| {
                if !QUIET.with(Cell::get) {
                    previous(info);
                }
            }));
        }
        state.0 += 1;
        Quiet
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        let mut state = HOOK.lock().unwrap_or_else(|e| e.into_inner());
        state.0 -= 1;
        if state.0 == 0
            && let Some(previous) = state.1.take()
        {
            drop(panic::take_hook());
            panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Reads a FIT file's sessions: headers checked, odd field types tidied, and a panic in
/// the decoder turned into a reason to skip the file.
pub fn read(bytes: &[u8]) -> Result<Vec<Parsed>, String> {
    let bytes = prepare(bytes)?;
    let _quiet = Quiet::new();
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| fit::read(&bytes)));
    QUIET.with(|q| q.set(false));
    result.unwrap_or_else(|_| Err(UNDECODABLE.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIT file of the given messages, with a 14-byte header and both checksums.
    pub(crate) fn fit_file(messages: &[u8]) -> Vec<u8> {
        let mut out = vec![14u8, 0x20, 0x08, 0x08];
        out.extend_from_slice(&(messages.len() as u32).to_le_bytes());
        out.extend_from_slice(b".FIT");
        let h = crc(0, &out);
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(messages);
        let c = crc(0, &out[14..]);
        out.extend_from_slice(&c.to_le_bytes());
        out
    }

    #[test]
    fn the_checksum_is_the_sdks() {
        // The FIT SDK's example: CRC of "123456789" is 0xBB3D.
        assert_eq!(crc(0, b"123456789"), 0xBB3D);
    }

    #[test]
    fn a_header_larger_than_the_file_is_refused_before_decoding() {
        let mut file = vec![220u8, 0x10, 0, 0, 0, 0, 0, 0];
        file.extend_from_slice(b".FIT");
        file.extend_from_slice(&[0; 4]);
        let err = prepare(&file).unwrap_err();
        assert!(err.contains("220 bytes"), "{err}");
        assert!(read(&file).is_err());
        let mut short = vec![14u8, 0x10, 0, 0, 0, 0, 0, 0];
        short.extend_from_slice(b".FIT");
        assert!(prepare(&short).unwrap_err().contains("cut short"));
    }

    #[test]
    fn a_field_size_that_is_not_whole_values_is_read_as_bytes_with_the_checksum_kept() {
        // A definition of local type 0, global message 0 (file_id), one field of 3 bytes
        // typed uint16 (2 bytes a value), then one data message.
        let messages = [0x40, 0, 0, 0, 0, 1, 0, 3, 0x84, 0x00, 1, 2, 3];
        let file = fit_file(&messages);
        let tidy = prepare(&file).unwrap();
        assert!(matches!(tidy, Cow::Owned(_)));
        assert_eq!(tidy[14 + 8], BYTE);
        let n = tidy.len();
        assert_eq!(
            u16::from_le_bytes([tidy[n - 2], tidy[n - 1]]),
            crc(0, &tidy[14..n - 2]),
            "the data checksum still matches"
        );
        // Cut short: the messages that are there are still tidied, and nothing is indexed
        // past the end.
        let cut = &file[..file.len() - 4];
        assert_eq!(prepare(cut).unwrap()[14 + 8], BYTE);
        // A definition that starts before the end the header gives and runs past it is
        // read to its own end, as the decoder reads it.
        let mut straddling = file.clone();
        straddling[4..8].copy_from_slice(&3u32.to_le_bytes());
        assert_eq!(prepare(&straddling).unwrap()[14 + 8], BYTE);
        // A message running past the end its header gives: the next file of the chain
        // starts right after it, with no checksum, and is tidied too.
        let mut chain = fit_file(&[0x40, 0, 0, 0, 0, 1, 0, 4, 0x84, 0x00, 1, 2, 3, 4]);
        chain[4..8].copy_from_slice(&13u32.to_le_bytes());
        chain.truncate(14 + 14);
        chain.extend_from_slice(&file);
        assert_eq!(prepare(&chain).unwrap()[28 + 14 + 8], BYTE);
        // A sound file is passed on as it is.
        let sound = fit_file(&[0x40, 0, 0, 0, 0, 1, 0, 2, 0x84, 0x00, 1, 2]);
        assert!(matches!(prepare(&sound).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn a_panic_while_decoding_is_a_reason_and_the_hook_is_put_back() {
        let caught = std::panic::catch_unwind(|| {
            let _quiet = Quiet::new();
            QUIET.with(|q| q.set(true));
            let r = panic::catch_unwind(|| panic!("inside the decoder"));
            QUIET.with(|q| q.set(false));
            r.is_err()
        });
        assert_eq!(caught.ok(), Some(true));
    }
}
