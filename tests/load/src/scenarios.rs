//! The three scenarios. Each prints one `result:` line per figure.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use parlour_shared::ws::{ClientFrame, ServerFrame};
use parlour_shared::{ClientMessageId, MessageBody};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::client::{self, Socket};
use crate::server::Target;
use crate::stats::summarise;
use crate::LoadError;

fn http_client() -> Result<reqwest::Client, LoadError> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(1_024).build()?)
}

/// Runs `count` jobs with at most `concurrency` in flight; returns their results in any order.
async fn run_bounded<T, F, Fut>(count: usize, concurrency: usize, job: F) -> Vec<Result<T, LoadError>>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, LoadError>> + Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let job = Arc::new(job);
    let workers: Vec<_> = (0..concurrency.min(count.max(1)))
        .map(|_| {
            let (next, job) = (Arc::clone(&next), Arc::clone(&job));
            tokio::spawn(async move {
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break out;
                    }
                    out.push(job(i).await);
                }
            })
        })
        .collect();
    let mut results = Vec::with_capacity(count);
    for worker in workers {
        results.extend(worker.await.unwrap_or_default());
    }
    results
}

/// Opens `count` sessions (init + WebSocket each), 64 at a time; returns the sockets and how many
/// failed.
async fn open_sessions(http: &reqwest::Client, base: &str, project: &str, count: usize) -> (Vec<Socket>, usize) {
    let (http, base, project) = (http.clone(), base.to_owned(), project.to_owned());
    let results = run_bounded(count, 64, move |_| {
        let (http, base, project) = (http.clone(), base.clone(), project.clone());
        async move {
            let session = client::init_session(&http, &base, &project).await?;
            client::connect(&session).await
        }
    })
    .await;
    let mut sockets = Vec::with_capacity(count);
    let mut failures = 0;
    for result in results {
        match result {
            Ok(socket) => sockets.push(socket),
            Err(err) => {
                failures += 1;
                if failures <= 3 {
                    eprintln!("session failed: {err}");
                }
            }
        }
    }
    (sockets, failures)
}

/// Idle sessions: RSS per open session. Opens them in two halves and reports both the average
/// (all growth over the warmed-up baseline, bounded caches included) and the marginal cost of the
/// second half (what one more idle session costs once caches have filled).
pub async fn idle(target: &Target, project: &str, sessions: usize) -> Result<(), LoadError> {
    let http = http_client()?;
    // Warm the server (pools, caches) before the baseline.
    let warm = client::init_session(&http, &target.base_url, project).await?;
    drop(client::connect(&warm).await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = target.rss_kib();
    let started = Instant::now();
    let first_half = sessions / 2;
    let (mut sockets, mut failures) = open_sessions(&http, &target.base_url, project, first_half).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let middle = target.rss_kib();
    let opened_first = sockets.len();
    let (more, more_failures) = open_sessions(&http, &target.base_url, project, sessions - first_half).await;
    sockets.extend(more);
    failures += more_failures;
    println!("result: opened {} sessions ({failures} failed) in {:.1} s", sockets.len(), started.elapsed().as_secs_f64());
    // Let allocator and buffers settle, then measure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    match (before, middle, target.rss_kib()) {
        (Some(before), Some(middle), Some(after)) if !sockets.is_empty() => {
            #[allow(clippy::cast_precision_loss)]
            let per = (after.saturating_sub(before)) as f64 / sockets.len() as f64;
            #[allow(clippy::cast_precision_loss)]
            let marginal = (after.saturating_sub(middle)) as f64 / (sockets.len() - opened_first).max(1) as f64;
            println!("result: server RSS {before} KiB before, {middle} KiB with {opened_first}, {after} KiB with {} idle sessions", sockets.len());
            println!("result: {per:.2} KiB per idle session on average, bounded caches included");
            println!("result: {marginal:.2} KiB per additional idle session, from {opened_first} to {} (target <= 4 KiB)", sockets.len());
        }
        _ => println!("result: RSS not measured (attach mode or no sessions)"),
    }
    for mut socket in sockets {
        let _ = socket.close(None).await;
    }
    Ok(())
}

