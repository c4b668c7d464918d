//! Whatever a caller aborts with, the call rejects with an `EstuaryError` and the module
//! keeps working: `fetch` only ever sees the call's own signal, aborted with an `Error`, so
//! gloo-net's `unreachable!` for a non-`Error` rejection is never reached.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{AbortController, AbortSignal};

use super::errors::sleep;
use super::helpers::*;

fn reasons() -> Vec<JsValue> {
    vec![
        "why".into(),
        42.into(),
        js_sys::Object::new().into(),
        JsValue::NULL,
        JsValue::UNDEFINED,
    ]
}

async fn works_after() {
    let stats = settle(client(TOKEN).get_stats(JsValue::UNDEFINED)).await;
    assert!(stats.is_ok(), "the next call on the same module works");
}

#[wasm_bindgen_test]
async fn any_abort_reason_in_flight_rejects_with_an_estuary_error() {
    for reason in reasons() {
        reset().await;
        fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
        let controller = AbortController::new().unwrap();
        let call = settle(client(TOKEN).get_stats(obj(&[("signal", controller.signal().into())])));
        let later = controller.clone();
        let why = reason.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sleep(50).await;
            later.abort_with_reason(&why);
        });
        let error = call.await.unwrap_err();
        reset().await;
        expect_kind(error, "aborted");
        works_after().await;
    }
}

#[wasm_bindgen_test]
async fn any_abort_reason_before_sending_rejects_with_an_estuary_error() {
    reset().await;
    for reason in reasons() {
        let controller = AbortController::new().unwrap();
        controller.abort_with_reason(&reason);
        let options = obj(&[("signal", controller.signal().into())]);
        expect_kind(
            settle(client(TOKEN).list_api_keys(options.clone()))
                .await
                .unwrap_err(),
            "aborted",
        );
        expect_kind(
            settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, options))
                .await
                .unwrap_err(),
            "aborted",
        );
    }
    assert!(requests().await.is_empty(), "nothing was sent");
    works_after().await;
}

#[wasm_bindgen_test]
async fn abort_signal_timeout_rejects_as_aborted() {
    reset().await;
    fault(r#"{"path": "/user/stats", "preset": "stall"}"#).await;
    let signal = AbortSignal::timeout_with_u32(100);
    let error = settle(client(TOKEN).get_stats(obj(&[("signal", signal.into())])))
        .await
        .unwrap_err();
    reset().await;
    // README: a caller's signal is `aborted`, whatever made it fire; `timeoutMs` is `timeout`.
    expect_kind(error, "aborted");
    let fired = AbortSignal::timeout_with_u32(1);
    sleep(20).await;
    let error = settle(client(TOKEN).get_stats(obj(&[("signal", fired.into())])))
        .await
        .unwrap_err();
    expect_kind(error, "aborted");
    works_after().await;
}

/// A `fetch` that counts its calls and passes them to the real one (see [`fetch_calls`]).
pub(super) const COUNTING_FETCH: &str = "const real = globalThis.fetch; let n = 0; \
     globalThis.__fetchCalls = () => n; return (...args) => { n++; return real(...args); }";

/// How often the library called `fetch` since `COUNTING_FETCH` was installed.
pub(super) fn fetch_calls() -> u32 {
    let calls = Reflect::get(&js_sys::global(), &"__fetchCalls".into())
        .unwrap()
        .unchecked_into::<Function>()
        .call0(&JsValue::NULL)
        .unwrap();
    calls.as_f64().unwrap() as u32
}

/// Runs `call` with `globalThis.fetch` replaced by `patched`, then puts the real one back.
pub(super) async fn with_fetch<F: std::future::Future<Output = Result<JsValue, JsValue>>>(
    patched: &str,
    call: impl FnOnce() -> F,
) -> Result<JsValue, JsValue> {
    let global = js_sys::global();
    let real = Reflect::get(&global, &"fetch".into()).unwrap();
    let fake = Function::new_no_args(patched);
    Reflect::set(
        &global,
        &"fetch".into(),
        &fake.call0(&JsValue::NULL).unwrap(),
    )
    .unwrap();
    let result = call().await;
    Reflect::set(&global, &"fetch".into(), &real).unwrap();
    result
}

// Whatever `fetch` does, the call settles and the module keeps working: gloo-net is patched
// (third_party/gloo-net/PATCH.md) where 0.7.0 panicked. A missing `fetch` is checked before
// sending.

#[wasm_bindgen_test]
async fn a_fetch_rejecting_with_a_non_error_is_network_and_the_next_call_works() {
    reset().await;
    // A `vm` realm's `TypeError` is not `instanceof Error` here; neither is this object.
    for (fake, name, message) in [
        (
            "return () => Promise.reject({ name: 'TypeError', message: 'fetch failed' })",
            "TypeError",
            "fetch failed",
        ),
        ("return () => Promise.reject('offline')", "Error", "offline"),
        ("return () => { throw undefined; }", "Error", "fetch failed"),
    ] {
        let result = with_fetch(fake, || {
            settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
        })
        .await;
        let error = expect_kind(result.unwrap_err(), "network");
        let cause = Reflect::get(&error, &"cause".into()).unwrap();
        assert!(cause.is_instance_of::<js_sys::Error>(), "{fake}");
        assert_eq!(text(&cause, "name"), name, "{fake}");
        assert_eq!(text(&cause, "message"), message, "{fake}");
        works_after().await;
    }
}

#[wasm_bindgen_test]
async fn a_fetch_resolving_a_plain_object_is_invalid_response_and_not_retried() {
    reset().await;
    let result = with_fetch(
        "let n = 0; globalThis.__fetchCalls = () => n; \
         return async () => (n++, { ok: true, status: 200, json: async () => ({}) })",
        || settle(client(TOKEN).get_stats(obj(&[("maxRetries", 3.into())]))),
    )
    .await;
    let error = expect_kind(result.unwrap_err(), "invalid_response");
    assert!(text(&error, "message").contains("fetch mock"));
    assert_eq!(fetch_calls(), 1, "not retried");
    works_after().await;
    assert_eq!(
        requests().await.len(),
        1,
        "only the call that worked was sent"
    );
}

#[wasm_bindgen_test]
async fn a_missing_fetch_is_invalid_input_and_the_next_call_works() {
    reset().await;
    let result = with_fetch("return undefined", || {
        settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
    })
    .await;
    let error = expect_kind(result.unwrap_err(), "invalid_input");
    assert!(text(&error, "message").contains("no fetch"));
    works_after().await;
    assert_eq!(
        requests().await.len(),
        1,
        "only the call that worked was sent"
    );
}
