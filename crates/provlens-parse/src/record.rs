//! Decodes one JSON provisioning record, in any of the spellings the exports use, into an
//! [`EventDraft`].
//!
//! One decoder serves Graph v1.0 and beta (incl. the legacy `action`/`statusInfo`), the portal
//! JSON, the PowerShell SDK's PascalCase output, the diagnostic-settings envelope with its
//! `properties` (`Id`/`Name` keys, integer enums), and Log Analytics rows whose nested columns
//! are JSON text. Keys match case-insensitively. Strings are borrowed from the input when they
//! have no escapes, so decoding allocates little.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::{EventDraft, IdentityDraft, ModifiedDraft, StepDraft, SystemDraft, Text};
use crate::time::parse_time_ms;

/// What one JSON item turned out to be.
#[derive(Debug)]
pub enum Item<'a> {
    /// A provisioning record.
    Record(Box<EventDraft<'a>>),
    /// A wrapper (Graph page, Event Hub message) holding records, still undecoded.
    Page(Vec<&'a RawValue>),
    /// A JSON object that is not a provisioning record: it has none of the record's keys.
    NotARecord,
}

/// Decodes one JSON value: a record, or a page of records.
///
/// The item is checked as UTF-8 once, as a whole, and then parsed as text, which spares the
/// parser a check of every string on its own (and keeps one copy of the JSON decoder in the
/// wasm). An item that is not UTF-8 is refused with where its first bad byte is.
pub fn decode_item(bytes: &[u8]) -> Result<Item<'_>, ItemError> {
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        // The fast check only says no; std's says where.
        Err(_) => std::str::from_utf8(bytes).map_err(|e| ItemError::NotUtf8 {
            at: e.valid_up_to(),
        })?,
    };
    decode_item_str(text).map_err(ItemError::Json)
}

/// Why one framed JSON item could not be decoded.
#[derive(Debug)]
pub enum ItemError {
    /// Not JSON, or not the JSON of a record; serde_json counts lines and columns in the item.
    Json(serde_json::Error),
    /// Not UTF-8 text: `at` is the item-relative offset of the first byte that is not.
    NotUtf8 { at: usize },
}

/// Decodes one JSON value from text (a page element).
pub fn decode_item_str(text: &str) -> Result<Item<'_>, serde_json::Error> {
    let raw: RawRecord<'_> = serde_json::from_str(text)?;
    Ok(raw.into_item())
}

/// Decodes a JSON `provisionedIdentity` written as text (a Log Analytics cell).
pub fn identity_from_json(text: &str) -> Result<IdentityDraft<'static>, serde_json::Error> {
    let d: IdentityDraft<'_> = serde_json::from_str::<IdentityW<'_>>(text)?.0;
    Ok(own_identity(d))
}

/// Decodes a JSON `provisioningSystem` (or service principal) written as text.
pub fn system_from_json(text: &str) -> Result<SystemDraft<'static>, serde_json::Error> {
    let d = serde_json::from_str::<SystemW<'_>>(text)?.0;
    Ok(own_system(d))
}

/// Decodes a JSON array of provisioning steps written as text.
pub fn steps_from_json(text: &str) -> Result<Vec<StepDraft<'static>>, serde_json::Error> {
    let d = serde_json::from_str::<StepsW<'_>>(text)?.0;
    Ok(d.into_iter().map(own_step).collect())
}

/// Decodes a JSON array of modified properties written as text.
pub fn modified_from_json(text: &str) -> Result<Vec<ModifiedDraft<'static>>, serde_json::Error> {
    let d = serde_json::from_str::<ModifiedW<'_>>(text)?.0;
    Ok(d.into_iter().map(own_modified).collect())
}

/// Status text and error fields from a JSON `provisioningStatusInfo`/`statusInfo` cell.
pub fn status_info_from_json(text: &str) -> Result<StatusInfoDraft<'static>, serde_json::Error> {
    let s = serde_json::from_str::<StatusInfo<'_>>(text)?;
    Ok(StatusInfoDraft {
        status: own(s.status.unwrap_or_default()),
        error: own_error(s.error),
    })
}

