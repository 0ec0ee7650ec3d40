//! The accept loop: hyper-util's auto connection builder with an HTTP/1 header-read timeout
//! (`axum::serve` has no such knob), WebSocket upgrades, the peer address as `ConnectInfo`, and
//! graceful shutdown.
//!
//! Slow-header clients (slowloris) are cut off twice over: hyper closes an HTTP/1 connection
//! whose request headers take longer than the timeout, and, because the auto builder first sniffs
//! the protocol with no timer of its own (hyperium/hyper#3962), a connection that has not
//! delivered its first complete request within the same time is dropped here.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// How long graceful shutdown waits for in-flight requests.
const DRAIN_GRACE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (idle keep-alive connections close at once) for up to [`DRAIN_GRACE`].
pub async fn serve(listener: TcpListener, router: Router, header_read_timeout: Duration, shutdown: impl Future<Output = ()>) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = serve_connection(&builder, &graceful, stream, peer, router.clone(), header_read_timeout);
        tokio::spawn(connection);
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("requests still running after the grace period; stopping anyway");
    }
}

fn serve_connection(
    builder: &Arc<Builder<TokioExecutor>>,
    graceful: &GracefulShutdown,
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    first_request_timeout: Duration,
) -> impl Future<Output = ()> + Send + 'static {
    let started = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&started);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        // hyper calls the service once a request's headers are complete.
        seen.store(true, Ordering::Relaxed);
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    });
    let builder = Arc::clone(builder);
    let watcher = graceful.watcher();
    async move {
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = watcher.watch(connection.into_owned());
        tokio::pin!(connection);
        tokio::select! {
            result = &mut connection => log_end(result),
            () = tokio::time::sleep(first_request_timeout) => {
                if started.load(Ordering::Relaxed) {
                    log_end(connection.await);
                } else {
                    // Dropping the connection closes the socket.
                    tracing::debug!("no complete request in time; closing the connection");
                }
            }
        }
    }
}

fn log_end(result: Result<(), Box<dyn std::error::Error + Send + Sync>>) {
    if let Err(err) = result {
        tracing::debug!(error = %err, "connection ended with an error");
    }
}
