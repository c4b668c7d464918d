//! No secret in any message, and an honest error at every edge (issue 10's library points).

use estuary_user::js::{check_expiry, token_hash, EstuaryUser};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::AbortController;

use super::aborts::with_fetch;
use super::errors::sleep;
use super::helpers::*;

/// The old-node row of the test user: it has no hash, so its token is its only handle.
const OLD_ROW_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000007ARY";
/// The test user's legacy row (plaintext, no hash); it authenticates like any key.
const LEGACY_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000006ARY";

/// A legacy row as `revokeApiKey` takes it: its token and no hash. Only such a row's token is
/// ever sent in a URL; a token given as a string goes as its hash.
fn legacy_row(token: &str) -> JsValue {
    obj(&[("token", token.into()), ("tokenHash", "".into())])
}

fn has(value: &JsValue, key: &str) -> bool {
    Reflect::has(value, &key.into()).unwrap()
}

/// The node's log since the last reset has one DELETE, of `token`'s hash (as the JS
/// `tokenHash` gives it), and `token` is in no URL.
async fn assert_revoked_by_hash(token: &str) {
    let log = requests().await;
    let delete = log.iter().find(|r| r.method == "DELETE").unwrap();
    let hash = token_hash(token.into()).unwrap().as_string().unwrap();
    assert_eq!(delete.path, format!("/user/api-keys/{hash}"));
    assert!(
        log.iter().all(|r| !r.url.contains(token)),
        "the token never travels in a URL"
    );
}

