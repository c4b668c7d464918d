//! Retries of idempotent calls, never of POST; timeouts and aborts during backoff;
//! many calls in flight on one instance.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use super::aborts::{fetch_calls, with_fetch, COUNTING_FETCH};
use super::helpers::*;

#[wasm_bindgen_test]
async fn a_get_is_retried_after_a_503_and_then_succeeds() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 503, "count": 1}"#).await;
    let stats = settle(client(TOKEN).get_stats(JsValue::UNDEFINED)).await;
    assert!(stats.is_ok(), "the retry succeeded");
    assert_eq!(requests().await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_429_is_retried_up_to_max_retries() {
    reset().await;
    fault(r#"{"path": "/user/api-keys", "method": "GET", "status": 429, "count": 2}"#).await;
    settle(client(TOKEN).list_api_keys(JsValue::UNDEFINED))
        .await
        .expect("third try succeeds with the default maxRetries of 2");
    assert_eq!(requests().await.len(), 3);
}

#[wasm_bindgen_test]
async fn a_delete_is_retried_after_a_503() {
    // No engine resends an answered request: the two requests are the library's two tries.
    reset().await;
    fault(r#"{"path": "/user/api-keys/abc", "method": "DELETE", "status": 503, "count": 1}"#).await;
    settle(client(TOKEN).revoke_api_key("abc".into(), JsValue::UNDEFINED))
        .await
        .expect("revoked on the second try");
    assert_eq!(requests().await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_delete_is_retried_after_a_dropped_connection() {
    // Engines resend a request whose connection closed without an answer on their own
    // (errors.rs, `a_dropped_connection_is_a_network_error`), a varying number of times, so
    // the node's request count cannot tell the library's retry apart. What the library does is
    // call `fetch` again: counted here, with every request dropped.
    reset().await;
    fault(r#"{"path": "/user/api-keys/abc", "method": "DELETE", "drop": true, "count": 1000}"#)
        .await;
    let result = with_fetch(COUNTING_FETCH, || {
        settle(client(TOKEN).revoke_api_key("abc".into(), obj(&[("maxRetries", 1.into())])))
    })
    .await;
    reset().await;
    expect_kind(result.unwrap_err(), "network");
    assert_eq!(fetch_calls(), 2, "the first try and one retry");
}

#[wasm_bindgen_test]
async fn a_post_is_sent_exactly_once_even_on_a_503() {
    reset().await;
    fault(r#"{"path": "/user/api-keys", "method": "POST", "status": 503, "count": 3}"#).await;
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    expect_kind(error, "server");
    assert_eq!(requests().await.len(), 1);
}

#[wasm_bindgen_test]
async fn max_retries_zero_is_honoured() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 503, "count": 1}"#).await;
    let error = settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
        .await
        .unwrap_err();
    expect_kind(error, "server");
    assert_eq!(requests().await.len(), 1);
    let too_many = settle(client(TOKEN).get_stats(obj(&[("maxRetries", 11.into())])))
        .await
        .unwrap_err();
    expect_kind(too_many, "invalid_input");
}

#[wasm_bindgen_test]
async fn a_timeout_during_backoff_ends_the_call() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 503, "count": 20}"#).await;
    let options = obj(&[("maxRetries", 10.into()), ("timeoutMs", 700.into())]);
    let error = settle(client(TOKEN).get_stats(options)).await.unwrap_err();
    reset().await;
    expect_kind(error, "timeout");
}

#[wasm_bindgen_test]
async fn an_abort_during_backoff_ends_the_call() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 503, "count": 20}"#).await;
    let controller = web_sys::AbortController::new().unwrap();
    let options = obj(&[
        ("maxRetries", 10.into()),
        ("signal", controller.signal().into()),
    ]);
    let call = settle(client(TOKEN).get_stats(options));
    let later = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        super::errors::sleep(400).await;
        later.abort();
    });
    let error = call.await.unwrap_err();
    reset().await;
    expect_kind(error, "aborted");
}

#[wasm_bindgen_test]
async fn a_thousand_concurrent_calls_on_one_instance_all_settle() {
    reset().await;
    config(r#"{"rateLimit": 0}"#).await;
    let user = client(TOKEN);
    let calls = Array::new();
    for _ in 0..1000 {
        calls.push(&user.get_stats(JsValue::UNDEFINED));
    }
    let results = settle(Promise::all(&calls)).await;
    reset().await;
    let results = results.expect("every call resolved");
    assert_eq!(Array::from(&results).length(), 1000);
}

#[wasm_bindgen_test]
async fn freeing_the_instance_during_a_call_does_not_break_it() {
    reset().await;
    let user = client(TOKEN);
    let call = settle(user.get_stats(JsValue::UNDEFINED));
    drop(user); // what `free()` does from JS
    assert!(call.await.is_ok());
}

#[wasm_bindgen_test]
async fn a_readable_retry_after_is_waited_for() {
    reset().await;
    // The node sends no Retry-After; a proxy may, and a page can read it only when the
    // response exposes it.
    fault(
        r#"{"path": "/user/stats", "status": 503, "count": 1,
            "headers": {"Retry-After": "1", "Access-Control-Expose-Headers": "Retry-After"}}"#,
    )
    .await;
    let started = js_sys::Date::now();
    settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .expect("the retry succeeded");
    let waited = js_sys::Date::now() - started;
    assert!(waited >= 950.0, "waited only {waited} ms");
    assert_eq!(requests().await.len(), 2);
}
