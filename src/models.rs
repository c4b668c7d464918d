//! What the five endpoints take and return, as the node really sends it (docs/estuary-node.md).

use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{quoted, Error};
use crate::expiry::Expiry;
use crate::text::cat;

/// How deep export items may nest before they are refused: a hostile body could otherwise
/// exhaust the wasm stack while decoding, which traps the whole module.
pub(crate) const MAX_DEPTH: u32 = 64;
/// The message of that refusal.
pub(crate) const TOO_DEEP: &str = "the export is nested too deeply";

/// One row of `GET /user/api-keys`, or the answer of `POST /user/api-keys`.
///
/// Old nodes omit `label`, `tokenHash` and `isSession`: they decode as empty / `false`.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// The plaintext token: only in the answer to a create, and in legacy rows; else `""`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub token: String,
    /// SHA-256 of the token, base64url without padding; `""` in legacy rows.
    #[serde(default, deserialize_with = "null_as_default")]
    pub token_hash: String,
    /// Free text given at creation (`on-login` / `on-register` for session tokens).
    #[serde(default, deserialize_with = "null_as_default")]
    pub label: String,
    /// RFC 3339 time, as the node sends it (Go `time.Time`, up to 9 fractional digits).
    #[serde(default, deserialize_with = "null_as_default")]
    pub expiry: String,
    /// `true` for tokens made by `/login` or `/register`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_session: bool,
}

impl fmt::Debug for ApiKey {
    /// The plaintext token is a secret: `Debug` only says whether there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field(
                "token",
                &if self.token.is_empty() {
                    ""
                } else {
                    "<redacted>"
                },
            )
            .field("token_hash", &self.token_hash)
            .field("label", &self.label)
            .field("expiry", &self.expiry)
            .field("is_session", &self.is_session)
            .finish()
    }
}

impl ApiKey {
    /// What `DELETE /user/api-keys/{key_or_hash}` should carry for this key: its hash, or
    /// its token when the hash is empty (legacy rows), as the official web UI does.
    pub(crate) fn revoke_segment(&self) -> &str {
        if self.token_hash.is_empty() {
            &self.token
        } else {
            &self.token_hash
        }
    }
}

/// The permissions of a new key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Perms {
    /// A full user key (the node's default).
    #[default]
    All,
    /// Upload only: such a key gets 403 on every `/user/*` endpoint, so it cannot manage keys.
    Upload,
}

impl core::str::FromStr for Perms {
    type Err = Error;

    fn from_str(input: &str) -> Result<Perms, Error> {
        Perms::parse(input)
    }
}

impl Perms {
    /// Parses `"all"` or `"upload"`; the node answers anything else with a 500.
    pub fn parse(input: &str) -> Result<Perms, Error> {
        match input {
            "all" => Ok(Perms::All),
            "upload" => Ok(Perms::Upload),
            _ => Err(Error::invalid(cat!(
                "perms must be \"all\" or \"upload\", not ",
                quoted(input)
            ))),
        }
    }

    /// The wire value of the `perms` query parameter.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Perms::All => "all",
            Perms::Upload => "upload",
        }
    }
}

/// Parameters of `POST /user/api-keys`. Everything is optional.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct CreateApiKeyParams {
    /// Lifetime of the key; the node's default is 30 days.
    pub(crate) expiry: Expiry,
    /// Permissions; `None` lets the node decide (a full key).
    pub(crate) perms: Option<Perms>,
    /// Free text shown in key lists; not unique.
    pub(crate) label: Option<String>,
}

impl CreateApiKeyParams {
    /// The query parameters, in a stable order (values are encoded later).
    pub(crate) fn query_pairs(&self) -> Vec<(&str, &str)> {
        let mut pairs = Vec::with_capacity(3);
        if let Some(expiry) = self.expiry.query_value() {
            pairs.push(("expiry", expiry));
        }
        if let Some(perms) = self.perms {
            pairs.push(("perms", perms.as_str()));
        }
        if let Some(label) = &self.label {
            pairs.push(("label", label.as_str()));
        }
        pairs
    }
}

/// `GET /user/stats`. `null` counts as 0.
///
/// The node sends int64s; JSON numbers above 2^53 (9 PB) reach this client rounded to the
/// nearest double by the JavaScript JSON parser, so they are exact only up to 2^53.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStats {
    /// Bytes stored by the user.
    #[serde(default, deserialize_with = "count")]
    pub total_size: u64,
    /// Number of pinned contents.
    #[serde(default, deserialize_with = "count")]
    pub num_pins: u64,
}

/// `GET /user/export`: capitalised wrapper keys, loosely typed items.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct UserExport {
    /// Format version, `v0.0.1`.
    #[serde(rename = "Version")]
    pub version: String,
    /// When the export was made (RFC 3339).
    #[serde(rename = "Date")]
    pub date: String,
    /// The data.
    #[serde(rename = "Version1")]
    pub version1: ExportV1,
}

/// The data of an export. A Go node may send `null` for an empty list: it decodes as empty.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ExportV1 {
    /// The user's contents (camelCase objects: `id`, `cid`, `name`, `size`, …).
    #[serde(rename = "Contents", default, deserialize_with = "items")]
    pub contents: Vec<Value>,
    /// The user's deals (mixed-case objects: `ID`, `CreatedAt`, `user_id`, …).
    #[serde(rename = "Deals", default, deserialize_with = "items")]
    pub deals: Vec<Value>,
}

/// Export items as [`serde_json::Value`]s, `null` as an empty list, refused beyond
/// [`MAX_DEPTH`] levels (serde_json's own limit guards its parser only, not this decoder).
fn items<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Value>, D::Error> {
    Ok(Option::<Items>::deserialize(deserializer)?
        .map(|items| items.0)
        .unwrap_or_default())
}