#[wasm_bindgen_test]
async fn revoking_the_clients_own_token_sends_its_hash() {
    reset().await;
    let user = new_user("{}").await;
    settle(client(&user).revoke_api_key(user.clone().into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_revoked_by_hash(&user).await;
    // And the node revoked it.
    let error = settle(client(&user).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    expect_kind(error, "unauthorized");
}

#[wasm_bindgen_test]
async fn revoking_another_key_by_its_token_sends_its_hash_and_revokes_it() {
    // Only a legacy row's token ever travels in a URL: a token given as a string goes as its
    // hash, which the node matches too.
    reset().await;
    let other = new_user("{}").await;
    settle(client(TOKEN).revoke_api_key(other.clone().into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_revoked_by_hash(&other).await;
    // Another user's key: the node matches only the caller's own keys, so it still works.
    settle(client(&other).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap();
    // The test user's own second key, revoked by its token as a string, stops working.
    let key = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap();
    let secret = text(&key, "token");
    settle(client(TOKEN).revoke_api_key(secret.clone().into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    expect_kind(
        settle(client(&secret).get_stats(JsValue::UNDEFINED))
            .await
            .unwrap_err(),
        "unauthorized",
    );
    assert!(requests().await.iter().all(|r| !r.url.contains(&secret)));
}

#[wasm_bindgen_test]
async fn a_legacy_keys_token_given_as_a_string_is_looked_up_then_revoked_by_its_token() {
    reset().await;
    settle(client(TOKEN).revoke_api_key(LEGACY_TOKEN.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    let calls: Vec<String> = requests()
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        calls,
        [
            "GET /user/api-keys".to_string(),
            format!("DELETE /user/api-keys/{LEGACY_TOKEN}")
        ]
    );
    expect_kind(
        settle(client(LEGACY_TOKEN).get_stats(JsValue::UNDEFINED))
            .await
            .unwrap_err(),
        "unauthorized",
    );
}

#[wasm_bindgen_test]
async fn a_failed_revoke_of_a_legacy_token_never_repeats_it() {
    reset().await;
    fault(&format!(
        r#"{{"path": "/user/api-keys/{OLD_ROW_TOKEN}", "method": "DELETE", "drop": true, "count": 1000}}"#
    ))
    .await;
    let options = obj(&[("maxRetries", 0.into())]);
    let error = settle(client(TOKEN).revoke_api_key(legacy_row(OLD_ROW_TOKEN), options.clone()))
        .await
        .unwrap_err();
    let error = expect_kind(error, "network");
    assert!(
        !text(&error, "message").contains(OLD_ROW_TOKEN),
        "{}",
        text(&error, "message")
    );
    assert!(text(&error, "message").contains("DELETE /user/api-keys/{key}"));
    reset().await;
    fault(&format!(
        r#"{{"path": "/user/api-keys/{OLD_ROW_TOKEN}", "preset": "stall", "count": 1000}}"#
    ))
    .await;
    let stalled = obj(&[("timeoutMs", 200.into())]);
    let error = settle(client(TOKEN).revoke_api_key(legacy_row(OLD_ROW_TOKEN), stalled))
        .await
        .unwrap_err();
    reset().await;
    assert!(!text(&error, "message").contains(OLD_ROW_TOKEN));
}

#[wasm_bindgen_test]
async fn revoking_ones_own_legacy_row_sends_its_token_and_revokes_it() {
    // A legacy row has no hash, so its hash could never match it: the row's token must go.
    reset().await;
    let user = client(LEGACY_TOKEN);
    let keys: js_sys::Array = settle(user.list_api_keys(JsValue::UNDEFINED))
        .await
        .unwrap()
        .into();
    let own = keys
        .iter()
        .find(|k| text(k, "token") == LEGACY_TOKEN)
        .expect("the legacy row is listed with its token");
    assert_eq!(text(&own, "tokenHash"), "");
    settle(user.revoke_api_key(own, JsValue::UNDEFINED))
        .await
        .unwrap();
    let error = settle(user.get_stats(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    expect_kind(error, "unauthorized");
    reset().await;
}

/// A `fetch` that rejects like Deno's (the URL in the message) and Bun's (the URL in `path`).
const QUOTING_FETCH: &str = "return async (req) => { const e = new TypeError(`error sending request for url (${req.url})`); e.path = req.url; throw e; }";
/// A `fetch` that rejects without quoting the URL in its message, but keeps it in `path`.
const OFFLINE_FETCH: &str =
    "return async (req) => { const e = new TypeError('offline'); e.path = req.url; throw e; }";

/// Revokes `segment` through [`QUOTING_FETCH`]; gives the error's cause and everything shown
/// of it (message, the cause's message and `path`).
async fn revoke_with_a_fetch_that_quotes_the_url(key: JsValue) -> (JsValue, String) {
    let result = with_fetch(QUOTING_FETCH, || {
        settle(client(TOKEN).revoke_api_key(key, obj(&[("maxRetries", 0.into())])))
    })
    .await;
    let error = expect_kind(result.unwrap_err(), "network");
    let cause = get(&error, "cause");
    let shown = format!(
        "{} {} {:?}",
        text(&error, "message"),
        text(&cause, "message"),
        get(&cause, "path").as_string()
    );
    (cause, shown)
}

#[wasm_bindgen_test]
async fn a_platform_error_that_quotes_a_legacy_revokes_url_is_masked() {
    // Deno's fetch errors quote the URL ("error sending request for url (…)"), Bun's carry it
    // in `path`: for a legacy row's revoke the URL holds its token.
    reset().await;
    let (cause, shown) = revoke_with_a_fetch_that_quotes_the_url(legacy_row(OLD_ROW_TOKEN)).await;
    assert!(!shown.contains(OLD_ROW_TOKEN), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(cause.is_instance_of::<js_sys::TypeError>());
    // gloo-net keeps only the rejection's name and message: the cause is a new error with
    // those two, so a field that quotes the URL (Bun's `path`) never reaches the caller.
    let result = with_fetch(OFFLINE_FETCH, || {
        settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
    })
    .await;
    let error = expect_kind(result.unwrap_err(), "network");
    let cause = get(&error, "cause");
    assert!(cause.is_instance_of::<js_sys::TypeError>());
    assert_eq!(text(&cause, "message"), "offline");
    assert!(get(&cause, "path").is_undefined());
}

#[wasm_bindgen_test]
async fn a_revoke_segment_of_any_shape_is_redacted_from_platform_errors() {
    // The node does not check a token's shape, so anything revoked that is not a hash may be
    // one: it is redacted where the platform repeats the URL, and the cause is a new error.
    reset().await;
    let (_, shown) = revoke_with_a_fetch_that_quotes_the_url("my-old-secret".into()).await;
    assert!(!shown.contains("my-old-secret"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
    // A hash is not a secret: the platform's own error stays the cause.
    let hash = "oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI";
    let result = with_fetch(OFFLINE_FETCH, || {
        settle(client(TOKEN).revoke_api_key(hash.into(), obj(&[("maxRetries", 0.into())])))
    })
    .await;
    let error = expect_kind(result.unwrap_err(), "network");
    assert_eq!(text(&get(&error, "cause"), "message"), "offline");
}

#[wasm_bindgen_test]
async fn an_error_page_that_echoes_a_legacy_revokes_path_is_masked() {
    reset().await;
    let escaped = format!("\\\\u0045{}", &OLD_ROW_TOKEN[1..]);
    for body in [
        format!("Cannot DELETE /user/api-keys/{OLD_ROW_TOKEN}"),
        format!("<pre>{{\\\"path\\\":\\\"{escaped}\\\"}}</pre>"),
    ] {
        fault(&format!(
            r#"{{"path": "/user/api-keys/{OLD_ROW_TOKEN}", "method": "DELETE", "status": 404, "body": "{body}"}}"#
        ))
        .await;
        let error =
            settle(client(TOKEN).revoke_api_key(legacy_row(OLD_ROW_TOKEN), JsValue::UNDEFINED))
                .await
                .unwrap_err();
        let shown = format!("{} {}", text(&error, "message"), text(&error, "details"));
        assert!(!shown.contains(&OLD_ROW_TOKEN[1..]), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    reset().await;
}

#[wasm_bindgen_test]
async fn a_timeout_in_the_try_after_a_503_says_what_the_node_answered() {
    // The 503 is retried; the next try stalls until the timeout, which must still report it.
    reset().await;
    fault(r#"{"path": "/user/stats", "status": 503, "count": 1}"#).await;
    fault(r#"{"path": "/user/stats", "preset": "stall", "count": 1000}"#).await;
    let options = obj(&[("maxRetries", 2.into()), ("timeoutMs", 1500.into())]);
    let error = settle(client(TOKEN).get_stats(options)).await.unwrap_err();
    let tries = requests().await.len();
    reset().await;
    assert!(tries >= 2, "the 503 was retried ({tries} requests)");
    let error = expect_kind(error, "timeout");
    assert!(
        text(&error, "message").contains("503"),
        "{}",
        text(&error, "message")
    );
    let cause = expect_kind(get(&error, "cause"), "server");
    assert_eq!(get(&cause, "status").as_f64(), Some(503.0));
}

#[wasm_bindgen_test]
async fn retry_after_is_read_only_on_the_statuses_that_are_retried() {
    // `Headers.prototype.get` is patched to record what the library asks for.
    let patch = js_sys::Function::new_no_args(
        "const get = Headers.prototype.get; globalThis.__asked = []; \
         Headers.prototype.get = function (name) { globalThis.__asked.push(String(name).toLowerCase()); return get.call(this, name); }; \
         return () => { Headers.prototype.get = get; };",
    );
    let asked = |status: u16| async move {
        reset().await;
        fault(&format!(
            r#"{{"path": "/user/stats", "status": {status}, "count": 1}}"#
        ))
        .await;
        Reflect::set(&js_sys::global(), &"__asked".into(), &js_sys::Array::new()).unwrap();
        let _ = settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())]))).await;
        let asked: js_sys::Array = Reflect::get(&js_sys::global(), &"__asked".into())
            .unwrap()
            .into();
        asked.iter().any(|name| name == "retry-after")
    };
    let restore: js_sys::Function = patch.call0(&JsValue::NULL).unwrap().into();
    let on_401 = asked(401).await;
    let on_404 = asked(404).await;
    let on_503 = asked(503).await;
    restore.call0(&JsValue::NULL).unwrap();
    reset().await;
    assert!(!on_401 && !on_404, "not read on 401/404");
    assert!(on_503, "read on 503");
}

#[wasm_bindgen_test]
async fn a_timeout_during_a_backoff_wait_says_what_the_node_answered() {
    // A `Retry-After` of 5 s makes the wait outlast the 700 ms timeout: it cuts the wait,
    // and no second try is sent.
    reset().await;
    fault(
        r#"{"path": "/user/stats", "status": 503, "count": 20,
            "headers": {"Retry-After": "5", "Access-Control-Expose-Headers": "Retry-After"}}"#,
    )
    .await;
    let options = obj(&[("maxRetries", 10.into()), ("timeoutMs", 700.into())]);
    let error = settle(client(TOKEN).get_stats(options)).await.unwrap_err();
    let tries = requests().await.len();
    reset().await;
    assert_eq!(tries, 1, "the timeout came during the wait");
    let error = expect_kind(error, "timeout");
    assert!(
        text(&error, "message").contains("503"),
        "{}",
        text(&error, "message")
    );
    let cause = expect_kind(get(&error, "cause"), "server");
    assert_eq!(get(&cause, "status").as_f64(), Some(503.0));
}

#[wasm_bindgen_test]
async fn a_base_url_the_platform_refuses_is_invalid_input_at_construction() {
    // The first two the crate's own check refuses; the others pass it, and only the
    // platform's URL parser (WHATWG: an IPv4 host with five parts or a part above 255) refuses them.
    for bad in [
        "http://host:+80",
        "http://ex%41mple.org",
        "http://1.2.3.4.5",
        "http://999.1.1.1",
    ] {
        let error = EstuaryUser::new(options(TOKEN, bad)).err().expect(bad);
        let error = expect_kind(error, "invalid_input");
        assert!(text(&error, "message").starts_with("baseUrl must be"));
    }
}

#[wasm_bindgen_test]
async fn a_create_whose_2xx_body_does_not_decode_says_a_key_may_exist() {
    for body in [r#"{"json": {"token": 5}}"#, r#"{"body": "{not json"}"#] {
        reset().await;
        let spec = body.replacen(
            '{',
            r#"{"path": "/user/api-keys", "method": "POST", "status": 200, "#,
            1,
        );
        fault(&spec).await;
        let error = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
            .await
            .unwrap_err();
        let error = expect_kind(error, "decode");
        assert!(
            text(&error, "message").contains("list the keys before trying again"),
            "{}",
            text(&error, "message")
        );
    }
    reset().await;
}

#[wasm_bindgen_test]
async fn errors_carry_their_cause() {
    reset().await;
    // aborted: the caller's own reason.
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let controller = AbortController::new().unwrap();
    let call = settle(client(TOKEN).get_stats(obj(&[("signal", controller.signal().into())])));
    let reason = js_sys::Error::new("user left the page");
    let (later, why) = (controller.clone(), reason.clone());
    wasm_bindgen_futures::spawn_local(async move {
        sleep(50).await;
        later.abort_with_reason(&why);
    });
    let error = expect_kind(call.await.unwrap_err(), "aborted");
    assert_eq!(get(&error, "cause"), JsValue::from(reason));
    reset().await;
    // network: the TypeError fetch rejected with.
    let offline = EstuaryUser::new(options(TOKEN, "http://127.0.0.1:9")).unwrap();
    let error = settle(offline.get_stats(obj(&[("maxRetries", 0.into())])))
        .await
        .unwrap_err();
    let error = expect_kind(error, "network");
    assert!(get(&error, "cause").is_instance_of::<js_sys::TypeError>());
    // Fields that do not apply are absent, not present-and-undefined.
    for key in ["status", "reason", "details"] {
        assert!(!has(&error, key), "{key}");
    }
    let error = settle(client(TOKEN).get_stats(obj(&[("timeoutMs", "x".into())])))
        .await
        .unwrap_err();
    let error = expect_kind(error, "invalid_input");
    for key in ["status", "reason", "details", "cause"] {
        assert!(!has(&error, key), "{key}");
    }
}

#[wasm_bindgen_test]
async fn a_json_escaped_token_in_an_error_body_is_redacted() {
    reset().await;
    let escaped = format!("\\\\u0045{}", &TOKEN[1..]);
    fault(&format!(
        r#"{{"path": "/user/stats", "status": 500, "body": "{{\"error\":{{\"code\":500,\"reason\":\"ERR\",\"details\":\"bad token {escaped}\"}}}}"}}"#
    ))
    .await;
    fault(&format!(
        r#"{{"path": "/user/stats", "status": 418, "body": "{{\"echo\":\"{escaped}\"}}"}}"#
    ))
    .await;
    for _ in 0..2 {
        let error = settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
            .await
            .unwrap_err();
        let shown = format!("{} {}", text(&error, "message"), text(&error, "details"));
        assert!(!shown.contains(&TOKEN[1..]), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    reset().await;
}

#[wasm_bindgen_test]
fn check_expiry_gives_the_librarys_message_or_null() {
    assert!(check_expiry("720h".into()).is_null());
    assert!(check_expiry("never".into()).is_null());
    let message = check_expiry("30d".into()).as_string().unwrap();
    assert!(message.contains("30 days is 720h"), "{message}");
    assert!(check_expiry(JsValue::from(5)).is_string());
}
