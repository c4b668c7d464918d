//! The README's Rust example, built for wasm32 by the test command (`cargo clippy
//! --all-targets` and `cargo build --examples`): keep the two the same.
//!
//! A Rust wasm front-end rotates its CI key: it creates a new one, revokes the old ones with
//! the same label, and reads the stats.

#[cfg(target_arch = "wasm32")]
mod app {
    use std::time::Duration;

    use estuary_user::{Client, Error, Expiry};

    pub async fn rotate(signal: &web_sys::AbortSignal) -> Result<(), Error> {
        let client = Client::builder("EST…ARY")
            .base_url("http://localhost:3004") // required: build() refuses without it
            .timeout(Duration::from_secs(10)) // default 30 s; .no_timeout() for none
            .max_retries(3) // default 2, at most 10; GET and DELETE only
            .build()?; // checks everything; sends nothing
        let key = client
            .create_api_key()
            .expiry("720h".parse::<Expiry>()?) // Expiry is made only by parsing
            .label("ci")
            .await?;
        for old in client.list_api_keys().await? {
            if old.label == "ci" && old.token_hash != key.token_hash {
                client
                    .revoke_api_key(&old)
                    .timeout(Duration::from_secs(5))
                    .await?;
            }
        }
        let stats = client.get_stats().signal(signal).await?; // per-call options
        println!("{} bytes in {} pins", stats.total_size, stats.num_pins);
        Ok(())
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        let controller = web_sys::AbortController::new().expect("AbortController");
        let signal = controller.signal();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = app::rotate(&signal).await;
        });
    }
}
