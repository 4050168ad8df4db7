//! Which source URLs a report may show as links.
//!
//! A source's `url` ends up as a link in the Markdown report, so it is held to the kinds a
//! reader can safely follow: `http`, `https` and `mailto`, written out in full with no
//! spaces or control characters. A `javascript:` or `data:` link, or one that hides text
//! with an invisible character, never gets that far: the loader refuses it.

use crate::clean::{clean, is_unsafe};

/// The schemes a source URL may use, as written before the `:`.
pub const SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// What is wrong with a source URL, or `None` when a report may link to it.
pub fn problem(url: &str) -> Option<String> {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme);
    let allowed = scheme.filter(|s| SCHEMES.iter().any(|k| s.eq_ignore_ascii_case(k)));
    let Some(scheme) = allowed else {
        return Some(format!(
            "url `{}` is not an http, https or mailto link; give the address a reader can open, such as https://example.org/page",
            clean(url)
        ));
    };
    if url.chars().any(|c| c.is_whitespace() || is_unsafe(c)) {
        return Some(format!(
            "url `{}` holds a space or a control character; write it without them, or percent-encode a space as %20",
            clean(url)
        ));
    }
    let rest = &url[scheme.len() + 1..];
    let empty = if scheme.eq_ignore_ascii_case("mailto") {
        rest.is_empty()
    } else {
        !rest.starts_with("//") || rest[2..].split(['/', '?', '#']).next() == Some("")
    };
    empty.then(|| {
        format!(
            "url `{}` names no address; write it in full, such as https://example.org/page or mailto:name@example.org",
            clean(url)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn web_and_mail_links_are_accepted() {
        for url in [
            "https://www.nhs.uk/conditions/back-pain/",
            "http://example.org",
            "HTTPS://example.org/a?b=c#d",
            "mailto:clinic@example.org",
            "https://example.org/%20spaced",
        ] {
            assert_eq!(problem(url), None, "{url}");
        }
    }

    #[test]
    fn other_schemes_spaces_controls_and_empty_addresses_are_refused() {
        for (url, says) in [
            (
                "javascript:alert(1)",
                "is not an http, https or mailto link",
            ),
            (
                "data:text/html,<script>",
                "is not an http, https or mailto link",
            ),
            ("file:///etc/passwd", "is not an http, https or mailto link"),
            ("www.example.org", "is not an http, https or mailto link"),
            (
                "https://example.org/a b",
                "holds a space or a control character",
            ),
            (
                "https://example.org/\u{1b}]0;x\u{7}",
                "holds a space or a control character",
            ),
            (
                "https://exa\u{202e}mple.org",
                "holds a space or a control character",
            ),
            ("https:example.org", "names no address"),
            ("https:///path", "names no address"),
            ("mailto:", "names no address"),
        ] {
            let message = problem(url).unwrap_or_else(|| panic!("{url} was accepted"));
            assert!(message.contains(says), "{url}: {message}");
            assert!(!message.chars().any(super::is_unsafe), "{message}");
        }
    }
}
