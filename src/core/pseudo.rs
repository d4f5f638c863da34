//! Pseudonymized sharing: rewrites a data set so that people and objects are replaced by keyed
//! hashes (HMAC-SHA256, truncated), the same input always giving the same token under the same
//! key. Exports and reports of the rewritten data set stay joinable across files without
//! exposing anyone.
//!
//! What is replaced, and how:
//! - UPNs (anything holding an `@`) → `user-<16 hex>@pseudo.invalid`; UPNs are case-insensitive,
//!   so they are lowercased before hashing.
//! - Display names and the initiator → `name-<16 hex>`.
//! - Object ids (source and target identity ids, the reportable id, the tenant id) → `id-<16 hex>`.
//! - Attribute values (old and new values of modified properties) and step detail values →
//!   `val-<16 hex>`, except `True`/`False` and empty values, which identify no one.
//! - Free texts (step descriptions, error reasons, recommended actions, additional details,
//!   issue messages) are re-rendered: every quoted part (`'…'`, `"…"`), every word holding an
//!   `@`, every GUID-shaped word, and every run of up to six words equal to a value replaced
//!   elsewhere in the data set becomes its token.
//!
//! The hex part is the same for the same text whatever its role, so an id that appears both as
//! the source identity's id and as a step detail value reads `id-ab12…` and `val-ab12…`.
//! Kept as they are: times, actions, statuses, error codes and categories, job, cycle, change
//! and activity ids (they name runs of the service, not people), system and application names,
//! attribute and step names, and file names and their SHA-256 (computed over the original bytes).

use std::collections::{HashMap, HashSet};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::core::ingest::DataSet;
use crate::core::model::{Event, IdentityRef, Interner, Modified, Step, Store, Sym};

/// How many bytes of the HMAC a token keeps (16 hex digits: collisions are negligible for any
/// tenant's number of objects).
pub const TOKEN_BYTES: usize = 8;

/// The longest run of words the free-text pass compares against known values.
const MAX_WORDS: usize = 6;

/// What a replaced value is, which decides its token's prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    User,
    Name,
    Id,
    Value,
}

/// Makes tokens with one key.
#[derive(Clone)]
pub struct Pseudonymizer {
    /// Always `Some`: HMAC accepts keys of every length. Kept optional so that no panic path
    /// exists; without a MAC every token would be the same redacted text.
    mac: Option<Hmac<Sha256>>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret: never printed.
        f.write_str("Pseudonymizer { .. }")
    }
}

impl Pseudonymizer {
    /// A pseudonymizer keyed by `key` (any length; HMAC accepts every key size).
    pub fn new(key: &[u8]) -> Pseudonymizer {
        Pseudonymizer {
            mac: Hmac::<Sha256>::new_from_slice(key).ok(),
        }
    }

