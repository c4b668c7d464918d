//! `GET /user/stats` and `GET /user/export`.

use wasm_bindgen::JsValue;

use crate::call::{Call, CallFuture, Endpoint, Output};
use crate::client::Client;
use crate::decode::{self, ReadEnvelope, Serde};
use crate::error::Error;
use crate::http::{CallOptions, Method};
use crate::models::{UserExport, UserStats};

impl Client {
    /// Total bytes stored and number of pins (`null` from the node counts as 0).
    pub fn get_stats(&self) -> Call<'_, UserStats> {
        Call::new(self, Endpoint::GetStats)
    }

    /// Everything the node knows about the user's contents and deals. Not paginated: it
    /// can be large.
    pub fn export_data(&self) -> Call<'_, UserExport> {
        Call::new(self, Endpoint::ExportData)
    }

    /// A GET of one of the fixed paths, as the JSON value the platform parsed, not yet
    /// checked. One function for the three GETs: each distinct async function adds its own
    /// state machine to the `.wasm`.
    pub(crate) async fn get_json<E: ReadEnvelope>(
        &self,
        get: Get,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        let (path, what) = get.path_and_name();
        self.request::<E>(Method::Get, path, what, None, true, options)
            .await
    }

    /// One request and its answer: the body parsed as JSON (`json`), or read and discarded
    /// (a revoke's empty 200). Every call goes through this one async function, so the
    /// `.wasm` has one state machine for sending and reading instead of one per endpoint.
    pub(crate) async fn request<E: ReadEnvelope>(
        &self,
        method: Method,
        path: &str,
        what: &'static str,
        secret: Option<&str>,
        json: bool,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        let answer = self
            .connection
            .send::<E>(method, path, what, secret, options)
            .await?;
        if json {
            answer.json().await
        } else {
            answer.empty().await.map(|()| JsValue::UNDEFINED)
        }
    }
}

/// The three GET endpoints.
#[derive(Clone, Copy)]
pub(crate) enum Get {
    ApiKeys,
    Stats,
    Export,
}

impl Get {
    /// The path, and how messages name the call.
    fn path_and_name(self) -> (&'static str, &'static str) {
        match self {
            Get::ApiKeys => ("/user/api-keys", "GET /user/api-keys"),
            Get::Stats => ("/user/stats", "GET /user/stats"),
            Get::Export => ("/user/export", "GET /user/export"),
        }
    }
}

impl Output for UserStats {
    fn run<'a>(client: &'a Client, _: Endpoint<'a>, options: CallOptions) -> CallFuture<'a, Self> {
        Box::pin(
            async move { decode::stats(client.get_json::<Serde>(Get::Stats, &options).await?) },
        )
    }
}

impl Output for UserExport {
    fn run<'a>(client: &'a Client, _: Endpoint<'a>, options: CallOptions) -> CallFuture<'a, Self> {
        Box::pin(
            async move { decode::export(client.get_json::<Serde>(Get::Export, &options).await?) },
        )
    }
}
