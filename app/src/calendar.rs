//! Dates in Vietnam time (UTC+7, no daylight saving): what a "month" means for reports, and the day a
//! timestamp falls on. Shared by server and browser; no time-zone database needed.

const DAY_MS: i64 = 86_400_000;
const OFFSET_MS: i64 = 7 * 3_600_000;

/// (year, month, day) in Vietnam of a Unix-millisecond timestamp.
pub fn civil(ms: i64) -> (i64, u32, u32) {
    let days = (ms + OFFSET_MS).div_euclid(DAY_MS);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m as u32, d as u32)
}

/// Days since 1970-01-01 of a civil date (Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The report month of a timestamp, `YYYY-MM`: text that sorts and groups the same on every database.
pub fn month_key(ms: i64) -> String {
    let (y, m, _) = civil(ms);
    format!("{y:04}-{m:02}")
}

/// A `YYYY-MM` month key as people write it: `MM/YYYY`.
pub fn month_label(key: &str) -> String {
    format!("{}/{}", key.get(5..7).unwrap_or(""), key.get(0..4).unwrap_or(""))
}

/// A `YYYY-MM` month as (year, month), if it is one.
pub fn parse_month(s: &str) -> Option<(i64, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m): (i64, u32) = (y.parse().ok()?, m.parse().ok()?);
    ((1970..=9999).contains(&y) && (1..=12).contains(&m) && s.trim().len() == 7).then_some((y, m))
}

/// The first millisecond of a month in Vietnam.
pub fn month_start_ms(y: i64, m: u32) -> i64 {
    days_from_civil(y, m, 1) * DAY_MS - OFFSET_MS
}

/// The month after (year, month).
pub fn next_month(y: i64, m: u32) -> (i64, u32) {
    if m == 12 {
        (y + 1, 1)
    } else {
        (y, m + 1)
    }
}

/// A `YYYY-MM-DD` date as the last millisecond of that day in Vietnam, if it is a real date.
pub fn day_end_ms(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d): (i64, u32, u32) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let start = days_from_civil(y, m, d) * DAY_MS - OFFSET_MS;
    // Reject 31/02 and friends: the day must map back to itself.
    (civil(start) == (y, m, d)).then_some(start + DAY_MS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_turn_at_midnight_in_vietnam() {
        // 2026-01-31 17:00 UTC is 2026-02-01 00:00 in Hà Nội.
        let feb = month_start_ms(2026, 2);
        assert_eq!(feb, 1_769_878_800_000);
        assert_eq!(month_key(feb), "2026-02");
        assert_eq!(month_key(feb - 1), "2026-01");
        assert_eq!(next_month(2026, 12), (2027, 1));
        assert_eq!(month_key(month_start_ms(2024, 3) - 1), "2024-02");
    }

    #[test]
    fn months_and_days_as_typed() {
        assert_eq!(parse_month("2026-07"), Some((2026, 7)));
        for bad in ["2026-13", "2026-7", "26-07", "2026/07", "", "x"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
        assert_eq!(day_end_ms("2026-12-31"), Some(month_start_ms(2027, 1) - 1));
        assert_eq!(day_end_ms("2026-02-31"), None);
        assert_eq!(day_end_ms("2026-02-xx"), None);
    }
}

/// A date (`YYYY-MM-DD`) and time (`HH:MM`) in Vietnam as Unix milliseconds.
pub fn local_ms(date: &str, time: &str) -> Option<i64> {
    let d: Vec<&str> = date.trim().split('-').collect();
    let t: Vec<&str> = time.trim().split(':').collect();
    let [y, m, day] = d.as_slice() else { return None };
    let [h, min] = t.as_slice() else { return None };
    let (y, m, day, h, min): (i64, u32, u32, i64, i64) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?, h.parse().ok()?, min.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || !(0..24).contains(&h) || !(0..60).contains(&min) || !(2000..=2100).contains(&y) {
        return None;
    }
    let ms = days_from_civil(y, m, day) * DAY_MS + (h * 60 + min) * 60_000 - OFFSET_MS;
    // 31 February and friends come back as another day.
    (civil(ms) == (y, m, day)).then_some(ms)
}

/// `HH:MM` in Vietnam of a timestamp.
pub fn local_time(ms: i64) -> String {
    let minutes = (ms + OFFSET_MS).div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod local_tests {
    use super::*;

    #[test]
    fn a_workshop_time_is_read_and_written_in_vietnam_time() {
        let ms = local_ms("2026-12-05", "08:30").unwrap();
        assert_eq!(ms, 1_796_434_200_000, "01:30 UTC");
        assert_eq!(local_time(ms), "08:30");
        assert_eq!(civil(ms), (2026, 12, 5));
        assert_eq!(local_ms("2026-02-31", "08:00"), None);
        assert_eq!(local_ms("2026-12-05", "24:00"), None);
        assert_eq!(local_ms("hôm nay", "08:00"), None);
    }
}
