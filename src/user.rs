//! `GET /user/stats` and `GET /user/export`.

use wasm_bindgen::JsValue;

use crate::client::Client;
use crate::decode;
use crate::error::Error;
use crate::http::{CallOptions, Method};
use crate::models::{UserExport, UserStats};

impl Client {
    /// Total bytes stored and number of pins (`null` from the node counts as 0).
    pub async fn get_stats(&self, options: &CallOptions) -> Result<UserStats, Error> {
        decode::stats(&self.get_stats_json(options).await?)
    }

    /// Everything the node knows about the user's contents and deals. Not paginated: it
    /// can be large.
    pub async fn export_data(&self, options: &CallOptions) -> Result<UserExport, Error> {
        decode::export(&self.export_data_json(options).await?)
    }

    pub(crate) async fn get_stats_json(&self, options: &CallOptions) -> Result<JsValue, Error> {
        self.connection
            .send(Method::Get, "/user/stats", options)
            .await?
            .json()
            .await
    }

    pub(crate) async fn export_data_json(&self, options: &CallOptions) -> Result<JsValue, Error> {
        self.connection
            .send(Method::Get, "/user/export", options)
            .await?
            .json()
            .await
    }
}
