//! Every error kind, each triggered for real against the local server.

use estuary_user::js::EstuaryUser;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

use super::aborts::{fetch_calls, with_fetch, COUNTING_FETCH};
use super::helpers::*;

async fn stats_error(user: &EstuaryUser, call_options: JsValue) -> JsValue {
    settle(user.get_stats(call_options)).await.unwrap_err()
}

fn assert_no_token(error: &JsValue, token: &str) {
    for field in ["message", "reason", "details", "stack"] {
        assert!(
            !text(error, field).contains(token),
            "{field} leaks the token"
        );
    }
}

#[wasm_bindgen_test]
async fn unknown_token_is_unauthorized_with_the_nodes_reason() {
    reset().await;
    let token = "ESTffffffff-0000-4000-8000-000000000000ARY";
    let error = expect_kind(
        stats_error(&client(token), JsValue::UNDEFINED).await,
        "unauthorized",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert_eq!(text(&error, "reason"), "ERR_INVALID_TOKEN");
    assert_eq!(text(&error, "details"), "api key does not exist");
    assert_no_token(&error, token);
}

#[wasm_bindgen_test]
async fn expired_token_is_unauthorized_token_expired() {
    reset().await;
    let error = stats_error(&client(EXPIRED_TOKEN), JsValue::UNDEFINED).await;
    let error = expect_kind(error, "unauthorized");
    assert_eq!(text(&error, "reason"), "ERR_TOKEN_EXPIRED");
    assert_no_token(&error, EXPIRED_TOKEN);
}

#[wasm_bindgen_test]
async fn upload_only_key_is_forbidden() {
    reset().await;
    let error = stats_error(&client(UPLOAD_TOKEN), JsValue::UNDEFINED).await;
    let error = expect_kind(error, "forbidden");
    assert_eq!(get(&error, "status").as_f64(), Some(403.0));
    assert_eq!(text(&error, "reason"), "ERR_NOT_AUTHORIZED");
    assert_eq!(text(&error, "details"), "api key is upload only");
}

#[wasm_bindgen_test]
async fn a_wrong_path_prefix_is_not_found() {
    reset().await;
    let user = EstuaryUser::new(options(TOKEN, &format!("{URL}/not-estuary"))).unwrap();
    let error = expect_kind(stats_error(&user, JsValue::UNDEFINED).await, "not_found");
    assert_eq!(get(&error, "status").as_f64(), Some(404.0));
    assert_eq!(text(&error, "reason"), "Not Found");
}

#[wasm_bindgen_test]
async fn bursts_beyond_the_rate_limit_are_rate_limited() {
    reset().await;
    config(r#"{"rateLimit": 2}"#).await;
    let user = client(TOKEN);
    let calls: Vec<_> = (0..6)
        .map(|_| settle(user.get_stats(obj(&[("maxRetries", 0.into())]))))
        .collect();
    let mut limited = None;
    for call in calls {
        if let Err(error) = call.await {
            limited = Some(error);
        }
    }
    reset().await;
    let error = expect_kind(limited.expect("one call was limited"), "rate_limited");
    assert_eq!(get(&error, "status").as_f64(), Some(429.0));
    assert_eq!(text(&error, "details"), "rate limit exceeded");
}

#[wasm_bindgen_test]
async fn an_html_502_from_a_proxy_is_a_server_error_with_an_excerpt() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "html502", "count": 5}"#).await;
    let error = stats_error(&client(TOKEN), obj(&[("maxRetries", 0.into())])).await;
    reset().await;
    let error = expect_kind(error, "server");
    assert_eq!(get(&error, "status").as_f64(), Some(502.0));
    assert!(get(&error, "reason").is_undefined());
    let details = text(&error, "details");
    assert!(
        details.contains("502 Bad Gateway") && !details.contains('<'),
        "{details}"
    );
}

