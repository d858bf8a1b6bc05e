//! `check-url`: lint a notify_url against WeChat Pay's rules.
//!
//! The rules: an https URL that WeChat Pay can reach from the internet, without a query
//! string or fragment, at most 256 characters, on a host that is not loopback, private,
//! link-local or unspecified, and that resolves. Redirects are not followed, and an
//! order keeps the notify_url it was placed with.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

use crate::cli::CheckUrlArgs;
use crate::error::{CliResult, Outcome};
use crate::style::Style;

/// Longest notify_url the APIv3 order APIs accept.
pub const MAX_URL_LEN: usize = 256;

/// How long a name lookup may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A name resolver: host and port to addresses, or why not.
pub type Resolver<'a> = &'a dyn Fn(&str, u16) -> Result<Vec<IpAddr>, String>;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// True for a broken rule, false for a passed check.
    pub problem: bool,
    /// What was checked, or what is wrong.
    pub text: String,
}

/// Everything found about one URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlReport {
    /// Checks, passed and failed.
    pub findings: Vec<Finding>,
    /// Addresses the host resolved to.
    pub addresses: Vec<IpAddr>,
    /// Notes that apply to every notify_url.
    pub notes: Vec<String>,
}

impl UrlReport {
    fn pass(&mut self, text: impl Into<String>) {
        self.findings.push(Finding {
            problem: false,
            text: text.into(),
        });
    }

    fn fail(&mut self, text: impl Into<String>) {
        self.findings.push(Finding {
            problem: true,
            text: text.into(),
        });
    }

    /// The number of problems.
    pub fn problems(&self) -> usize {
        self.findings.iter().filter(|f| f.problem).count()
    }
}

/// Why an address cannot receive WeChat Pay's callbacks, if it cannot.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public_v4(v4);
            }
            non_public_v6(v6)
        }
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_unspecified() || a == 0 {
        Some("unspecified (0.0.0.0/8)")
    } else if ip.is_loopback() {
        Some("loopback (127.0.0.0/8): this machine only")
    } else if ip.is_private() {
        Some("private (10/8, 172.16/12, 192.168/16): not reachable from the internet")
    } else if ip.is_link_local() {
        Some("link-local (169.254/16)")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT shared space (100.64/10): not reachable from the internet")
    } else if ip.is_broadcast() || ip.is_multicast() {
        Some("broadcast or multicast")
    } else if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        Some("reserved for documentation or benchmarking")
    } else if a >= 240 {
        Some("reserved (240/4)")
    } else {
        None
    }
}

fn non_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let s0 = ip.segments()[0];
    if ip.is_unspecified() {
        Some("unspecified (::)")
    } else if ip.is_loopback() {
        Some("loopback (::1): this machine only")
    } else if s0 & 0xfe00 == 0xfc00 {
        Some("unique local (fc00::/7): private, not reachable from the internet")
    } else if s0 & 0xffc0 == 0xfe80 {
        Some("link-local (fe80::/10)")
    } else if s0 & 0xffc0 == 0xfec0 {
        Some("site-local (fec0::/10): private")
    } else if s0 & 0xff00 == 0xff00 {
        Some("multicast (ff00::/8)")
    } else if s0 == 0x2001 && ip.segments()[1] == 0x0db8 {
        Some("reserved for documentation (2001:db8::/32)")
    } else {
        None
    }
}

/// Resolves `host` with the system resolver, giving up after a few seconds.
pub fn system_resolve(host: &str, port: u16) -> Result<Vec<IpAddr>, String> {
    let (tx, rx) = mpsc::channel();
    let name = host.to_owned();
    std::thread::spawn(move || {
        let result = (name.as_str(), port)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>())
            .map_err(|e| e.to_string());
        let _ = tx.send(result);
    });
    match rx.recv_timeout(RESOLVE_TIMEOUT) {
        Ok(result) => result,
        Err(_) => Err(format!(
            "no answer from the resolver within {} s",
            RESOLVE_TIMEOUT.as_secs()
        )),
    }
}

/// Special-use names that never resolve on the internet (RFC 6761, RFC 6762).
fn reserved_name(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let tld = host.rsplit('.').next().unwrap_or_default();
    match tld {
        "localhost" => Some("a loopback name (localhost): this machine only"),
        "invalid" | "test" | "example" => {
            Some("a reserved name (.invalid, .test, .example) that never resolves")
        }
        "local" => Some("a .local (mDNS) name, known on the local network only"),
        "internal" | "lan" | "home" | "corp" | "intranet" => {
            Some("an internal name that the internet cannot resolve")
        }
        _ => None,
    }
}

