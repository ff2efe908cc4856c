//! The client's address behind reverse proxies. A request's peer is the proxy when one
//! stands in front of the instance; only a proxy the operator names as trusted
//! (`MITREDEN_TRUSTED_PROXIES`) is believed when it says, in `X-Forwarded-For`, whom it
//! forwards for. Anyone else can write that header, so it is ignored from them.

use std::net::IpAddr;

/// Addresses and networks (`10.0.0.0/8`, `::1`), from a comma-separated list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks {
    networks: Vec<(IpAddr, u8)>,
}

/// Addresses and networks whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Networks);

impl Networks {
    /// Reads a comma-separated list; the error names the entry that is not an address.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let address: IpAddr = address
                .parse()
                .map_err(|_| format!("'{entry}' is not an IP address or network"))?;
            let bits = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(prefix) => prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= bits)
                    .ok_or_else(|| format!("'{entry}' has no valid prefix length"))?,
                None => bits,
            };
            networks.push((address, prefix));
        }
        Ok(Self { networks })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.networks
            .iter()
            .any(|(network, prefix)| contains(*network, *prefix, address))
    }
}

impl TrustedProxies {
    pub fn parse(list: &str) -> Result<Self, String> {
        Networks::parse(list).map(Self)
    }

    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.contains(address)
    }

    /// The client: the peer, unless the peer is a trusted proxy; then, from the right of
    /// `X-Forwarded-For` (each proxy appends the address it was reached from), the first
    /// address that is not a trusted proxy itself.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in header.rsplit(',') {
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                // A hop that is not an address ends what can be believed.
                break;
            };
            client = address;
            if !self.trusts(address) {
                break;
            }
        }
        client
    }
}

fn contains(network: IpAddr, prefix: u8, address: IpAddr) -> bool {
    match (network, address) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(value: &str) -> IpAddr {
        value.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let forwarded = Some("203.0.113.9, 10.1.2.3");
        // Through the city's two proxies: the address before them.
        assert_eq!(proxies.client(ip("10.0.0.2"), forwarded), ip("203.0.113.9"));
        // Anyone else's header is not believed.
        assert_eq!(
            proxies.client(ip("198.51.100.1"), forwarded),
            ip("198.51.100.1")
        );
        // A client that forged a first hop gets the address the proxy saw.
        assert_eq!(
            proxies.client(ip("::1"), Some("1.2.3.4, 198.51.100.77")),
            ip("198.51.100.77")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.2"), Some("garbage")),
            ip("10.0.0.2")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.2"), forwarded),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn lists_are_checked() {
        assert!(Networks::parse("").unwrap().networks.is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .unwrap()
                .trusts(ip("8.8.8.8"))
        );
    }
}
