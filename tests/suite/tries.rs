//! The one call core: a whole try (send, status, body) is retried; a create without a clear
//! answer warns; error bodies are read up to a bound; redirects are explained; one reader of
//! the node's error envelope; a signal from another realm; `baseUrl` is required.

use estuary_user::js::EstuaryUser;
use estuary_user::Client;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::helpers::*;

#[wasm_bindgen_test]
async fn a_get_whose_body_is_cut_mid_read_is_retried() {
    reset().await;
    fault(r#"{"path": "/user/stats", "cut": true, "count": 1}"#).await;
    let stats = settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .expect("the retry reads the whole body");
    assert_eq!(get(&stats, "numPins").as_f64(), Some(3.0));
    assert_eq!(requests().await.len(), 2);
}

#[wasm_bindgen_test]
async fn an_export_cut_mid_read_is_retried_and_gives_up_as_a_network_error() {
    reset().await;
    fault(r#"{"path": "/user/export", "cut": true, "count": 1}"#).await;
    settle(client(TOKEN).export_data(JsValue::UNDEFINED))
        .await
        .expect("the retry reads the whole export");
    assert_eq!(requests().await.len(), 2);
    reset().await;
    fault(r#"{"path": "/user/export", "cut": true, "count": 2}"#).await;
    let error = settle(client(TOKEN).export_data(obj(&[("maxRetries", 1.into())])))
        .await
        .unwrap_err();
    expect_kind(error, "network");
    assert_eq!(requests().await.len(), 2);
}

#[wasm_bindgen_test]
async fn a_create_answered_by_a_gateway_or_cut_says_the_key_may_exist_and_is_sent_once() {
    for fault_json in [
        r#"{"path": "/user/api-keys", "method": "POST", "status": 502}"#,
        r#"{"path": "/user/api-keys", "method": "POST", "preset": "empty504"}"#,
        r#"{"path": "/user/api-keys", "method": "POST", "status": 503}"#,
        r#"{"path": "/user/api-keys", "method": "POST", "cut": true}"#,
    ] {
        reset().await;
        fault(fault_json).await;
        let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
            .await
            .unwrap_err();
        let message = text(&error, "message");
        assert!(
            message.contains("may have created the key") && message.contains("list the keys"),
            "{fault_json}: {message}"
        );
        assert_eq!(requests().await.len(), 1, "{fault_json}: never retried");
    }
    // A clear refusal made no key: no warning.
    reset().await;
    fault(r#"{"path": "/user/api-keys", "method": "POST", "status": 401}"#).await;
    let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert!(!text(&error, "message").contains("may have created"));
}

/// The byte length of the module's linear memory.
fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}

#[wasm_bindgen_test]
async fn an_8_mb_error_page_costs_no_more_memory_than_a_small_one() {
    // Only the first 64 KiB of an error body are read, and only an excerpt's worth of it is
    // copied into wasm: the first 8 MB page may grow the module once by that bound, and from
    // then on 100 such pages leave its memory where 100 small ones do.
    reset().await;
    let user = client(TOKEN);
    let no_retry = || obj(&[("maxRetries", 0.into())]);
    // A browser may resend a request on a connection that a cancelled 8 MB body closed: the
    // fault covers those resends.
    let large = r#"{"path": "/user/stats", "status": 500, "body": "<p>EST0123-4567-89abARY is broken</p>",
        "bodyBytes": 8000000, "count": 1000}"#;
    let before = memory_bytes();
    fault(large).await;
    let error = settle(user.get_stats(no_retry())).await.unwrap_err();
    expect_kind(error, "server");
    let first_large = memory_bytes();
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 500, "body": "<p>small</p>", "count": 100}"#).await;
    for _ in 0..100 {
        let error = settle(user.get_stats(no_retry())).await.unwrap_err();
        expect_kind(error, "server");
    }
    let after_small = memory_bytes();
    fault(large).await;
    for _ in 0..100 {
        let error = settle(user.get_stats(no_retry())).await.unwrap_err();
        let error = expect_kind(error, "server");
        assert!(text(&error, "details").starts_with("[redacted] is broken"));
    }
    let after_large = memory_bytes();
    reset().await;
    wasm_bindgen_test::console_log!(
        "wasm memory: {before} B before, {first_large} B after one 8 MB error page, \
         {after_small} B after 100 small ones, {after_large} B after 100 more of 8 MB"
    );
    assert!(
        first_large - before <= 128.0 * 1024.0,
        "one 8 MB page grew the memory by {} B",
        first_large - before
    );
    assert_eq!(
        after_large, after_small,
        "wasm memory after 100 small error pages and then 100 8 MB ones"
    );
}

#[wasm_bindgen_test]
async fn a_redirect_that_drops_the_token_says_which_base_url_to_use() {
    // 127.0.0.1 → localhost is a cross-origin redirect: fetch drops `Authorization` and the
    // node answers 401, which alone would look like a bad token.
    reset().await;
    let other_origin = URL.replace("127.0.0.1", "localhost");
    fault(&format!(
        r#"{{"path": "/user/stats", "status": 307, "headers": {{"Location": "{other_origin}/user/stats"}}}}"#
    ))
    .await;
    let error = settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    let error = expect_kind(error, "unauthorized");
    let message = text(&error, "message");
    assert!(message.contains("redirected"), "{message}");
    assert!(
        message.contains(&format!("use \"{other_origin}\" as baseUrl")),
        "{message}"
    );
}

#[wasm_bindgen_test]
async fn both_envelope_shapes_are_read_by_one_reader_and_anything_else_is_excerpted() {
    reset().await;
    for (json, reason, details) in [
        (
            r#"{"error":{"code":409,"reason":"Conflict","details":"x"}}"#,
            Some("Conflict"),
            Some("x"),
        ),
        (
            r#"{"error":"ERR_LEGACY","details":"y"}"#,
            Some("ERR_LEGACY"),
            Some("y"),
        ),
        (
            r#"{"error":{"reason":5}}"#,
            None,
            Some(r#"{"error":{"reason":5}}"#),
        ),
        (
            r#"{"message":"teapot"}"#,
            None,
            Some(r#"{"message":"teapot"}"#),
        ),
    ] {
        let body = serde_json::to_string(json).unwrap();
        fault(&format!(
            r#"{{"path": "/user/stats", "status": 409, "body": {body}, "headers": {{"Content-Type": "application/json"}}}}"#
        ))
        .await;
        let error = settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
            .await
            .unwrap_err();
        let error = expect_kind(error, "http");
        assert_eq!(
            get(&error, "reason").as_string().as_deref(),
            reason,
            "{json}"
        );
        assert_eq!(
            get(&error, "details").as_string().as_deref(),
            details,
            "{json}"
        );
    }
}

/// An `AbortController` from another realm: an iframe's in a browser. Node has no second
/// realm with one (a `vm` context has only the JS builtins), so there it is a polyfill's:
/// an `EventTarget` with `aborted` and `reason`, which is no `AbortSignal` either.
fn foreign_controller() -> JsValue {
    Function::new_no_args(
        "if (typeof document !== 'undefined') { \
           const frame = document.createElement('iframe'); document.body.appendChild(frame); \
           return new frame.contentWindow.AbortController(); } \
         const signal = new EventTarget(); signal.aborted = false; signal.reason = undefined; \
         return { signal, abort() { signal.aborted = true; signal.reason = new Error('left'); \
           signal.dispatchEvent(new Event('abort')); } };",
    )
    .call0(&JsValue::NULL)
    .unwrap()
}

/// Polls the node's count of held (stalled) requests until it is `want`, for at most about
/// 5 s; gives the last count. Polling, not a timed assertion: only the count is asserted.
async fn open_stalled_requests_becomes(want: f64) -> f64 {
    let mut open = -1.0;
    for _ in 0..250 {
        open = get(&stalled_requests().await, "open")
            .as_f64()
            .unwrap_or(-1.0);
        if open == want {
            break;
        }
        super::errors::sleep(20).await;
    }
    open
}

#[wasm_bindgen_test]
async fn a_signal_from_another_realm_is_accepted_and_aborts() {
    reset().await;
    let controller = foreign_controller();
    let signal = get(&controller, "signal");
    assert!(
        !signal.is_instance_of::<web_sys::AbortSignal>(),
        "another realm's"
    );
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let call = settle(client(TOKEN).get_stats(obj(&[("signal", signal)])));
    // Aborted only once the request is held at the node: the listener on the foreign signal
    // must end a call in flight, not just refuse one whose signal already fired.
    assert_eq!(
        open_stalled_requests_becomes(1.0).await,
        1.0,
        "the request is held"
    );
    let abort: Function = get(&controller, "abort").unchecked_into();
    abort.call0(&controller).unwrap();
    expect_kind(call.await.unwrap_err(), "aborted");
    assert_eq!(
        open_stalled_requests_becomes(0.0).await,
        0.0,
        "the aborted request was closed"
    );
    reset().await;
    // Something that only looks like an object is still refused before sending.
    let error = settle(client(TOKEN).get_stats(obj(&[("signal", obj(&[]))])))
        .await
        .unwrap_err();
    expect_kind(error, "invalid_input");
}

#[wasm_bindgen_test]
fn base_url_is_required_in_js_and_in_rust() {
    let options = obj(&[("token", TOKEN.into())]);
    let error = EstuaryUser::new(options).err().expect("refused");
    let error = expect_kind(error, "invalid_input");
    let message = text(&error, "message");
    assert!(message.contains("http://localhost:3004"), "{message}");
    let error = Client::builder(TOKEN).build().unwrap_err();
    assert_eq!(error.kind(), estuary_user::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("http://localhost:3004"));
    assert!(!error.to_string().contains(TOKEN));
}
