//! `GET /user/stats` and `GET /user/export`.

use crate::call::Call;
use crate::call_core::Endpoint;
use crate::client::Client;
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
}
