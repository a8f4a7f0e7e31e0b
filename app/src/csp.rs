//! The Content-Security-Policy (security review M-5): the second line behind the sanitiser. Scripts run only
//! with this response's nonce (and what they load, through `'strict-dynamic'`), wasm may compile, styles come
//! from the stylesheet only, nothing is embedded or embeds us, forms post only here. The one worker is our
//! service worker (`/sw.js`, docs/offline.md).

/// The policy for one response. `nonce` is the response's own (leptos makes one per page); pages built
/// without leptos get none and run no script at all.
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        // 'self' and 'unsafe-inline' are ignored by browsers that know 'strict-dynamic'; they are not given.
        Some(n) => format!("'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval'"),
        None => "'none'".to_string(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; worker-src 'self'; style-src 'self'; img-src 'self' data: https:; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The page's nonce, for a `<script src>` of our own (`'strict-dynamic'` ignores `'self'`).
pub fn nonce() -> Option<leptos::nonce::Nonce> {
    leptos::nonce::use_nonce()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_need_the_nonce_and_nothing_is_inline() {
        let p = policy(Some("abc"));
        assert!(p.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"), "{p}");
        assert!(!p.contains("unsafe-inline") && p.contains("style-src 'self';") && p.contains("object-src 'none'"));
        assert!(policy(None).contains("script-src 'none';"));
    }
}