    /// The token for `value` as a `kind`. Empty values stay empty.
    pub fn token(&self, kind: Kind, value: &str) -> String {
        if value.is_empty() {
            return String::new();
        }
        let kind = if value.contains('@') {
            Kind::User
        } else {
            kind
        };
        let normalized;
        let input = if kind == Kind::User {
            normalized = value.to_lowercase();
            normalized.as_str()
        } else {
            value
        };
        let hex = match &self.mac {
            Some(mac) => {
                let mut mac = mac.clone();
                mac.update(input.as_bytes());
                let digest = mac.finalize().into_bytes();
                hex(digest.get(..TOKEN_BYTES).unwrap_or(&digest))
            }
            None => "redacted".to_string(),
        };
        match kind {
            Kind::User => format!("user-{hex}@pseudo.invalid"),
            Kind::Name => format!("name-{hex}"),
            Kind::Id => format!("id-{hex}"),
            Kind::Value => format!("val-{hex}"),
        }
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Parses a key typed by the user: its UTF-8 bytes, surrounding spaces removed. A key drawn at
/// random is shown as hex and typed back as hex text, which this also accepts as text; either
/// way the same text gives the same tokens.
pub fn key_from_text(text: &str) -> Vec<u8> {
    text.trim().as_bytes().to_vec()
}

/// Returns a copy of the data set with every identifier replaced (see the module docs).
pub fn pseudonymize(data: &DataSet, key: &[u8]) -> DataSet {
    let p = Pseudonymizer::new(key);
    let mut r = Rewriter::new(&p, &data.store);
    let store = &data.store;
    let mut out = Store {
        strings: Interner::default(),
        events: Vec::with_capacity(store.events.len()),
        steps: Vec::with_capacity(store.steps.len()),
        details: Vec::with_capacity(store.details.len()),
        modified: Vec::with_capacity(store.modified.len()),
    };
    for e in &store.events {
        let step_start = out.steps.len();
        for st in store.steps_of(e) {
            let detail_start = out.details.len();
            for &(k, v) in store.details_of(st) {
                let key = r.keep(&mut out.strings, k);
                let value = r.value(&mut out.strings, v, Kind::Value);
                out.details.push((key, value));
            }
            out.steps.push(Step {
                name: r.keep(&mut out.strings, st.name),
                kind: st.kind,
                status: st.status,
                description: r.text(&mut out.strings, st.description),
                details: range(detail_start, out.details.len()),
            });
        }
        let modified_start = out.modified.len();
        for m in store.modified_of(e) {
            out.modified.push(Modified {
                name: r.keep(&mut out.strings, m.name),
                old: r.value(&mut out.strings, m.old, Kind::Value),
                new: r.value(&mut out.strings, m.new, Kind::Value),
            });
        }
        let s = &mut out.strings;
        out.events.push(Event {
            time_ms: e.time_ms,
            id: r.keep(s, e.id),
            change_id: r.keep(s, e.change_id),
            cycle_id: r.keep(s, e.cycle_id),
            job_id: r.keep(s, e.job_id),
            tenant_id: r.value(s, e.tenant_id, Kind::Id),
            action: e.action,
            raw_action: r.keep(s, e.raw_action),
            status: e.status,
            raw_status: r.keep(s, e.raw_status),
            duration_ms: e.duration_ms,
            error_code: r.keep(s, e.error_code),
            error_reason: r.text(s, e.error_reason),
            error_category: r.keep(s, e.error_category),
            recommended_action: r.text(s, e.recommended_action),
            additional_details: r.text(s, e.additional_details),
            source_system: crate::core::model::SystemRef {
                id: r.keep(s, e.source_system.id),
                name: r.keep(s, e.source_system.name),
            },
            target_system: crate::core::model::SystemRef {
                id: r.keep(s, e.target_system.id),
                name: r.keep(s, e.target_system.name),
            },
            service_principal: crate::core::model::SystemRef {
                id: r.keep(s, e.service_principal.id),
                name: r.keep(s, e.service_principal.name),
            },
            initiated_by: r.value(s, e.initiated_by, Kind::Name),
            source: r.identity(s, &e.source),
            target: r.identity(s, &e.target),
            reportable_id: r.value(s, e.reportable_id, Kind::Id),
            steps: range(step_start, out.steps.len()),
            modified: range(modified_start, out.modified.len()),
            file: e.file,
        });
    }
    let issues = data
        .issues
        .iter()
        .map(|i| crate::core::ingest::Issue {
            file: i.file.clone(),
            position: i.position,
            message: r.mask_text(&i.message),
        })
        .collect();
    let mut reasons = std::collections::BTreeMap::new();
    for (reason, n) in &data.reasons {
        *reasons.entry(r.mask_text(reason)).or_insert(0) += n;
    }
    DataSet {
        store: out,
        files: data
            .files
            .iter()
            .map(|f| crate::core::ingest::FileInfo {
                refused: f.refused.as_deref().map(|m| r.mask_text(m)),
                ..f.clone()
            })
            .collect(),
        issues,
        reasons,
        duplicates: data.duplicates,
        rejected: data.rejected,
    }
}

/// Whether a value identifies no one and is kept: empty, `True`, `False`.
pub fn is_neutral(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

fn range(start: usize, end: usize) -> std::ops::Range<u32> {
    u32::try_from(start).unwrap_or(u32::MAX)..u32::try_from(end).unwrap_or(u32::MAX)
}

/// Rewrites symbols of one store into a new interner, remembering each answer.
struct Rewriter<'a> {
    p: &'a Pseudonymizer,
    from: &'a Store,
    /// Every value replaced anywhere in the data set, to find them again inside free texts.
    known: HashMap<String, Kind>,
    done: HashMap<(Sym, u8), Sym>,
}

impl<'a> Rewriter<'a> {
    fn new(p: &'a Pseudonymizer, from: &'a Store) -> Rewriter<'a> {
        let mut known = HashMap::new();
        let mut add = |sym: Sym, kind: Kind| {
            let v = from.str(sym).trim();
            if !is_neutral(v) {
                known.entry(v.to_string()).or_insert(kind);
            }
        };
        for e in &from.events {
            for who in [&e.source, &e.target] {
                add(who.id, Kind::Id);
                add(who.name, Kind::Name);
                add(who.upn, Kind::User);
            }
            add(e.reportable_id, Kind::Id);
            add(e.tenant_id, Kind::Id);
            add(e.initiated_by, Kind::Name);
            for m in from.modified_of(e) {
                add(m.old, Kind::Value);
                add(m.new, Kind::Value);
            }
            for st in from.steps_of(e) {
                for &(_, v) in from.details_of(st) {
                    add(v, Kind::Value);
                }
            }
        }
        Rewriter {
            p,
            from,
            known,
            done: HashMap::new(),
        }
    }

    fn keep(&mut self, to: &mut Interner, sym: Sym) -> Sym {
        to.intern(self.from.str(sym))
    }

    fn value(&mut self, to: &mut Interner, sym: Sym, kind: Kind) -> Sym {
        let slot = (sym, kind as u8);
        if let Some(&done) = self.done.get(&slot) {
            return done;
        }
        let v = self.from.str(sym);
        let out = if is_neutral(v) {
            to.intern(v)
        } else {
            to.intern(&self.p.token(kind, v.trim()))
        };
        self.done.insert(slot, out);
        out
    }

    fn identity(&mut self, to: &mut Interner, who: &IdentityRef) -> IdentityRef {
        IdentityRef {
            id: self.value(to, who.id, Kind::Id),
            name: self.value(to, who.name, Kind::Name),
            kind: self.keep(to, who.kind),
            upn: self.value(to, who.upn, Kind::User),
        }
    }

    fn text(&mut self, to: &mut Interner, sym: Sym) -> Sym {
        let slot = (sym, 255);
        if let Some(&done) = self.done.get(&slot) {
            return done;
        }
        let masked = self.mask_text(self.from.str(sym));
        let out = to.intern(&masked);
        self.done.insert(slot, out);
        out
    }

    /// Re-renders a free text with identifiers masked.
    fn mask_text(&self, text: &str) -> String {
        let quoted = self.mask_quoted(text);
        self.mask_words(&quoted)
    }

    /// Replaces the inside of every `'…'` and `"…"` by its token.
    fn mask_quoted(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find(['\'', '"']) {
            let (before, from_quote) = rest.split_at(open);
            out.push_str(before);
            let quote = from_quote.chars().next().unwrap_or('\'');
            let inner_start = quote.len_utf8();
            let after_open = from_quote.get(inner_start..).unwrap_or("");
            match after_open.find(quote) {
                Some(close) => {
                    let inner = after_open.get(..close).unwrap_or("");
                    out.push(quote);
                    if is_neutral(inner) {
                        out.push_str(inner);
                    } else {
                        let kind = self.known.get(inner.trim()).copied().unwrap_or(Kind::Name);
                        out.push_str(&self.p.token(kind, inner.trim()));
                    }
                    out.push(quote);
                    rest = after_open.get(close + quote.len_utf8()..).unwrap_or("");
                }
                None => {
                    // An apostrophe with no closing quote ("can't") is kept.
                    out.push(quote);
                    rest = after_open;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Replaces runs of words that are known values, words holding `@`, and GUID-shaped words.
    fn mask_words(&self, text: &str) -> String {
        let words: Vec<&str> = text.split(' ').collect();
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for n in (1..=MAX_WORDS.min(words.len() - i)).rev() {
                let span = words.get(i..i + n).map(|w| w.join(" ")).unwrap_or_default();
                let (lead, core, trail) = trim_punctuation(&span);
                if core.is_empty() {
                    continue;
                }
                if let Some(&kind) = self.known.get(core) {
                    matched = Some((n, format!("{lead}{}{trail}", self.p.token(kind, core))));
                    break;
                }
                if n == 1 && (core.contains('@') || looks_like_id(core)) {
                    matched = Some((1, format!("{lead}{}{trail}", self.p.token(Kind::Id, core))));
                }
            }
            match matched {
                Some((n, replaced)) => {
                    out.push(replaced);
                    i += n;
                }
                None => {
                    out.push(words.get(i).copied().unwrap_or("").to_string());
                    i += 1;
                }
            }
        }
        out.join(" ")
    }
}

/// Splits leading and trailing punctuation off a span of words.
fn trim_punctuation(span: &str) -> (&str, &str, &str) {
    let is_punct = |c: char| matches!(c, ',' | '.' | ';' | ':' | '(' | ')' | '[' | ']' | '{' | '}');
    let core = span.trim_matches(is_punct);
    let start = span.len() - span.trim_start_matches(is_punct).len();
    let lead = span.get(..start).unwrap_or("");
    let trail = span.get(start + core.len()..).unwrap_or("");
    (lead, core, trail)
}

/// A GUID or a long hex/identifier-like word (16+ characters of hex digits and dashes).
fn looks_like_id(word: &str) -> bool {
    word.len() >= 16
        && word.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && word.chars().filter(char::is_ascii_digit).count() >= 4
}

/// A random-looking set of strings that occur in a data set as identifiers: every UPN, display
/// name, object id, attribute value and detail value (used by tests to prove none survives).
pub fn identifiers(store: &Store) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut add = |sym: Sym| {
        let v = store.str(sym).trim();
        if !v.is_empty() {
            out.insert(v.to_string());
        }
    };
    for e in &store.events {
        for who in [&e.source, &e.target] {
            add(who.id);
            add(who.name);
            add(who.upn);
        }
        add(e.reportable_id);
        add(e.tenant_id);
        for m in store.modified_of(e) {
            add(m.old);
            add(m.new);
        }
        for st in store.steps_of(e) {
            for &(_, v) in store.details_of(st) {
                add(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_keyed_prefixed_and_stable() {
        let a = Pseudonymizer::new(b"key one");
        let b = Pseudonymizer::new(b"key two");
        let t = a.token(Kind::User, "Alice@Contoso.com");
        assert!(
            t.starts_with("user-") && t.ends_with("@pseudo.invalid"),
            "{t}"
        );
        assert_eq!(t, a.token(Kind::User, "alice@contoso.com"));
        assert_ne!(t, b.token(Kind::User, "alice@contoso.com"));
        assert!(a.token(Kind::Name, "Alice Smith").starts_with("name-"));
        assert!(a.token(Kind::Id, "123").starts_with("id-"));
        assert_eq!(a.token(Kind::Value, ""), "");
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") starts f7bc83f430538424.
        let k = Pseudonymizer::new(b"key");
        assert_eq!(
            k.token(Kind::Name, "The quick brown fox jumps over the lazy dog"),
            "name-f7bc83f430538424"
        );
    }

    #[test]
    fn free_text_masks_quoted_parts_emails_and_known_values() {
        let store = Store::default();
        let p = Pseudonymizer::new(b"k");
        let mut r = Rewriter::new(&p, &store);
        r.known.insert("Alice Smith".into(), Kind::Name);
        let out = r.mask_text(
            "User 'bob' was created; mail carol@contoso.com, owner Alice Smith. Can't retry \
             0f8fad5b-d9cb-469f-a165-70867728950e",
        );
        for gone in ["bob", "carol", "Alice", "Smith", "0f8fad5b"] {
            assert!(!out.contains(gone), "{gone} survived in {out}");
        }
        assert!(out.contains("Can't retry"), "{out}");
        assert!(out.starts_with("User 'name-"), "{out}");
    }
}
