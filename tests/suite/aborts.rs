//! Whatever a caller aborts with, and whatever a patched `fetch` does, the call rejects with
//! an `EstuaryError` and the module keeps working: gloo-net's panic paths are never reached.

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

#[wasm_bindgen_test]
async fn a_fetch_that_does_not_give_a_response_is_a_typed_error() {
    reset().await;
    for (patched, kind) in [
        ("return async () => ({ status: 200, ok: true })", "network"),
        ("return async () => 'not a response'", "network"),
        ("return () => 42", "network"),
        ("return async () => { throw 'a string'; }", "network"),
        ("return async () => { throw null; }", "network"),
        (
            "return () => { throw new TypeError('sync'); }",
            "invalid_input",
        ),
    ] {
        let result = with_fetch(patched, || {
            settle(client(TOKEN).get_stats(obj(&[("maxRetries", 0.into())])))
        })
        .await;
        let error = expect_kind(result.unwrap_err(), kind);
        assert!(!text(&error, "message").is_empty(), "{patched}");
        works_after().await;
    }
    // A fetch that throws synchronously is never retried: it sent nothing.
    let result = with_fetch(
        "let n = 0; globalThis.__fetchCalls = () => n; return () => { n++; throw new TypeError('no'); }",
        || settle(client(TOKEN).get_stats(obj(&[("maxRetries", 3.into())]))),
    )
    .await;
    expect_kind(result.unwrap_err(), "invalid_input");
    let calls = Reflect::get(&js_sys::global(), &"__fetchCalls".into())
        .unwrap()
        .unchecked_into::<Function>()
        .call0(&JsValue::NULL)
        .unwrap();
    assert_eq!(calls.as_f64(), Some(1.0));
}
