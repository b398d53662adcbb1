//! The aws-sdk-s3 client, for the operator's side of storage (creating and
//! checking the bucket, the sweeper): the config's endpoint, region and
//! addressing, and credentials from aws-config's standard chain
//! (environment, profile, SSO, process, instance role) unless given.
//! HTTPS is rustls with ring, like the database connections.

use crate::config::StorageConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::config::Credentials;
use aws_smithy_http_client::tls;

/// An S3 client for `config`'s store. `credentials`: a fixed key (the
/// embedded store's), else the standard chain.
pub async fn sdk_client(
    config: &StorageConfig,
    credentials: Option<(String, String)>,
) -> aws_sdk_s3::Client {
    s3_client(&shared_config(config, credentials).await, config)
}

/// The client for a loaded shared config.
pub fn s3_client(shared: &aws_config::SdkConfig, config: &StorageConfig) -> aws_sdk_s3::Client {
    let s3 = aws_sdk_s3::config::Builder::from(shared)
        .force_path_style(config.path_style)
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

/// Region, endpoint, HTTPS client and credentials, as [`sdk_client`] uses.
pub async fn shared_config(
    config: &StorageConfig,
    credentials: Option<(String, String)>,
) -> aws_config::SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new(config.region.clone()));
    if let Some(endpoint) = &config.endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some((id, secret)) = credentials {
        loader = loader.credentials_provider(Credentials::new(id, secret, None, None, "caseload"));
    }
    loader.load().await
}
