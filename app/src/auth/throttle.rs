//! Throttling that holds (security review M-6, M-7). Every counter is one atomic statement
//! (`db::user::hit`), and a sign-in takes its turn *before* the password is hashed, so parallel guesses
//! cannot slip between a check and a write. Limits, by key:
//!
//! - the pair (number, address): 5 tries in 15 minutes, then wait; the owner elsewhere is not affected;
//! - the number, from anywhere: past 20 failures in an hour it is slowed to one try per 30 seconds, so a
//!   botnet or an IPv6 block gets no unlimited guesses, and the owner is slowed, never locked out;
//! - the address: past 50 failures in 10 minutes it is slowed to one try per second. Carrier NAT and a
//!   workshop's Wi-Fi put many people behind one address: slowing, not locking, keeps them signing in;
//! - sign-up: 20 per address in 10 minutes.
//!
//! An IPv6 address counts by its /64 (one subscriber's block), and phone numbers are kept only as a hash.

use crate::db::{self, Db};

const PAIR_TRIES: i64 = 5;
const PAIR_WINDOW_MS: i64 = 15 * 60 * 1000;
const NUMBER_FAILURES: i64 = 20;
const NUMBER_WINDOW_MS: i64 = 60 * 60 * 1000;
const NUMBER_SLOW_MS: i64 = 30 * 1000;
const ADDRESS_FAILURES: i64 = 50;
const ADDRESS_WINDOW_MS: i64 = 10 * 60 * 1000;
const ADDRESS_SLOW_MS: i64 = 1000;
pub const SIGN_UPS_PER_ADDRESS: i64 = 20;
const SIGN_UP_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The address a limit counts: an IPv6 address by its /64, anything else as it is.
pub fn address_group(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => addr.chars().take(64).collect(),
    }
}

/// A phone number as the counters keep it.
fn number_key(phone: &str) -> String {
    crate::content::sha256_hex(format!("taphuan-throttle|{phone}").as_bytes())[..24].to_string()
}

/// Whether this sign-in may go on to check the password. Takes the turn when it may.
pub async fn may_try_sign_in(db: &Db, phone: &str, addr: &str) -> Result<bool, sqlx::Error> {
    let (number, group) = (number_key(phone), address_group(addr));
    if db::user::hit(db, &format!("pair:{number}|{group}"), PAIR_WINDOW_MS).await? > PAIR_TRIES {
        return Ok(false);
    }
    if db::user::rate_count(db, &format!("number:{number}"), NUMBER_WINDOW_MS).await? >= NUMBER_FAILURES
        && db::user::hit(db, &format!("number-turn:{number}"), NUMBER_SLOW_MS).await? > 1
    {
        return Ok(false);
    }
    if db::user::rate_count(db, &format!("address:{group}"), ADDRESS_WINDOW_MS).await? >= ADDRESS_FAILURES
        && db::user::hit(db, &format!("address-turn:{group}"), ADDRESS_SLOW_MS).await? > 1
    {
        return Ok(false);
    }
    Ok(true)
}

/// A wrong number or password: it counts against the number everywhere and against the address.
pub async fn failed_sign_in(db: &Db, phone: &str, addr: &str) -> Result<(), sqlx::Error> {
    let (number, group) = (number_key(phone), address_group(addr));
    db::user::hit(db, &format!("number:{number}"), NUMBER_WINDOW_MS).await?;
    db::user::hit(db, &format!("address:{group}"), ADDRESS_WINDOW_MS).await?;
    Ok(())
}

/// A right password: this phone's tries from this address start again.
pub async fn signed_in(db: &Db, phone: &str, addr: &str) -> Result<(), sqlx::Error> {
    db::user::throttle_clear(db, &format!("pair:{}|{}", number_key(phone), address_group(addr))).await
}

/// Whether one more sign-up from this address may go on. Takes the turn when it may.
pub async fn may_sign_up(db: &Db, addr: &str) -> Result<bool, sqlx::Error> {
    Ok(db::user::hit(db, &format!("sign-up:{}", address_group(addr)), SIGN_UP_WINDOW_MS).await? <= SIGN_UPS_PER_ADDRESS)
}

#[cfg(test)]
mod tests {
    use super::address_group;

    #[test]
    fn ipv6_counts_by_its_64_and_ipv4_as_it_is() {
        assert_eq!(address_group("2001:db8:0:1::1"), address_group("2001:db8:0:1:ffff:1:2:3"));
        assert_ne!(address_group("2001:db8:0:1::1"), address_group("2001:db8:0:2::1"));
        assert_eq!(address_group("2001:db8:0:1::1"), "2001:db8:0:1::/64");
        assert_eq!(address_group("203.0.113.7"), "203.0.113.7");
        assert_eq!(address_group("::ffff:203.0.113.7"), "203.0.113.7");
    }
}
