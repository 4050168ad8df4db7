//! Sport names, as exports write them in several languages, to a [`Kind`].

use super::Kind;

/// Words that mark each kind, lower case, checked in this order: strength before running
/// ("Laufbandtraining" is running, "Krafttraining" strength), walking before running
/// ("Trail running" is running, "Hike" walking).
const WORDS: [(Kind, &[&str]); 6] = [
    (
        Kind::Strength,
        &[
            "strength",
            "weight",
            "kraft",
            "muscu",
            "fuerza",
            "forza",
            "kracht",
            "crossfit",
            "workout",
            "hiit",
            "training_strength",
        ],
    ),
    (Kind::Yoga, &["yoga", "pilates"]),
    (
        Kind::Swimming,
        &[
            "swim",
            "schwimm",
            "natation",
            "nataci",
            "nuoto",
            "zwem",
            "lap_swimming",
        ],
    ),
    (
        Kind::Cycling,
        &[
            "ride", "cycl", "bike", "biking", "^rad", "vélo", "velo", "ciclis", "fiets", "spin",
        ],
    ),
    (
        Kind::Run,
        &[
            "run",
            "lauf",
            "course",
            "carrera",
            "corsa",
            "hardlo",
            "treadmill",
            "tapis",
            "jog",
        ],
    ),
    (
        Kind::Walking,
        &[
            "walk", "hike", "hiking", "^geh", "wander", "marche", "randonn", "camin", "sender",
            "wandel", "cammin", "escurs",
        ],
    ),
];

/// The kind of a sport as an export names it ("Trail Run", "running", "Laufen",
/// "Course à pied"); anything unknown is [`Kind::Other`].
pub fn classify(sport: &str) -> Kind {
    let sport = sport.to_lowercase();
    // A mark starting with `^` is found only at the start of a word: "Radfahren" is
    // cycling, but "rad" inside another word is not.
    let words: Vec<&str> = sport
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .collect();
    for (kind, marks) in WORDS {
        let found = marks.iter().any(|m| match m.strip_prefix('^') {
            Some(start) => words.iter().any(|w| w.starts_with(start)),
            None => sport.contains(m),
        });
        if found {
            return kind;
        }
    }
    Kind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sports_in_several_exports_and_languages() {
        for (name, kind) in [
            ("Run", Kind::Run),
            ("Trail Run", Kind::Run),
            ("Virtual Run", Kind::Run),
            ("running", Kind::Run),
            ("Treadmill Running", Kind::Run),
            ("Laufen", Kind::Run),
            ("Laufbandtraining", Kind::Run),
            ("Course à pied", Kind::Run),
            ("Carrera", Kind::Run),
            ("Hardlopen", Kind::Run),
            ("TrailRun", Kind::Run),
            ("VirtualRun", Kind::Run),
            ("Ride", Kind::Cycling),
            ("E-Bike Ride", Kind::Cycling),
            ("Radfahren", Kind::Cycling),
            ("cycling", Kind::Cycling),
            ("Swim", Kind::Swimming),
            ("Schwimmen", Kind::Swimming),
            ("Weight Training", Kind::Strength),
            ("Krafttraining", Kind::Strength),
            ("Musculation", Kind::Strength),
            ("Workout", Kind::Strength),
            ("Yoga", Kind::Yoga),
            ("Pilates", Kind::Yoga),
            ("Walk", Kind::Walking),
            ("Hike", Kind::Walking),
            ("Gehen", Kind::Walking),
            ("Wandern", Kind::Walking),
            ("Rowing", Kind::Other),
            ("Kayaking", Kind::Other),
            ("Snowboard", Kind::Other),
        ] {
            assert_eq!(classify(name), kind, "{name}");
        }
    }
}
