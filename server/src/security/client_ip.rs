//! Which IP a request comes from: the TCP peer, unless the peer is one of our own reverse
//! proxies (`--trusted-proxies`, CIDR list), in which case the right-most `X-Forwarded-For`
//! entry that is not itself a trusted proxy. A client cannot spoof its address by sending the
//! header itself: an untrusted peer's header is ignored, and entries it prepended sit left of the
//! address our proxy appended.

use std::net::{IpAddr, Ipv6Addr};

/// An IP network such as `10.0.0.0/8` or `::1/128` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{raw}` is not an address or CIDR network such as 10.0.0.0/8");
        let (addr, prefix) = match raw.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (raw.trim(), None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    /// Whether `ip` is inside this network (IPv4-mapped IPv6 addresses count as IPv4).
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// These networks.
    #[must_use]
    pub fn new(networks: Vec<Cidr>) -> Self {
        Self(networks)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client's address for a connection from `peer` carrying these `X-Forwarded-For`
    /// header values (in order).
    #[must_use]
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl DoubleEndedIterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let mut client = peer;
        for entry in forwarded_for.rev().flat_map(|value| value.rsplit(',')) {
            let Ok(ip) = entry.trim().parse::<IpAddr>() else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        canonical(client)
    }
}

/// The key rate limits count an address under: IPv4 as is, IPv6 by its /64 (one subscriber
/// usually holds a whole /64, so per-address keys would be free to multiply).
#[must_use]
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        v4 @ IpAddr::V4(_) => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|c| c.parse().unwrap()).collect())
    }

    #[test]
    fn networks_parse_and_contain_their_addresses() {
        let net: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.1")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.0.0.1")), "IPv4-mapped counts as IPv4");
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        assert!("127.0.0.1".parse::<Cidr>().unwrap().contains(ip("127.0.0.1")));
        for bad in ["", "10.0.0.0/33", "::/129", "example.com", "10.0.0.0/x"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn an_untrusted_peers_forwarded_for_is_ignored() {
        let list = proxies(&["10.0.0.0/8"]);
        assert_eq!(list.client_ip(ip("203.0.113.9"), ["1.2.3.4"].into_iter()), ip("203.0.113.9"));
        assert_eq!(TrustedProxies::default().client_ip(ip("127.0.0.1"), ["1.2.3.4"].into_iter()), ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_names_the_right_most_untrusted_address() {
        let list = proxies(&["10.0.0.0/8"]);
        // The client forged "6.6.6.6"; our proxy appended the real address.
        assert_eq!(list.client_ip(ip("10.0.0.2"), ["6.6.6.6, 198.51.100.7"].into_iter()), ip("198.51.100.7"));
        assert_eq!(list.client_ip(ip("10.0.0.2"), ["6.6.6.6", "198.51.100.7, 10.0.0.3"].into_iter()), ip("198.51.100.7"));
        assert_eq!(list.client_ip(ip("10.0.0.2"), std::iter::empty()), ip("10.0.0.2"));
        assert_eq!(list.client_ip(ip("10.0.0.2"), ["garbage"].into_iter()), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_slash_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }
}