#[wasm_bindgen_test]
async fn a_bad_expiry_that_reached_a_node_would_be_a_server_error() {
    // The client refuses "30d" itself; a node answers it with a 500 (docs/estuary-node.md
    // "POST /user/api-keys"), which the client maps to `server` with the node's details.
    reset().await;
    fault(
        r#"{"path": "/user/api-keys", "method": "POST", "status": 500,
            "json": {"error": {"code": 500, "reason": "Internal Server Error",
                     "details": "time: unknown unit \"d\" in duration \"30d\""}}}"#,
    )
    .await;
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    let error = expect_kind(error, "server");
    assert_eq!(text(&error, "reason"), "Internal Server Error");
    assert!(text(&error, "details").contains("unknown unit"));
}

#[wasm_bindgen_test]
async fn other_statuses_are_http_errors_and_legacy_envelopes_are_read() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "legacy", "status": 409}"#).await;
    let error = expect_kind(
        stats_error(&client(TOKEN), JsValue::UNDEFINED).await,
        "http",
    );
    assert_eq!(get(&error, "status").as_f64(), Some(409.0));
    assert!(
        text(&error, "reason").starts_with("ERR_"),
        "{}",
        text(&error, "reason")
    );
    assert!(!text(&error, "details").is_empty());
}

#[wasm_bindgen_test]
async fn an_unreachable_node_is_a_network_error_that_names_the_causes() {
    let user = EstuaryUser::new(options(TOKEN, "http://127.0.0.1:9")).unwrap();
    let error = stats_error(&user, obj(&[("maxRetries", 0.into())])).await;
    let error = expect_kind(error, "network");
    let message = text(&error, "message");
    assert!(message.contains("CORS") && message.contains("offline") && message.contains("baseUrl"));
    assert!(get(&error, "status").is_undefined());
    assert_no_token(&error, TOKEN);
}

/// How many `GET /user/stats` the server has logged since the last reset.
async fn stats_requests() -> usize {
    requests()
        .await
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/user/stats")
        .count()
}

#[wasm_bindgen_test]
async fn a_dropped_connection_is_a_network_error() {
    // Engines resend a GET themselves when its connection closes without an answer: Chromium
    // once when the connection was a reused keep-alive one, Firefox up to 10 times on any
    // connection (seen here). A fault with a small count is used up by those resends and the
    // call then succeeds (Firefox did with `count: 5`), so this one drops every request. How
    // many requests one `fetch` becomes varies with the connection, so the node's count
    // cannot show the library's part; what the library does is call `fetch`, counted here:
    // with `maxRetries: 0` exactly once, and the call is a network error, as a plain fetch is.
    reset().await;
    fault(r#"{"path": "/user/stats", "drop": true, "count": 1000}"#).await;
    let global = js_sys::global();
    let fetch: js_sys::Function = js_sys::Reflect::get(&global, &"fetch".into())
        .unwrap()
        .into();
    let init = obj(&[(
        "headers",
        obj(&[("Authorization", format!("Bearer {TOKEN}").into())]),
    )]);
    let plain: js_sys::Promise = fetch
        .call2(&global, &format!("{URL}/user/stats").into(), &init)
        .unwrap()
        .into();
    assert!(settle(plain).await.is_err(), "a plain fetch fails too");
    let result = with_fetch(COUNTING_FETCH, || {
        settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
    })
    .await;
    let dropped = stats_requests().await;
    reset().await;
    expect_kind(result.unwrap_err(), "network");
    assert_eq!(fetch_calls(), 1, "one fetch, no retry of the library's");
    assert!(dropped >= 2, "the node saw (and dropped) both fetches");
}

#[wasm_bindgen_test]
async fn a_stalled_node_times_out() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let error = stats_error(&client(TOKEN), obj(&[("timeoutMs", 300.into())])).await;
    reset().await;
    let error = expect_kind(error, "timeout");
    assert!(text(&error, "message").contains("300 ms"));
}