/// A list of export items, each decoded by [`Depth`] from level 0 (the list itself is not a
/// level of an item).
struct Items(Vec<Value>);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(Items(Vec::new()))
    }
}

impl<'de> Visitor<'de> for Items {
    type Value = Items;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Items, A::Error> {
        while let Some(item) = seq.next_element_seed(Depth(0))? {
            self.0.push(item);
        }
        Ok(self)
    }
}

/// Decodes a [`Value`] `.0` levels down; refuses to go deeper than [`MAX_DEPTH`].
struct Depth(u32);

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.0 > MAX_DEPTH {
            return Err(de::Error::custom(TOO_DEEP));
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    /// JSON has no NaN or infinity: they cannot come from a parsed body, and would be `null`.
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Depth(self.0 + 1))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.insert(key, map.next_value_seed(Depth(self.0 + 1))?);
        }
        Ok(Value::Object(entries))
    }
}

/// Old nodes and Go's nil slices send `null` where a value is expected: take the default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A non-negative whole number; `null` is 0. Decoded from a double, as JavaScript parsed it.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?.unwrap_or(0.0);
    whole_count(value)
        .ok_or_else(|| de::Error::custom("expected a non-negative whole number below 2^64"))
}

/// `value` as a count, if it is a whole number from 0 to below 2^64.
pub(crate) fn whole_count(value: f64) -> Option<u64> {
    // 2^64 is exactly representable; anything at or above it does not fit.
    let fits = value.is_finite()
        && value >= 0.0
        && value.fract() == 0.0
        && value < 18_446_744_073_709_551_616.0;
    fits.then_some(value as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_rows_from_old_nodes_decode_with_defaults() {
        let keys: Vec<ApiKey> = serde_json::from_str(
            r#"[{"token":"EST-legacy-ARY","expiry":"2030-01-01T00:00:00Z"},
                {"token":"","tokenHash":"abc","label":null,"expiry":"2030-01-01T00:00:00.123456789+02:00","isSession":true}]"#,
        )
        .unwrap();
        assert_eq!(keys[0].token_hash, "");
        assert_eq!(keys[0].label, "");
        assert!(!keys[0].is_session);
        assert_eq!(keys[0].revoke_segment(), "EST-legacy-ARY");
        assert_eq!(keys[1].revoke_segment(), "abc");
        assert!(keys[1].is_session);
    }

    #[test]
    fn api_key_debug_hides_the_token() {
        let key = ApiKey {
            token: "ESTsecretARY".into(),
            token_hash: "h".into(),
            label: "l".into(),
            expiry: "e".into(),
            is_session: false,
        };
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn stats_accept_null_and_reject_nonsense() {
        let s: UserStats = serde_json::from_str(r#"{"totalSize":null,"numPins":null}"#).unwrap();
        assert_eq!(s, UserStats::default());
        let s: UserStats = serde_json::from_str(r#"{"totalSize":1234,"numPins":5}"#).unwrap();
        assert_eq!((s.total_size, s.num_pins), (1234, 5));
        let s: UserStats = serde_json::from_str(r#"{"totalSize":1e19,"numPins":0}"#).unwrap();
        assert_eq!(s.total_size, 10_000_000_000_000_000_000);
        for bad in [
            r#"{"totalSize":-1,"numPins":0}"#,
            r#"{"totalSize":1.5,"numPins":0}"#,
            r#"{"totalSize":1e30,"numPins":0}"#,
            r#"{"totalSize":"12","numPins":0}"#,
        ] {
            assert!(serde_json::from_str::<UserStats>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn export_keeps_loose_items_and_accepts_null_lists() {
        let e: UserExport = serde_json::from_str(
            r#"{"Version":"v0.0.1","Date":"2026-11-22T10:00:00Z",
                "Version1":{"Contents":[{"id":1,"cid":{"/":"bafy"},"name":"a.txt","active":true}],"Deals":null}}"#,
        )
        .unwrap();
        assert_eq!(e.version, "v0.0.1");
        assert!(e.version1.deals.is_empty());
        let item = &e.version1.contents[0];
        assert_eq!(item["name"], "a.txt");
        assert_eq!(item["cid"]["/"], "bafy");
        assert_eq!(item["id"].as_u64(), Some(1));
        assert_eq!(item["active"], true);
    }

    #[test]
    fn export_items_nested_too_deeply_are_refused() {
        let nested = |depth: usize| {
            format!(
                r#"{{"Version":"v","Date":"d","Version1":{{"Contents":[{}{}],"Deals":[]}}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        // An item's own levels count from 0, the list holding it is not one of them: 65
        // arrays (levels 0 to 64) pass, one more is refused.
        assert!(serde_json::from_str::<UserExport>(&nested(65)).is_ok());
        let err = serde_json::from_str::<UserExport>(&nested(66)).unwrap_err();
        assert!(err.to_string().contains(TOO_DEEP), "{err}");
    }

    #[test]
    fn create_params_become_query_pairs() {
        let params = CreateApiKeyParams {
            expiry: Expiry::parse("never").unwrap(),
            perms: Some(Perms::Upload),
            label: Some("ci".into()),
        };
        assert_eq!(
            params.query_pairs(),
            [("expiry", "false"), ("perms", "upload"), ("label", "ci")]
        );
        assert!(CreateApiKeyParams::default().query_pairs().is_empty());
        assert!(Perms::parse("all,upload").is_err());
        assert!(Perms::parse("").is_err());
    }
}
