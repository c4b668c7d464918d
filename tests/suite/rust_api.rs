//! The Rust API (`Client`) as a Rust wasm app uses it: a builder, calls awaited directly or
//! with per-call options, typed models and one error enum, with no JS values.

use std::time::Duration;

use estuary_user::{Client, Error, ErrorKind, Expiry, Perms, MAX_TIMEOUT};
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

use super::errors::sleep;
use super::helpers::*;

/// The old-node row of the test user: listed as only `{"token", "expiry"}`.
const OLD_ROW_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000007ARY";

fn rust_client(token: &str) -> Client {
    Client::builder(token)
        .base_url(format!("{URL}/"))
        .build()
        .expect("valid options")
}

#[wasm_bindgen_test]
async fn the_rust_client_lists_typed_keys_with_defaults_for_old_rows() {
    reset().await;
    let client = rust_client(TOKEN);
    assert_eq!(client.base_url(), URL);
    let keys = client.list_api_keys().await.unwrap();
    assert_eq!(keys.len(), 6);
    let old = keys.iter().find(|k| k.token == OLD_ROW_TOKEN).unwrap();
    assert_eq!(
        (old.token_hash.as_str(), old.label.as_str(), old.is_session),
        ("", "", false)
    );
    assert_eq!(old.expiry, "2030-06-10T12:34:56.123456789+02:00");
    assert!(keys.iter().any(|k| k.is_session && k.label == "on-login"));
    assert!(keys.iter().any(|k| k.token_hash == client.token_hash()));
}

#[wasm_bindgen_test]
async fn the_readme_rotation_example_works() {
    reset().await;
    let client = rust_client(TOKEN);
    let expiry: Expiry = "720h".parse().unwrap();
    client
        .create_api_key()
        .expiry(expiry.clone())
        .label("ci")
        .await
        .unwrap();
    let key = client
        .create_api_key()
        .expiry(expiry)
        .perms(Perms::All)
        .label("ci")
        .await
        .unwrap();
    assert!(key.token.starts_with("EST") && !key.token_hash.is_empty());
    for old in client.list_api_keys().await.unwrap() {
        if old.label == "ci" && old.token_hash != key.token_hash {
            client.revoke_api_key(&old).await.unwrap();
        }
    }
    let keys = client.list_api_keys().await.unwrap();
    let ci: Vec<_> = keys.iter().filter(|k| k.label == "ci").collect();
    assert_eq!(ci.len(), 1);
    assert_eq!(ci[0].token_hash, key.token_hash);
    // The new key works on its own.
    let stats = rust_client(&key.token).get_stats().await.unwrap();
    assert_eq!((stats.total_size, stats.num_pins), (3_670_016, 3));
    // The create was sent with its query parameters, nothing in the body.
    let log = requests().await;
    let post = log.iter().rev().find(|r| r.method == "POST").unwrap();
    assert_eq!(post.query, "expiry=720h&perms=all&label=ci");
}

#[wasm_bindgen_test]
async fn a_legacy_row_is_revoked_by_its_token_and_only_in_the_path() {
    reset().await;
    let client = rust_client(TOKEN);
    let keys = client.list_api_keys().await.unwrap();
    let old = keys.iter().find(|k| k.token == OLD_ROW_TOKEN).unwrap();
    client.revoke_api_key(old).await.unwrap();
    let log = requests().await;
    let delete = log.iter().find(|r| r.method == "DELETE").unwrap();
    assert_eq!(delete.path, format!("/user/api-keys/{OLD_ROW_TOKEN}"));
    let keys = client.list_api_keys().await.unwrap();
    assert!(keys.iter().all(|k| k.token != OLD_ROW_TOKEN));
}

#[wasm_bindgen_test]
async fn the_rust_export_is_loosely_typed_json() {
    reset().await;
    let export = rust_client(TOKEN).export_data().await.unwrap();
    assert_eq!(export.version, "v0.0.1");
    assert!(!export.date.is_empty());
    assert_eq!(
        (export.version1.contents.len(), export.version1.deals.len()),
        (4, 1)
    );
    let content = &export.version1.contents[0];
    assert!(content["name"].is_string());
    // A whole number stays one: serde-wasm-bindgen hands safe integers over as integers.
    assert!(content["size"].is_u64());
    // Go's `null` lists arrive as empty vectors.
    let empty = rust_client(NULL_STATS_TOKEN).export_data().await.unwrap();
    assert!(empty.version1.contents.is_empty() && empty.version1.deals.is_empty());
}

#[wasm_bindgen_test]
async fn a_hostile_export_nested_too_deeply_is_a_decode_error_not_a_trap() {
    reset().await;
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    fault(&format!(
        r#"{{"path": "/user/export", "status": 200, "body": "{{\"Version\":\"v\",\"Date\":\"d\",\"Version1\":{{\"Contents\":[{deep}],\"Deals\":[]}}}}"}}"#
    ))
    .await;
    let error = rust_client(TOKEN).export_data().await.unwrap_err();
    reset().await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("nested too deeply"), "{error}");
    // The module still works.
    rust_client(TOKEN).get_stats().await.unwrap();
}

#[wasm_bindgen_test]
async fn stats_above_2_pow_53_and_null_reach_rust() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 200, "body": "{\"totalSize\":18446744073709549568,\"numPins\":null}"}"#).await;
    let stats = rust_client(TOKEN).get_stats().await.unwrap();
    reset().await;
    assert_eq!(stats.total_size, 18_446_744_073_709_549_568);
    assert_eq!(stats.num_pins, 0);
}