#[wasm_bindgen_test]
async fn the_callers_signal_aborts_a_call_in_flight() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let controller = AbortController::new().unwrap();
    let call = settle(client(TOKEN).get_stats(obj(&[("signal", controller.signal().into())])));
    let later = controller.clone();
    wasm_bindgen_futures::spawn_local(async move {
        sleep(50).await;
        later.abort();
    });
    let error = call.await.unwrap_err();
    reset().await;
    expect_kind(error, "aborted");
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_sends_nothing() {
    reset().await;
    let controller = AbortController::new().unwrap();
    controller.abort();
    let signal = obj(&[("signal", controller.signal().into())]);
    let error = settle(client(TOKEN).list_api_keys(signal.clone()))
        .await
        .unwrap_err();
    expect_kind(error, "aborted");
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, signal))
        .await
        .unwrap_err();
    let error = expect_kind(error, "aborted");
    assert!(!text(&error, "message").contains("may have created"));
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn a_truncated_json_body_is_a_decode_error() {
    reset().await;
    fault(r#"{"path": "/user/api-keys", "method": "GET", "truncate": true}"#).await;
    let error = settle(client(TOKEN).list_api_keys(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    let error = expect_kind(error, "decode");
    assert_eq!(get(&error, "status").as_f64(), Some(200.0));
}

#[wasm_bindgen_test]
async fn a_body_of_the_wrong_shape_is_a_decode_error() {
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 200, "json": {"totalSize": "lots"}}"#).await;
    let error = stats_error(&client(TOKEN), JsValue::UNDEFINED).await;
    expect_kind(error, "decode");
}

#[wasm_bindgen_test]
async fn a_create_that_times_out_says_a_key_may_exist_and_is_sent_once() {
    reset().await;
    fault(r#"{"path": "/user/api-keys", "method": "POST", "preset": "stall"}"#).await;
    let options = obj(&[("timeoutMs", 300.into())]);
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, options))
        .await
        .unwrap_err();
    let log = requests().await;
    reset().await;
    let error = expect_kind(error, "timeout");
    assert!(text(&error, "message").contains("may have created the key"));
    assert_eq!(log.len(), 1, "sent exactly once");
}

#[wasm_bindgen_test]
async fn a_create_whose_connection_drops_says_a_key_may_exist() {
    reset().await;
    // Chromium itself resends a request once when a reused keep-alive connection closes
    // without any answer, so every try is dropped here; the library never resends a POST.
    fault(r#"{"path": "/user/api-keys", "method": "POST", "drop": true, "count": 5}"#).await;
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    reset().await;
    let error = expect_kind(error, "network");
    assert!(text(&error, "message").contains("may have created the key"));
}

#[wasm_bindgen_test]
async fn bad_call_options_are_refused_before_sending() {
    reset().await;
    for bad in [
        obj(&[("timeoutMs", "fast".into())]),
        obj(&[("timeoutMs", 1.5.into())]),
        obj(&[("signal", "stop".into())]),
        JsValue::from(3),
    ] {
        expect_kind(stats_error(&client(TOKEN), bad).await, "invalid_input");
    }
    assert!(requests().await.is_empty());
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = js_sys::Reflect::get(&global, &"setTimeout".into()).unwrap();
        let set_timeout: js_sys::Function = set_timeout.into();
        set_timeout.call2(&global, &resolve, &ms.into()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_error_body_that_echoes_the_token_is_redacted() {
    // A proxy or a buggy node may echo the request; the token must not reach the caller.
    reset().await;
    let body = format!("<h1>502</h1> upstream said: Authorization: Bearer {TOKEN} ({TOKEN})");
    fault(&format!(
        r#"{{"path": "/user/stats", "count": 3, "status": 502, "body": {body:?}}}"#
    ))
    .await;
    let error = stats_error(&client(TOKEN), obj(&[("maxRetries", 0.into())])).await;
    let error = expect_kind(error, "server");
    assert_no_token(&error, TOKEN);
    assert_eq!(
        text(&error, "details"),
        "502 upstream said: Authorization: Bearer [redacted] ([redacted])"
    );
}
