//! One call's cancellation: the caller's `AbortSignal` and the timeout, merged into the one
//! signal given to `fetch`, with a record of which of the two fired.
//!
//! Written with a timer and a listener rather than `AbortSignal.any`/`AbortSignal.timeout`
//! so that it works in Node 18, and so that both are removed when the call ends: nothing
//! outlives a call (see `Drop`).
//!
//! `fetch` only ever sees this controller's signal, never the caller's, and it is always
//! aborted with an `Error` as its reason: whatever the caller aborts with (`"why"`, `42`,
//! `null`), `fetch` rejects with an `Error`.

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

use crate::error::Error;
use crate::text::{cat, decimal};

#[wasm_bindgen]
extern "C" {
    // The global timer functions: present in windows, workers and Node alike. The handle is
    // a number in browsers and an object in Node, so it is kept as an opaque value.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
}

/// Why a call was cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    Timeout,
    Aborted,
    /// The call's future was dropped (only seen by `Drop`).
    Dropped,
}

/// Owns the merged signal of one call; dropping it clears the timer and the listener.
pub(crate) struct CallSignal {
    controller: AbortController,
    cause: Rc<Cell<Option<Cause>>>,
    timeout_ms: u32,
    timer: Option<(JsValue, Closure<dyn FnMut()>)>,
    listener: Option<(AbortSignal, Closure<dyn FnMut()>)>,
    /// Set once the whole answer was read: dropping the call earlier aborts its fetch.
    settled: bool,
    /// The failed try a retry followed: a timeout later in the call says what it got.
    last: Option<Box<Error>>,
    /// The task of a step awaited with [`CallSignal::until_cancelled`], woken on
    /// cancellation.
    waker: Rc<Cell<Option<Waker>>>,
}

impl CallSignal {
    /// Links the caller's signal (if any) and a timeout (`0` = none).
    ///
    /// Fails with `aborted` when the caller's signal has already fired: nothing is sent.
    pub(crate) fn new(user: Option<&AbortSignal>, timeout_ms: u32) -> Result<CallSignal, Error> {
        let controller = AbortController::new()
            .map_err(|_| Error::invalid("this JavaScript environment has no AbortController"))?;
        let cause = Rc::new(Cell::new(None));
        let mut this = CallSignal {
            controller,
            cause,
            timeout_ms,
            timer: None,
            listener: None,
            settled: false,
            last: None,
            waker: Rc::default(),
        };
        if let Some(user) = user {
            if user.aborted() {
                return Err(aborted_error(user));
            }
            let on_abort = this.trigger(Cause::Aborted);
            // A listener added with plain `addEventListener` would stay on a long-lived
            // signal after the call; it is removed in `Drop`.
            if user
                .add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref())
                .is_err()
            {
                return Err(Error::invalid("signal must be an AbortSignal"));
            }
            this.listener = Some((user.clone(), on_abort));
        }
        if timeout_ms > 0 {
            let on_timeout = this.trigger(Cause::Timeout);
            let handle = set_timeout(on_timeout.as_ref().unchecked_ref(), f64::from(timeout_ms));
            this.timer = Some((handle, on_timeout));
        }
        Ok(this)
    }

    fn trigger(&self, why: Cause) -> Closure<dyn FnMut()> {
        let controller = self.controller.clone();
        let cause = Rc::clone(&self.cause);
        let waker = Rc::clone(&self.waker);
        Closure::new(move || {
            if cause.get().is_none() {
                cause.set(Some(why));
                abort(&controller, why);
                if let Some(waker) = waker.take() {
                    waker.wake();
                }
            }
        })
    }

    /// The answer was read in full: nothing is left to abort when the call is dropped.
    pub(crate) fn settle(&mut self) {
        self.settled = true;
    }

    /// The signal to give to `fetch`.
    pub(crate) fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Which of timeout or caller fired, if either did.
    pub(crate) fn cause(&self) -> Option<Cause> {
        self.cause.get()
    }

    /// `step`'s output, or `None` once the call is cancelled, whichever comes first. The
    /// platform's `fetch` rejects, and errors its body, when its signal fires; a fetch mock
    /// or polyfill may not (a promise that never settles, a body stream that never ends), and
    /// the call must still end with its timeout or abort.
    pub(crate) async fn until_cancelled<F: Future>(&self, step: F) -> Option<F::Output> {
        let mut step = pin!(step);
        poll_fn(|cx| {
            if let Poll::Ready(output) = step.as_mut().poll(cx) {
                return Poll::Ready(Some(output));
            }
            if self.cause().is_some() {
                return Poll::Ready(None);
            }
            self.waker.set(Some(cx.waker().clone()));
            Poll::Pending
        })
        .await
    }

    /// Waits `ms` milliseconds before another try, or less if the call is cancelled
    /// meanwhile: then it fails with the cancellation's error. `last` (the failed try) is
    /// kept, so that a timeout from here on, in the wait or in a later try, says what it got
    /// and carries it. Uses the promise's own `resolve` as both the timer and the abort
    /// listener, and removes both on every exit, so nothing is left behind.
    pub(crate) async fn sleep(&mut self, ms: f64, last: Error) -> Result<(), Error> {
        self.last = Some(Box::new(last));
        // Already cancelled (an abort between the try and this wait): the listener below
        // would never fire, and the wait would run its full length.
        if let Some(cause) = self.cause() {
            return Err(self.error(cause));
        }
        let mut resolve = None;
        let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        if let Some(resolve) = resolve {
            let _wait = Wait::start(self.signal(), resolve, ms);
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
        match self.cause() {
            Some(cause) => Err(self.error(cause)),
            None => Ok(()),
        }
    }

    /// The error for a call cancelled by `cause` (which ends it: the last failed try moves
    /// into a timeout's error rather than being copied).
    pub(crate) fn error(&mut self, cause: Cause) -> Error {
        match cause {
            Cause::Aborted | Cause::Dropped => match &self.listener {
                Some((user, _)) => aborted_error(user),
                None => Error::Aborted {
                    message: ABORTED.into(),
                    cause: crate::error::Cause::default(),
                },
            },
            Cause::Timeout => match self.last.take() {
                Some(last) => Error::Timeout {
                    message: cat!(
                        "the Estuary node gave no usable answer within ",
                        decimal(self.timeout_ms.into()),
                        " ms (timeoutMs); the last try got: ",
                        last.message()
                    ),
                    last: Some(last),
                },
                None => Error::Timeout {
                    message: cat!(
                        "the Estuary node did not answer within ",
                        decimal(self.timeout_ms.into()),
                        " ms (timeoutMs)"
                    ),
                    last: None,
                },
            },
        }
    }
}

