//! Any bytes in place of one of the six rule files: refused or loaded, never a panic.
//! The first byte picks the file; the rest replaces it, the other five stay as shipped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runback::rulebase::embedded::TEXTS;
use runback::rulebase::load::{FILE_NAMES, RuleFile, load};


fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let replaced = usize::from(pick) % TEXTS.len();
    let files = std::array::from_fn(|i| RuleFile {
        name: FILE_NAMES[i].to_string(),
        text: if i == replaced { text } else { TEXTS[i] }.to_string(),
    });
    let _ = load("fuzz".to_string(), files);
});