/// The initiator's name from a JSON `initiatedBy` cell.
pub fn initiator_from_json(text: &str) -> Result<String, serde_json::Error> {
    Ok(serde_json::from_str::<Initiator<'_>>(text)?.0.into_owned())
}

/// Status and error fields as decoded from a status-info object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusInfoDraft<'a> {
    pub status: Text<'a>,
    pub error: ErrorInfo<'a>,
}

/// Error fields of a failed event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorInfo<'a> {
    pub code: Option<Text<'a>>,
    pub reason: Option<Text<'a>>,
    pub category: Option<Text<'a>>,
    pub recommended: Option<Text<'a>>,
    pub additional: Option<Text<'a>>,
}

fn own(t: Text<'_>) -> Text<'static> {
    Cow::Owned(t.into_owned())
}

fn own_opt(t: Option<Text<'_>>) -> Option<Text<'static>> {
    t.map(own)
}

fn own_error(e: ErrorInfo<'_>) -> ErrorInfo<'static> {
    ErrorInfo {
        code: own_opt(e.code),
        reason: own_opt(e.reason),
        category: own_opt(e.category),
        recommended: own_opt(e.recommended),
        additional: own_opt(e.additional),
    }
}

fn own_system(d: SystemDraft<'_>) -> SystemDraft<'static> {
    SystemDraft {
        id: own(d.id),
        name: own(d.name),
    }
}

fn own_identity(d: IdentityDraft<'_>) -> IdentityDraft<'static> {
    IdentityDraft {
        id: own(d.id),
        name: own(d.name),
        kind: own(d.kind),
        upn: own(d.upn),
    }
}

fn own_step(d: StepDraft<'_>) -> StepDraft<'static> {
    StepDraft {
        name: own(d.name),
        kind: own(d.kind),
        status: own(d.status),
        description: own(d.description),
        details: d
            .details
            .into_iter()
            .map(|(k, v)| (own(k), own(v)))
            .collect(),
    }
}

fn own_modified(d: ModifiedDraft<'_>) -> ModifiedDraft<'static> {
    ModifiedDraft {
        name: own(d.name),
        old: own(d.old),
        new: own(d.new),
    }
}

/// Lowercases a key into `buf` for matching; keys longer than the buffer match nothing.
fn lower<'b>(key: &str, buf: &'b mut [u8; 40]) -> &'b [u8] {
    let bytes = key.as_bytes();
    if bytes.len() > buf.len() {
        return b"";
    }
    for (dst, src) in buf.iter_mut().zip(bytes) {
        *dst = src.to_ascii_lowercase();
    }
    &buf[..bytes.len()]
}

/// A map key, borrowed when possible.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Any scalar as text: strings (borrowed when possible), numbers, booleans; `null` is empty.
/// An object or array becomes its compact JSON text.
#[derive(Default)]
struct Txt<'a>(Text<'a>);

impl<'de> Deserialize<'de> for Txt<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Txt<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or scalar")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Owned(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Txt(Cow::Borrowed(if v { "True" } else { "False" })))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Txt::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Txt::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                Txt::deserialize(d)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Txt(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Txt(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// Declares a wrapper whose value is read from a map, from `null`, or from JSON text holding
/// the map (as Log Analytics writes nested columns).
macro_rules! map_or_json_text {
    ($wrapper:ident, $inner:ty, $expect:literal, |$map:ident| $body:block) => {
        #[derive(Default)]
        struct $wrapper<'a>($inner);

        impl<'de> Deserialize<'de> for $wrapper<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $wrapper<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expect)
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok($wrapper::default())
                    }
                    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok($wrapper::default())
                    }
                    fn visit_some<D: Deserializer<'de>>(
                        self,
                        d: D,
                    ) -> Result<Self::Value, D::Error> {
                        $wrapper::deserialize(d)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                        from_json_text::<$wrapper<'_>, E>(v).map(|w| $wrapper(w))
                    }
                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut $map: A,
                    ) -> Result<Self::Value, A::Error> {
                        $body
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Self::Value, A::Error> {
                        // A collection where one object is expected (the v1.0 doc's
                        // `servicePrincipal`): take the first element.
                        let first: Option<$wrapper<'de>> = seq.next_element()?;
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(first.unwrap_or_default())
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

/// Parses JSON text into an owned value of the wrapped type (for JSON held in a string cell).
fn from_json_text<W, E>(text: &str) -> Result<<W as Owned>::Out, E>
where
    W: Owned,
    E: de::Error,
{
    let t = text.trim();
    if t.is_empty() || t == "null" {
        return Ok(Default::default());
    }
    W::parse_owned(t).map_err(|e| E::custom(format!("invalid JSON inside a text value: {e}")))
}

/// Converts a borrowed decoded value into an owned one.
trait Owned {
    type Out: Default;
    fn parse_owned(text: &str) -> Result<Self::Out, serde_json::Error>;
}

map_or_json_text!(SystemW, SystemDraft<'a>, "a system object", |map| {
    let mut out = SystemDraft::default();
    let mut buf = [0u8; 40];
    while let Some(Key(k)) = map.next_key()? {
        match lower(&k, &mut buf) {
            b"id" => out.id = map.next_value::<Txt<'_>>()?.0,
            b"displayname" | b"name" => out.name = map.next_value::<Txt<'_>>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(SystemW(out))
});

impl Owned for SystemW<'_> {
    type Out = SystemDraft<'static>;
    fn parse_owned(text: &str) -> Result<Self::Out, serde_json::Error> {
        Ok(own_system(serde_json::from_str::<SystemW<'_>>(text)?.0))
    }
}

/// Identity `details`: the UPN and fallbacks for the id and name.
#[derive(Default)]
struct IdentityDetails<'a> {
    upn: Text<'a>,
    id: Text<'a>,
    name: Text<'a>,
}

impl<'de> Deserialize<'de> for IdentityDetails<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdentityDetails<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("identity details")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(IdentityDetails::default())
            }
            fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
                Ok(IdentityDetails::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = IdentityDetails::default();
                let mut buf = [0u8; 40];
                while let Some(Key(k)) = map.next_key()? {
                    match lower(&k, &mut buf) {
                        b"userprincipalname" | b"upn" => out.upn = map.next_value::<Txt<'_>>()?.0,
                        b"id" | b"objectid" => out.id = map.next_value::<Txt<'_>>()?.0,
                        b"displayname" => out.name = map.next_value::<Txt<'_>>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

map_or_json_text!(IdentityW, IdentityDraft<'a>, "an identity object", |map| {
    let mut out = IdentityDraft::default();
    let mut details = IdentityDetails::default();
    let mut buf = [0u8; 40];
    while let Some(Key(k)) = map.next_key()? {
        match lower(&k, &mut buf) {
            b"id" => out.id = map.next_value::<Txt<'_>>()?.0,
            b"displayname" | b"name" => out.name = map.next_value::<Txt<'_>>()?.0,
            b"identitytype" | b"type" => out.kind = map.next_value::<Txt<'_>>()?.0,
            b"userprincipalname" => out.upn = map.next_value::<Txt<'_>>()?.0,
            b"details" => details = map.next_value()?,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    if out.upn.is_empty() {
        out.upn = details.upn;
    }
    if out.id.is_empty() {
        out.id = details.id;
    }
    if out.name.is_empty() {
        out.name = details.name;
    }
    Ok(IdentityW(out))
});

impl Owned for IdentityW<'_> {
    type Out = IdentityDraft<'static>;
    fn parse_owned(text: &str) -> Result<Self::Out, serde_json::Error> {
        Ok(own_identity(serde_json::from_str::<IdentityW<'_>>(text)?.0))
    }
}

map_or_json_text!(Initiator, Text<'a>, "an initiator object", |map| {
    let mut name = Text::default();
    let mut buf = [0u8; 40];
    while let Some(Key(k)) = map.next_key()? {
        match lower(&k, &mut buf) {
            b"displayname" | b"name" => name = map.next_value::<Txt<'_>>()?.0,
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(Initiator(name))
});

impl Owned for Initiator<'_> {
    type Out = Text<'static>;
    fn parse_owned(text: &str) -> Result<Self::Out, serde_json::Error> {
        Ok(own(serde_json::from_str::<Initiator<'_>>(text)?.0))
    }
}

/// Step `details`: an open map of (mostly string) values.
#[derive(Default)]
struct Details<'a>(Vec<(Text<'a>, Text<'a>)>);

impl<'de> Deserialize<'de> for Details<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Details<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("step details")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Details::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v.trim().is_empty() {
                    return Ok(Details::default());
                }
                Ok(Details(vec![(
                    Cow::Borrowed("details"),
                    Cow::Owned(v.to_string()),
                )]))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Key(k)) = map.next_key()? {
                    let v: Txt<'de> = map.next_value()?;
                    out.push((k, v.0));
                }
                Ok(Details(out))
            }
        }
        d.deserialize_any(V)
    }
}

struct StepW<'a>(StepDraft<'a>);

impl<'de> Deserialize<'de> for StepW<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StepW<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a provisioning step object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = StepDraft::default();
                let mut buf = [0u8; 40];
                while let Some(Key(k)) = map.next_key()? {
                    match lower(&k, &mut buf) {
                        b"name" | b"stepname" => out.name = map.next_value::<Txt<'_>>()?.0,
                        b"provisioningsteptype" | b"steptype" | b"type" => {
                            out.kind = map.next_value::<Txt<'_>>()?.0;
                        }
                        b"status" => out.status = map.next_value::<Txt<'_>>()?.0,
                        b"description" => out.description = map.next_value::<Txt<'_>>()?.0,
                        b"details" => out.details = map.next_value::<Details<'_>>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(StepW(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Declares a wrapper for a list read from an array, `null`, or JSON text holding the array.
macro_rules! seq_or_json_text {
    ($wrapper:ident, $item:ident, $out:ty, $own:ident, $expect:literal) => {
        #[derive(Default)]
        struct $wrapper<'a>(Vec<$out>);

        impl<'de> Deserialize<'de> for $wrapper<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $wrapper<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expect)
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                        Ok($wrapper::default())
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                        let t = v.trim();
                        if t.is_empty() || t == "null" {
                            return Ok($wrapper::default());
                        }
                        let inner = serde_json::from_str::<$wrapper<'_>>(t).map_err(|e| {
                            E::custom(format!("invalid JSON inside a text value: {e}"))
                        })?;
                        Ok($wrapper(inner.0.into_iter().map($own).collect()))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Self::Value, A::Error> {
                        let mut out = Vec::new();
                        while let Some($item(x)) = seq.next_element()? {
                            out.push(x);
                        }
                        Ok($wrapper(out))
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

seq_or_json_text!(
    StepsW,
    StepW,
    StepDraft<'a>,
    own_step,
    "a list of provisioning steps"
);

struct ModW<'a>(ModifiedDraft<'a>);

impl<'de> Deserialize<'de> for ModW<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ModW<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a modified property object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = ModifiedDraft::default();
                let mut buf = [0u8; 40];
                while let Some(Key(k)) = map.next_key()? {
                    match lower(&k, &mut buf) {
                        b"displayname" | b"name" | b"propertyname" => {
                            out.name = map.next_value::<Txt<'_>>()?.0;
                        }
                        b"oldvalue" => out.old = map.next_value::<Txt<'_>>()?.0,
                        b"newvalue" => out.new = map.next_value::<Txt<'_>>()?.0,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ModW(out))
            }
        }
        d.deserialize_map(V)
    }
}

seq_or_json_text!(
    ModifiedW,
    ModW,
    ModifiedDraft<'a>,
    own_modified,
    "a list of modified properties"
);

/// `provisioningStatusInfo` or the legacy `statusInfo` (with flattened error fields).
#[derive(Default)]
struct StatusInfo<'a> {
    status: Option<Text<'a>>,
    error: ErrorInfo<'a>,
}

impl<'de> Deserialize<'de> for StatusInfo<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StatusInfo<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status info object")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(StatusInfo::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                let t = v.trim();
                if t.is_empty() || t == "null" {
                    return Ok(StatusInfo::default());
                }
                if !t.starts_with('{') {
                    // A bare status word.
                    return Ok(StatusInfo {
                        status: Some(Cow::Owned(t.to_string())),
                        error: ErrorInfo::default(),
                    });
                }
                let s = serde_json::from_str::<StatusInfo<'_>>(t)
                    .map_err(|e| E::custom(format!("invalid JSON inside a text value: {e}")))?;
                Ok(StatusInfo {
                    status: own_opt(s.status),
                    error: own_error(s.error),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = StatusInfo::default();
                let mut buf = [0u8; 40];
                while let Some(Key(k)) = map.next_key()? {
                    let e = &mut out.error;
                    match lower(&k, &mut buf) {
                        b"status" => out.status = Some(map.next_value::<Txt<'_>>()?.0),
                        b"errorinformation" => {
                            let inner: ErrorInfoW<'_> = map.next_value()?;
                            let inner = inner.0;
                            e.code = e.code.take().or(inner.code);
                            e.reason = e.reason.take().or(inner.reason);
                            e.category = e.category.take().or(inner.category);
                            e.recommended = e.recommended.take().or(inner.recommended);
                            e.additional = e.additional.take().or(inner.additional);
                        }
                        b"errorcode" => e.code = Some(map.next_value::<Txt<'_>>()?.0),
                        b"reason" => e.reason = Some(map.next_value::<Txt<'_>>()?.0),
                        b"errorcategory" => e.category = Some(map.next_value::<Txt<'_>>()?.0),
                        b"recommendedaction" => {
                            e.recommended = Some(map.next_value::<Txt<'_>>()?.0);
                        }
                        b"additionaldetails" => {
                            e.additional = Some(map.next_value::<Txt<'_>>()?.0);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

map_or_json_text!(
    ErrorInfoW,
    ErrorInfo<'a>,
    "an error information object",
    |map| {
        let mut e = ErrorInfo::default();
        let mut buf = [0u8; 40];
        while let Some(Key(k)) = map.next_key()? {
            match lower(&k, &mut buf) {
                b"errorcode" | b"code" => e.code = Some(map.next_value::<Txt<'_>>()?.0),
                b"reason" => e.reason = Some(map.next_value::<Txt<'_>>()?.0),
                b"errorcategory" => e.category = Some(map.next_value::<Txt<'_>>()?.0),
                b"recommendedaction" => e.recommended = Some(map.next_value::<Txt<'_>>()?.0),
                b"additionaldetails" => e.additional = Some(map.next_value::<Txt<'_>>()?.0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(ErrorInfoW(e))
    }
);

impl Owned for ErrorInfoW<'_> {
    type Out = ErrorInfo<'static>;
    fn parse_owned(text: &str) -> Result<Self::Out, serde_json::Error> {
        Ok(own_error(serde_json::from_str::<ErrorInfoW<'_>>(text)?.0))
    }
}

/// Every field a record can carry, from every spelling, before choosing between them.
#[derive(Default)]
struct RawRecord<'a> {
    id: Option<Text<'a>>,
    identity: Option<Text<'a>>,
    activity_time: Option<Text<'a>>,
    time: Option<Text<'a>>,
    tenant_id: Option<Text<'a>>,
    aad_tenant_id: Option<Text<'a>>,
    job_id: Option<Text<'a>>,
    cycle_id: Option<Text<'a>>,
    change_id: Option<Text<'a>>,
    correlation_id: Option<Text<'a>>,
    provisioning_action: Option<Text<'a>>,
    action: Option<Text<'a>>,
    provisioning_status: Option<StatusInfo<'a>>,
    status_info: Option<StatusInfo<'a>>,
    result_type: Option<Text<'a>>,
    result_signature: Option<Text<'a>>,
    result_description: Option<Text<'a>>,
    duration: Option<Text<'a>>,
    source_system: Option<SystemDraft<'a>>,
    target_system: Option<SystemDraft<'a>>,
    service_principal: Option<SystemDraft<'a>>,
    initiated_by: Option<Text<'a>>,
    source: Option<IdentityDraft<'a>>,
    target: Option<IdentityDraft<'a>>,
    steps: Option<Vec<StepDraft<'a>>>,
    modified: Option<Vec<ModifiedDraft<'a>>>,
    properties: Option<Box<RawRecord<'a>>>,
    page: Option<Vec<&'a RawValue>>,
    /// Keys recognised as record fields (to tell a record from some other JSON object).
    known_keys: u32,
}

/// The `value`/`records` array of a wrapper: elements kept raw, decoded one by one later.
struct PageW<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for PageW<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PageW<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of records")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<&'de RawValue>()? {
                    out.push(v);
                }
                Ok(PageW(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PageW(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawRecord<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RecordSeed.deserialize(d)
    }
}

struct RecordSeed;

impl<'de> DeserializeSeed<'de> for RecordSeed {
    type Value = RawRecord<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = RawRecord<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a provisioning record object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut r = RawRecord::default();
        let mut buf = [0u8; 40];
        fn txt<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Text<'de>>, A::Error> {
            Ok(Some(map.next_value::<Txt<'de>>()?.0))
        }
        while let Some(Key(k)) = map.next_key()? {
            let mut known = true;
            match lower(&k, &mut buf) {
                b"id" => r.id = txt(&mut map)?,
                b"identity" => r.identity = txt(&mut map)?,
                b"activitydatetime" => r.activity_time = txt(&mut map)?,
                b"time" | b"timegenerated" | b"timegenerated [utc]" | b"timegenerated[utc]" => {
                    r.time = txt(&mut map)?;
                }
                b"tenantid" => r.tenant_id = txt(&mut map)?,
                b"aadtenantid" => r.aad_tenant_id = txt(&mut map)?,
                b"jobid" => r.job_id = txt(&mut map)?,
                b"cycleid" => r.cycle_id = txt(&mut map)?,
                b"changeid" => r.change_id = txt(&mut map)?,
                b"correlationid" => r.correlation_id = txt(&mut map)?,
                b"provisioningaction" => r.provisioning_action = txt(&mut map)?,
                b"action" => r.action = txt(&mut map)?,
                b"provisioningstatusinfo" => r.provisioning_status = Some(map.next_value()?),
                b"statusinfo" => r.status_info = Some(map.next_value()?),
                b"resulttype" => r.result_type = txt(&mut map)?,
                b"resultsignature" => r.result_signature = txt(&mut map)?,
                b"resultdescription" => r.result_description = txt(&mut map)?,
                b"durationinmilliseconds" | b"durationms" => r.duration = txt(&mut map)?,
                b"sourcesystem" => r.source_system = Some(map.next_value::<SystemW<'_>>()?.0),
                b"targetsystem" => r.target_system = Some(map.next_value::<SystemW<'_>>()?.0),
                b"serviceprincipal" => {
                    r.service_principal = Some(map.next_value::<SystemW<'_>>()?.0);
                }
                b"initiatedby" => r.initiated_by = Some(map.next_value::<Initiator<'_>>()?.0),
                b"sourceidentity" => r.source = Some(map.next_value::<IdentityW<'_>>()?.0),
                b"targetidentity" => r.target = Some(map.next_value::<IdentityW<'_>>()?.0),
                b"provisioningsteps" => r.steps = Some(map.next_value::<StepsW<'_>>()?.0),
                b"modifiedproperties" => r.modified = Some(map.next_value::<ModifiedW<'_>>()?.0),
                b"properties" => {
                    let p = map.next_value_seed(PropertiesSeed)?;
                    r.properties = p.map(Box::new);
                }
                b"value" | b"records" => {
                    r.page = Some(map.next_value::<PageW<'_>>()?.0);
                    known = false;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    known = false;
                }
            }
            if known {
                r.known_keys += 1;
            }
        }
        Ok(r)
    }
}

/// The diagnostic envelope's `properties`: a record object (anything else is ignored).
struct PropertiesSeed;

impl<'de> DeserializeSeed<'de> for PropertiesSeed {
    type Value = Option<RawRecord<'de>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Option<RawRecord<'de>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a properties object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RecordVisitor.visit_map(map).map(Some)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(V)
    }
}

fn non_empty(t: Option<Text<'_>>) -> Option<Text<'_>> {
    t.filter(|s| !s.trim().is_empty())
}

impl<'a> RawRecord<'a> {
    fn into_item(mut self) -> Item<'a> {
        if self.known_keys == 0 {
            if let Some(page) = self.page.take() {
                return Item::Page(page);
            }
        }
        if self.known_keys == 0 && self.properties.is_none() {
            return Item::NotARecord;
        }
        Item::Record(Box::new(self.into_draft()))
    }

    /// Fills every field this record lacks from `outer` (the diagnostic envelope).
    fn fill_from(&mut self, outer: RawRecord<'a>) {
        macro_rules! fill {
            ($($f:ident),*) => {$(
                if self.$f.is_none() { self.$f = outer.$f; }
            )*};
        }
        fill!(
            id,
            identity,
            activity_time,
            time,
            tenant_id,
            aad_tenant_id,
            job_id,
            cycle_id,
            change_id,
            correlation_id,
            provisioning_action,
            action,
            provisioning_status,
            status_info,
            result_type,
            result_signature,
            result_description,
            duration,
            source_system,
            target_system,
            service_principal,
            initiated_by,
            source,
            target,
            steps,
            modified
        );
    }

    fn into_draft(mut self) -> EventDraft<'a> {
        if let Some(props) = self.properties.take() {
            let mut inner = *props;
            inner.fill_from(self);
            self = inner;
        }
        let time_ms = [&self.activity_time, &self.time]
            .into_iter()
            .flatten()
            .find_map(|t| parse_time_ms(t));
        let pstatus = self.provisioning_status.unwrap_or_default();
        let sinfo = self.status_info.unwrap_or_default();
        let status = non_empty(pstatus.status)
            .or(non_empty(sinfo.status))
            .or(non_empty(self.result_type))
            .unwrap_or_default();
        let (pe, se) = (pstatus.error, sinfo.error);
        let pick = |a: Option<Text<'a>>, b: Option<Text<'a>>, c: Option<Text<'a>>| {
            non_empty(a)
                .or(non_empty(b))
                .or(non_empty(c))
                .unwrap_or_default()
        };
        EventDraft {
            time_ms,
            id: non_empty(self.id)
                .or(non_empty(self.identity))
                .unwrap_or_default(),
            change_id: non_empty(self.change_id)
                .or(non_empty(self.correlation_id))
                .unwrap_or_default(),
            cycle_id: self.cycle_id.unwrap_or_default(),
            job_id: self.job_id.unwrap_or_default(),
            tenant_id: non_empty(self.aad_tenant_id)
                .or(non_empty(self.tenant_id))
                .unwrap_or_default(),
            action: non_empty(self.provisioning_action)
                .or(non_empty(self.action))
                .unwrap_or_default(),
            status,
            duration_ms: self
                .duration
                .and_then(|d| crate::number::parse_decimal(d.trim()))
                .filter(|d| d.is_finite() && *d >= 0.0)
                .map(|d| d.min(u32::MAX as f64) as u32),
            error_code: pick(pe.code, se.code, self.result_signature),
            error_reason: pick(pe.reason, se.reason, self.result_description),
            error_category: pick(pe.category, se.category, None),
            recommended_action: pick(pe.recommended, se.recommended, None),
            additional_details: pick(pe.additional, se.additional, None),
            source_system: self.source_system.unwrap_or_default(),
            target_system: self.target_system.unwrap_or_default(),
            service_principal: self.service_principal.unwrap_or_default(),
            initiated_by: self.initiated_by.unwrap_or_default(),
            source: self.source.unwrap_or_default(),
            target: self.target.unwrap_or_default(),
            steps: self.steps.unwrap_or_default(),
            modified: self.modified.unwrap_or_default(),
        }
    }
}