/// Checks a notify_url. `resolve` looks names up (the system resolver in the command).
pub fn check(input: &str, resolve: Resolver<'_>) -> UrlReport {
    let mut r = UrlReport {
        notes: vec![
            "WeChat Pay does not follow redirects (301/302/307/308) or URL forwarding: the \
             notify_url itself must answer the callback with 2xx within 5 s"
                .to_owned(),
            "an order keeps the notify_url it was placed with: changing the URL in your code or \
             configuration only affects orders placed afterwards; callbacks for existing orders \
             still go to the old URL"
                .to_owned(),
            "WeChat Pay must reach the host from the internet: allow its callback IP ranges \
             through firewalls and security groups, and serve a certificate valid for the host"
                .to_owned(),
        ],
        ..UrlReport::default()
    };
    let trimmed = input.trim();
    if trimmed != input {
        r.fail("the URL has surrounding whitespace (a copy-paste error?)");
    }
    if trimmed.chars().count() > MAX_URL_LEN {
        r.fail(format!(
            "the URL is {} characters; notify_url allows at most {MAX_URL_LEN}",
            trimmed.chars().count()
        ));
    } else {
        r.pass(format!("at most {MAX_URL_LEN} characters"));
    }
    let url = match url::Url::parse(trimmed) {
        Ok(u) => u,
        Err(e) => {
            r.fail(format!("not a valid absolute URL: {e}"));
            return r;
        }
    };
    match url.scheme() {
        "https" => r.pass("https"),
        "http" => r.fail(
            "http: WeChat Pay requires https for a notify_url on the internet (plain http is \
             only for a dedicated line, 专线)",
        ),
        other => r.fail(format!("scheme {other}: a notify_url must be https")),
    }
    let query = url.query().is_some_and(|q| !q.is_empty()) || trimmed.contains('?');
    let fragment = url.fragment().is_some() || trimmed.contains('#');
    match (query, fragment) {
        (false, false) => r.pass("no query string or fragment"),
        (true, _) => r.fail(
            "it has a query string (?...): WeChat Pay does not allow parameters in notify_url; \
             put what you need in the path, or in attach",
        ),
        (false, true) => r.fail("it has a fragment (#...): not allowed in notify_url"),
    }
    if query && fragment {
        r.fail("it has a fragment (#...): not allowed in notify_url");
    }
    if !url.username().is_empty() || url.password().is_some() {
        r.fail("it has user:password@: WeChat Pay sends no credentials");
    }
    if let Some(port) = url.port() {
        r.notes.push(format!(
            "port {port} is not the default: make sure it is open to WeChat Pay"
        ));
    }
    let port = url.port_or_known_default().unwrap_or(443);
    match url.host() {
        None => r.fail("no host"),
        Some(url::Host::Ipv4(ip)) => check_literal(&mut r, IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => check_literal(&mut r, IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            if let Some(why) = reserved_name(name) {
                r.fail(format!("host {name} is {why}"));
                if why.contains("never resolves") {
                    // No lookup needed (or wanted).
                    return r;
                }
            } else if !name.contains('.') {
                r.fail(format!(
                    "host {name} is a single-label name, which the internet cannot resolve"
                ));
            }
            match resolve(name, port) {
                Ok(addrs) if addrs.is_empty() => {
                    r.fail(format!("host {name} resolves to no address from here"))
                }
                Ok(addrs) => {
                    let bad: Vec<String> = addrs
                        .iter()
                        .filter_map(|ip| non_public(*ip).map(|why| format!("{ip} is {why}")))
                        .collect();
                    if bad.is_empty() {
                        r.pass(format!(
                            "host {name} resolves to public addresses ({})",
                            join_ips(&addrs)
                        ));
                    } else {
                        r.fail(format!(
                            "host {name} resolves to an address WeChat Pay cannot reach: {}",
                            bad.join("; ")
                        ));
                    }
                    r.addresses = addrs;
                }
                Err(e) => r.fail(format!(
                    "host {name} cannot be resolved from here ({e}); WeChat Pay resolves it on \
                     the public internet, so check its public DNS record (if this machine has \
                     no DNS, run check-url where it has)"
                )),
            }
        }
    }
    r
}

fn check_literal(r: &mut UrlReport, ip: IpAddr) {
    match non_public(ip) {
        Some(why) => r.fail(format!("host {ip} is {why}")),
        None => {
            r.pass(format!("host {ip} is a public address"));
            r.notes.push(
                "the host is an IP address: the https certificate must be valid for that IP; a \
                 domain name is usual"
                    .to_owned(),
            );
        }
    }
    r.addresses = vec![ip];
}

fn join_ips(addrs: &[IpAddr]) -> String {
    let mut seen: Vec<IpAddr> = Vec::new();
    for a in addrs {
        if !seen.contains(a) {
            seen.push(*a);
        }
    }
    seen.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `check-url`.
pub fn run(args: &CheckUrlArgs, json: bool, style: Style) -> CliResult {
    let report = check(&args.url, &system_resolve);
    let problems = report.problems();
    if json {
        let doc = json!({
            "url": args.url,
            "ok": problems == 0,
            "problems": report.findings.iter().filter(|f| f.problem).map(|f| &f.text).collect::<Vec<_>>(),
            "passed": report.findings.iter().filter(|f| !f.problem).map(|f| &f.text).collect::<Vec<_>>(),
            "addresses": report.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "notes": report.notes,
        });
        println!("{doc}");
    } else {
        println!("{} {}", style.bold("check-url"), args.url);
        for f in &report.findings {
            println!("  {} {}", style.mark(!f.problem), f.text);
        }
        for n in &report.notes {
            println!("  {} {n}", style.warn("note:"));
        }
        if problems == 0 {
            println!("{}", style.good("no problem found"));
        } else {
            println!(
                "{}",
                style.bad(&format!(
                    "{problems} problem{} found",
                    if problems == 1 { "" } else { "s" }
                ))
            );
        }
    }
    Ok(Outcome::from_ok(problems == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(host: &str, _port: u16) -> Result<Vec<IpAddr>, String> {
        match host {
            "pay.example.com" | "pay.example.cn" => Ok(vec!["203.0.114.7".parse().unwrap()]),
            "internal.example.cn" => Ok(vec!["10.1.2.3".parse().unwrap()]),
            "mixed.example.cn" => Ok(vec!["8.8.8.8".parse().unwrap(), "fd00::1".parse().unwrap()]),
            _ => Err("no such host".to_owned()),
        }
    }

    #[test]
    fn a_good_url_passes() {
        let r = check("https://pay.example.cn/wechatpay/notify", &fake);
        assert_eq!(r.problems(), 0, "{:?}", r.findings);
        assert_eq!(r.notes.len(), 3);
    }

    #[test]
    fn each_rule_is_named() {
        let cases = [
            ("http://pay.example.cn/notify", "https"),
            ("https://pay.example.cn/notify?order=1", "query"),
            ("https://pay.example.cn/notify#x", "fragment"),
            ("https://internal.example.cn/notify", "10.1.2.3"),
            ("https://mixed.example.cn/notify", "fd00::1"),
            ("https://nowhere.example.cn/notify", "cannot be resolved"),
            ("https://127.0.0.1/notify", "loopback"),
            ("https://[::1]/notify", "loopback"),
            ("https://192.168.1.10/notify", "private"),
            ("https://172.20.0.1/notify", "private"),
            ("https://169.254.169.254/notify", "link-local"),
            ("https://[fe80::1]/notify", "link-local"),
            ("https://0.0.0.0/notify", "unspecified"),
            ("https://[::]/notify", "unspecified"),
            ("https://[::ffff:10.0.0.1]/notify", "private"),
            ("https://100.64.0.1/notify", "carrier-grade"),
            ("https://localhost/notify", "localhost"),
            ("https://shop.local/notify", ".local"),
            ("https://x.invalid/notify", "reserved"),
            ("https://payserver/notify", "single-label"),
            ("https://intranet/notify", "internal name"),
            ("https://u:p@pay.example.cn/notify", "user:password"),
            (" https://pay.example.cn/notify", "whitespace"),
            ("notify", "not a valid"),
            ("ftp://pay.example.cn/notify", "scheme ftp"),
        ];
        for (url, needle) in cases {
            let r = check(url, &fake);
            assert!(r.problems() > 0, "{url}: no problem found");
            assert!(
                r.findings
                    .iter()
                    .any(|f| f.problem && f.text.contains(needle)),
                "{url}: no problem mentions {needle:?}: {:?}",
                r.findings
            );
        }
        let long = format!("https://pay.example.cn/{}", "a".repeat(300));
        assert!(check(&long, &fake).findings[0].text.contains("256"));
    }

    #[test]
    fn public_literals_pass_with_a_note() {
        let r = check("https://1.2.3.4/notify", &fake);
        assert_eq!(r.problems(), 0);
        assert!(r.notes.iter().any(|n| n.contains("IP address")));
        let r = check("https://[2400:3200::1]:8443/notify", &fake);
        assert_eq!(r.problems(), 0, "{:?}", r.findings);
        assert!(r.notes.iter().any(|n| n.contains("port 8443")));
    }

    #[test]
    fn localhost_resolves_to_loopback_here() {
        // The system resolver knows localhost without any network.
        let addrs = system_resolve("localhost", 443).unwrap();
        assert!(addrs.iter().all(|a| a.is_loopback()), "{addrs:?}");
    }
}
