//! Talking to the test server's control API, and reading JS values.

use std::collections::HashMap;

use estuary_user::js::EstuaryUser;
use gloo_net::http::Request;
use js_sys::{Object, Promise, Reflect};
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const URL: &str = match option_env!("ESTUARY_TEST_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:3999",
};
/// Full key of the test user.
pub const TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000001ARY";
/// Upload-only key of the test user.
pub const UPLOAD_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000002ARY";
/// Expired key of the test user.
pub const EXPIRED_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000003ARY";
/// Full key of another user.
pub const OTHER_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000004ARY";
/// A user whose stats are `null`.
pub const NULL_STATS_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000005ARY";

/// One request as the server logged it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct Logged {
    pub method: String,
    pub url: String,
    pub path: String,
    pub query: String,
    /// Lower-cased header names; never `authorization` (the node keeps only the token's hash).
    pub headers: HashMap<String, String>,
    pub body_length: f64,
    /// The hash of the Bearer token used, or null.
    pub token_hash: Option<String>,
    /// The status sent, or null (dropped, stalled, in flight).
    pub status: Option<f64>,
}

async fn control(method: &str, path: &str, body: Option<&str>) -> JsValue {
    let url = format!("{URL}/__test/{path}");
    let builder = match method {
        "POST" => Request::post(&url),
        "DELETE" => Request::delete(&url),
        _ => Request::get(&url),
    };
    // The control API takes JSON POSTs only (a page may send text/plain without a preflight).
    let request = match (method, body) {
        ("POST", body) => builder
            .header("Content-Type", "application/json")
            .body(body.unwrap_or("{}"))
            .unwrap(),
        _ => builder.build().unwrap(),
    };
    let response = request.send().await.expect("the test server is running");
    assert!(response.ok(), "control {path}: {}", response.status());
    let text = response.text().await.unwrap();
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}

/// Restores the seeded state and clears the log, faults and config.
pub async fn reset() {
    control("POST", "reset", None).await;
}

/// Every request the server received since the last reset (CORS preflights excluded).
pub async fn requests() -> Vec<Logged> {
    let all: Vec<Logged> = serde_wasm_bindgen::from_value(control("GET", "requests", None).await)
        .expect("request log");
    all.into_iter().filter(|r| r.method != "OPTIONS").collect()
}

/// `{ open }`: the requests a `stall` fault holds that are still open.
pub async fn stalled_requests() -> JsValue {
    control("GET", "stalled", None).await
}

/// Queues a fault (see estuary-user-node/README.md).
pub async fn fault(json: &str) {
    control("POST", "faults", Some(json)).await;
}

/// Changes the server's config (e.g. its rate limit).
pub async fn config(json: &str) {
    control("POST", "config", Some(json)).await;
}

/// A fresh user with its own full key (`spec` as in estuary-user-node/README.md).
pub async fn new_user(spec: &str) -> String {
    let answer = control("POST", "users", Some(spec)).await;
    get(&answer, "token").as_string().unwrap()
}

pub fn options(token: &str, base_url: &str) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"token".into(), &token.into()).unwrap();
    Reflect::set(&o, &"baseUrl".into(), &base_url.into()).unwrap();
    o.into()
}

pub fn client(token: &str) -> EstuaryUser {
    EstuaryUser::new(options(token, URL)).expect("valid options")
}

pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

/// The promise as a future, its handlers attached now, not when it is first awaited: a test
/// that starts several calls and awaits them one by one must not leave a later one's
/// rejection unhandled meanwhile (Node ends the process on an unhandled rejection).
pub fn settle(promise: Promise) -> JsFuture {
    JsFuture::from(promise)
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

pub fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

/// Asserts that `error` is an EstuaryError of `kind` and returns it.
pub fn expect_kind(error: JsValue, kind: &str) -> JsValue {
    assert!(error.is_instance_of::<js_sys::Error>(), "a real Error");
    assert_eq!(text(&error, "name"), "EstuaryError");
    assert_eq!(
        text(&error, "kind"),
        kind,
        "message: {}",
        text(&error, "message")
    );
    assert!(estuary_user::js::is_estuary_error(&error));
    error
}
