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

    pub(crate) async fn get_stats_json<E: ReadEnvelope>(
        &self,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        self.connection
            .send::<E>(Method::Get, "/user/stats", "GET /user/stats", options)
            .await?
            .json()
            .await
    }

    pub(crate) async fn export_data_json<E: ReadEnvelope>(
        &self,
        options: &CallOptions,
    ) -> Result<JsValue, Error> {
        self.connection
            .send::<E>(Method::Get, "/user/export", "GET /user/export", options)
            .await?
            .json()
            .await
    }
}

impl Output for UserStats {
    fn run<'a>(client: &'a Client, _: Endpoint<'a>, options: CallOptions) -> CallFuture<'a, Self> {
        Box::pin(async move { decode::stats(client.get_stats_json::<Serde>(&options).await?) })
    }
}

impl Output for UserExport {
    fn run<'a>(client: &'a Client, _: Endpoint<'a>, options: CallOptions) -> CallFuture<'a, Self> {
        Box::pin(async move { decode::export(client.export_data_json::<Serde>(&options).await?) })
    }
}