/// One sending socket: sends on a fixed schedule, records schedule-to-ack latency (so a stalled
/// server shows up as latency, not as fewer samples).
async fn sender(mut socket: Socket, interval: Duration, until: Instant, grace: Duration) -> Result<(Vec<Duration>, usize), LoadError> {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut pending: HashMap<String, Instant> = HashMap::new();
    let mut latencies = Vec::new();
    let body = MessageBody::parse("load test message: the quick brown fox jumps over the lazy dog")
        .map_err(|e| LoadError::Protocol(e.to_string()))?;
    let deadline = until + grace;
    loop {
        tokio::select! {
            tick = ticker.tick(), if tick_allowed(until) => {
                let id = uuid::Uuid::new_v4().to_string();
                let frame = ClientFrame::UserMessage {
                    client_message_id: ClientMessageId::parse(id.clone()).map_err(|e| LoadError::Protocol(e.to_string()))?,
                    body: Some(body.clone()),
                    attachment_ids: Vec::new(),
                };
                let text = serde_json::to_string(&frame).map_err(|e| LoadError::Protocol(e.to_string()))?;
                pending.insert(id, tick.into_std());
                socket.send(WsMessage::text(text)).await?;
            }
            frame = socket.next() => {
                let Some(frame) = frame else { break };
                if let WsMessage::Text(text) = frame?
                    && let Ok(ServerFrame::Ack { client_message_id, .. }) = serde_json::from_str::<ServerFrame>(&text)
                        && let Some(sent) = pending.remove(client_message_id.as_str()) {
                            latencies.push(sent.elapsed());
                        }
            }
            () = tokio::time::sleep_until(deadline.into()) => break,
        }
        if Instant::now() >= until && pending.is_empty() {
            break;
        }
    }
    let _ = socket.close(None).await;
    Ok((latencies, pending.len()))
}

fn tick_allowed(until: Instant) -> bool {
    Instant::now() < until
}

/// Persisted messages per second and the send-to-ack round trip.
pub async fn messages(target: &Target, project: &str, connections: usize, rate: u32, seconds: u64) -> Result<(), LoadError> {
    let http = http_client()?;
    let mut sockets = Vec::with_capacity(connections);
    for _ in 0..connections {
        let session = client::init_session(&http, &target.base_url, project).await?;
        sockets.push(client::connect(&session).await?);
    }
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let interval = Duration::from_secs_f64(connections as f64 / f64::from(rate));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = sockets.into_iter().map(|s| tokio::spawn(sender(s, interval, until, Duration::from_secs(10)))).collect();
    let (mut latencies, mut lost) = (Vec::new(), 0);
    for task in tasks {
        match task.await {
            Ok(Ok((l, p))) => {
                latencies.extend(l);
                lost += p;
            }
            Ok(Err(err)) => eprintln!("sender failed: {err}"),
            Err(err) => eprintln!("sender panicked: {err}"),
        }
    }
    let elapsed = started.elapsed().as_secs_f64().max(f64::from(u32::try_from(seconds).unwrap_or(1)));
    #[allow(clippy::cast_precision_loss)]
    let throughput = latencies.len() as f64 / elapsed;
    println!("result: {connections} sockets, offered {rate} msg/s for {seconds} s");
    println!("result: {} messages acknowledged (persisted), {lost} without ack, {throughput:.0} msg/s", latencies.len());
    if let Some(summary) = summarise(&mut latencies) {
        println!("result: send-to-ack round trip {summary} (target p99 <= 10 ms at 10,000 msg/s)");
    }
    Ok(())
}

/// Session inits per second, each with its database write.
pub async fn inits(target: &Target, project: &str, total: usize, concurrency: usize) -> Result<(), LoadError> {
    let http = http_client()?;
    let (base, project) = (target.base_url.clone(), project.to_owned());
    let started = Instant::now();
    let results = run_bounded(total, concurrency, move |_| {
        let (http, base, project) = (http.clone(), base.clone(), project.clone());
        async move {
            let t = Instant::now();
            client::init_session(&http, &base, &project).await?;
            Ok(t.elapsed())
        }
    })
    .await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut latencies: Vec<Duration> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    let failed = results.len() - latencies.len();
    if let Some(err) = results.into_iter().find_map(Result::err) {
        eprintln!("first failure: {err}");
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = latencies.len() as f64 / elapsed;
    println!("result: {} session inits ({failed} failed) in {elapsed:.2} s = {rate:.0} inits/s (target >= 10,000/s)", latencies.len());
    if let Some(summary) = summarise(&mut latencies) {
        println!("result: init latency {summary}");
    }
    Ok(())
}
