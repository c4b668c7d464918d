//! `GET /user/stats` and `GET /user/export`.

use crate::call::Call;
use crate::client::Client;
use crate::models::{UserExport, UserStats};
use crate::request::Endpoint;

impl Client {
    /// Reads the user's usage: sends `GET /user/stats`.
    ///
    /// Resolves with the bytes stored and the number of pins, as `u64`s (`null` from the node
    /// counts as 0). Retried on network errors, 429, 502, 503 and 504.
    ///
    /// # Errors
    ///
    /// Kind `Unauthorized`, `Forbidden`, `RateLimited`, `Server`, `Http`, `Network`,
    /// `Timeout`, `Aborted`, `Decode` or `InvalidInput`.
    ///
    /// ```no_run
    /// # async fn run(client: estuary_user::Client) -> Result<(), estuary_user::Error> {
    /// let stats = client.get_stats().await?;
    /// println!("{} bytes in {} pins", stats.total_size, stats.num_pins);
    /// # Ok(()) }
    /// ```
    pub fn get_stats(&self) -> Call<'_, UserStats> {
        Call::new(self, Endpoint::GetStats)
    }

    /// Exports everything the node knows about the user's contents and deals: sends
    /// `GET /user/export`.
    ///
    /// Resolves with the export, items loosely typed ([`serde_json::Value`], nested
    /// at most 64 deep). Not paginated: it can be megabytes, so give it a longer timeout.
    /// Retried on network errors (a body cut off included), 429, 502, 503 and 504.
    ///
    /// # Errors
    ///
    /// Kind `Unauthorized`, `Forbidden`, `RateLimited`, `Server`, `Http`, `Network`,
    /// `Timeout`, `Aborted`, `Decode` or `InvalidInput`.
    ///
    /// ```no_run
    /// # async fn run(client: estuary_user::Client) -> Result<(), estuary_user::Error> {
    /// let export = client.export_data().no_timeout().await?;
    /// println!("{} contents", export.version1.contents.len());
    /// # Ok(()) }
    /// ```
    pub fn export_data(&self) -> Call<'_, UserExport> {
        Call::new(self, Endpoint::ExportData)
    }
}