/// The timer and abort listener of one backoff wait. Dropping it clears both, also when the
/// call's future is dropped mid-wait: a `Retry-After` can make the wait a minute long, and a
/// pending timer keeps Node running.
struct Wait {
    signal: AbortSignal,
    resolve: js_sys::Function,
    handle: JsValue,
}

impl Wait {
    fn start(signal: AbortSignal, resolve: js_sys::Function, ms: f64) -> Wait {
        let handle = set_timeout(&resolve, ms);
        let _ = signal.add_event_listener_with_callback("abort", &resolve);
        Wait {
            signal,
            resolve,
            handle,
        }
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", &self.resolve);
    }
}

const ABORTED: &str = "the call was aborted by its AbortSignal";

/// The error of a call whose caller's signal fired: its `reason` is the cause.
pub(crate) fn aborted_error(user: &AbortSignal) -> Error {
    Error::Aborted {
        message: ABORTED.into(),
        cause: crate::error::Cause::js(user.reason()),
    }
}

/// Aborts `controller` with an `Error` reason, so that `fetch` and body reads reject with an
/// `Error` whose message says why, whatever the caller's reason was.
fn abort(controller: &AbortController, why: Cause) {
    let reason = match why {
        Cause::Timeout => "estuary-user: the call timed out",
        Cause::Aborted => "estuary-user: the call was aborted",
        Cause::Dropped => "estuary-user: the call was dropped",
    };
    controller.abort_with_reason(&js_sys::Error::new(reason));
}

impl Drop for CallSignal {
    fn drop(&mut self) {
        // A Rust future dropped before its answer was read (`select!`, a cancelled task)
        // cancels its request, as reqwest's wasm client does.
        if !self.settled && self.cause.get().is_none() {
            self.cause.set(Some(Cause::Dropped));
            abort(&self.controller, Cause::Dropped);
        }
        if let Some((handle, _)) = &self.timer {
            clear_timeout(handle);
        }
        if let Some((signal, on_abort)) = &self.listener {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
    }
}