#[wasm_bindgen_test]
async fn a_wrong_typed_field_names_the_field_and_never_echoes_the_value() {
    reset().await;
    let secret = "ESTdeadbeef-0000-4000-8000-00000000dead-ARY";
    fault(&format!(
        r#"{{"path": "/user/api-keys", "method": "GET", "status": 200, "json": [{{"token": 7, "tokenHash": "{secret}", "label": {{"x": "{secret}"}}}}]}}"#
    ))
    .await;
    let error = rust_client(TOKEN).list_api_keys().await.unwrap_err();
    reset().await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("token is not a string"), "{shown}");
    assert!(!shown.contains(secret) && !shown.contains('7'), "{shown}");
}

#[wasm_bindgen_test]
async fn rust_errors_carry_kind_status_and_reason_but_never_the_token() {
    reset().await;
    let token = "ESTffffffff-0000-4000-8000-000000000000ARY";
    let client = rust_client(token);
    let error = client.get_stats().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.reason(), Some("ERR_INVALID_TOKEN"));
    assert!(matches!(error, Error::Status { status: 401, .. }));
    let builder = Client::builder(token).base_url(URL);
    for shown in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{client:?}"),
        format!("{builder:?}"),
        format!("{:?}", client.revoke_api_key(token)),
        format!("{:?}", estuary_user::KeyRef::from(token)),
    ] {
        assert!(!shown.contains(token), "{shown}");
    }
    // Bad input is refused before anything is sent.
    let before = requests().await.len();
    let refused = [
        client.revoke_api_key("..").await.unwrap_err(),
        client
            .get_stats()
            .timeout(MAX_TIMEOUT + Duration::from_millis(1))
            .await
            .unwrap_err(),
        client
            .get_stats()
            .timeout(Duration::ZERO)
            .await
            .unwrap_err(),
        client.list_api_keys().max_retries(11).await.unwrap_err(),
        Client::builder(token)
            .timeout(Duration::from_secs(30 * 86_400))
            .build()
            .unwrap_err(),
        Client::builder(token)
            .base_url("http://exa mple")
            .build()
            .unwrap_err(),
        Client::builder("").build().unwrap_err(),
        "30d".parse::<Expiry>().unwrap_err(),
    ];
    for error in refused {
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    }
    assert_eq!(requests().await.len(), before);
}

#[wasm_bindgen_test]
async fn per_call_options_override_the_clients() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let client = rust_client(TOKEN);
    let error = client
        .get_stats()
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.to_string().contains("200 ms"), "{error}");
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let controller = AbortController::new().unwrap();
    let later = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(50).await;
        later.abort();
    });
    let error = client
        .get_stats()
        .signal(&controller.signal())
        .no_timeout()
        .await
        .unwrap_err();
    reset().await;
    assert_eq!(error.kind(), ErrorKind::Aborted);
    fault(r#"{"path": "/user/stats", "status": 503, "count": 1}"#).await;
    let error = client.get_stats().max_retries(0).await.unwrap_err();
    reset().await;
    assert_eq!(error.status(), Some(503));
}

#[wasm_bindgen_test]
async fn dropping_a_call_aborts_its_request() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let client = rust_client(TOKEN);
    {
        let call = core::future::IntoFuture::into_future(client.get_stats());
        let timer = sleep(100);
        // The first to finish wins; the stalled call loses and is dropped here.
        futures_select(call, timer).await;
    }
    sleep(100).await;
    let stalled = get(&stalled_requests().await, "open").as_f64();
    reset().await;
    assert_eq!(
        stalled,
        Some(0.0),
        "the dropped call's connection was closed"
    );
}

#[wasm_bindgen_test]
async fn dropping_a_call_during_a_backoff_wait_clears_its_timers() {
    // Long timers are tracked (the call's 30 s timeout and a 60 s `Retry-After` wait): once
    // the call is dropped mid-wait, none may be left pending (in Node one keeps the process
    // alive, anywhere it keeps the call's closures).
    reset().await;
    fault(
        r#"{"path": "/user/stats", "status": 503, "count": 1,
            "headers": {"Retry-After": "60", "Access-Control-Expose-Headers": "Retry-After"}}"#,
    )
    .await;
    let track = js_sys::Function::new_no_args(
        "const st = globalThis.setTimeout, ct = globalThis.clearTimeout, live = new Set(); \
         globalThis.setTimeout = (f, ms, ...a) => { const h = st(() => { live.delete(h); f(...a); }, ms); \
           if (ms >= 5000) live.add(h); return h; }; \
         globalThis.clearTimeout = (h) => { live.delete(h); ct(h); }; \
         return () => { globalThis.setTimeout = st; globalThis.clearTimeout = ct; return live.size; };",
    );
    let untrack: js_sys::Function = track.call0(&wasm_bindgen::JsValue::NULL).unwrap().into();
    let client = rust_client(TOKEN);
    {
        let call = core::future::IntoFuture::into_future(client.get_stats().max_retries(1));
        futures_select(call, sleep(500)).await;
    }
    let tries = requests().await.len();
    let pending = untrack
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap()
        .as_f64();
    reset().await;
    assert_eq!(
        tries, 1,
        "the call was waiting before its retry when dropped"
    );
    assert_eq!(pending, Some(0.0), "no timer of the dropped call is left");
}

/// A minimal `select!` of a call against a timer, as a Rust app would write it with futures.
async fn futures_select(
    call: estuary_user::CallFuture<'_, estuary_user::UserStats>,
    timer: impl core::future::Future<Output = ()>,
) {
    let mut call = call;
    let mut timer = core::pin::pin!(timer);
    core::future::poll_fn(|cx| {
        if call.as_mut().poll(cx).is_ready() || timer.as_mut().poll(cx).is_ready() {
            core::task::Poll::Ready(())
        } else {
            core::task::Poll::Pending
        }
    })
    .await
}
