//! "Did you mean …?" for mistyped ids, shared by every layer that reads ids.

/// The candidate closest to `name`, when it is close enough to be a likely typo.
///
/// A name more than twice as long as the longest candidate is no typo, and gets no
/// suggestion: the comparison costs time in proportion to the product of the lengths,
/// and a megabyte-long key in a hostile answer file took a second for each one.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let longest = candidates.iter().map(|c| c.len()).max().unwrap_or(0);
    if name.len() > 2 * longest + 8 {
        return None;
    }
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_near_miss_and_nothing_for_a_stranger() {
        let ids = ["hills", "weekly_km", "rest_days"];
        assert_eq!(closest("hils", ids), Some("hills"));
        assert_eq!(closest("weekly_kms", ids), Some("weekly_km"));
        assert_eq!(closest("banana", ids), None);
    }

    #[test]
    fn a_name_too_long_to_be_a_typo_gets_no_suggestion() {
        // Close enough by score (a shared prefix weighs a lot), but no one mistypes a
        // nine-letter id as twenty-eight letters, and comparing long names costs time.
        let ids = ["hills", "weekly_km", "rest_days"];
        assert_eq!(closest("weekly_kmxxxxxxxxxxxxxxxxxxx", ids), None);
        assert_eq!(closest("weekly_kmxxxxxxxx", ids), Some("weekly_km"));
    }
}
