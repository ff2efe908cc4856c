//! Instants as Unix seconds, shown as calendar dates in the city's time zone (Europe/Berlin).
//! Kept free of chrono so the browser bundle stays small.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// A calendar date in Europe/Berlin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDate {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Timestamp {
    pub fn local_date(self) -> LocalDate {
        let local = self.0 + berlin_offset_secs(self.0);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        LocalDate { year, month, day }
    }

    /// The time of day in Europe/Berlin: hours and minutes.
    pub fn local_time(self) -> (u32, u32) {
        let local = self.0 + berlin_offset_secs(self.0);
        let seconds = u32::try_from(local.rem_euclid(86_400)).unwrap_or(0);
        (seconds / 3_600, seconds % 3_600 / 60)
    }
}

impl LocalDate {
    /// An ISO date as a form's `<input type="date">` sends it: `YYYY-MM-DD`.
    pub fn parse_iso(value: &str) -> Option<Self> {
        let mut parts = value.trim().splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let valid = (2000..=2200).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && civil_from_days(days_from_civil(year, month, day)) == (year, month, day);
        valid.then_some(Self { year, month, day })
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Midnight at the start of this day in Europe/Berlin.
    pub fn start_in_berlin(self) -> Timestamp {
        let midnight_utc = days_from_civil(self.year, self.month, self.day) * 86_400;
        // The offset in force just before local midnight (changes happen at 01:00 UTC).
        Timestamp(midnight_utc - berlin_offset_secs(midnight_utc - 7_200))
    }

    /// The following calendar day.
    pub fn next(self) -> Self {
        let (year, month, day) =
            civil_from_days(days_from_civil(self.year, self.month, self.day) + 1);
        Self { year, month, day }
    }
}

/// Central European Time: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC
/// to the last Sunday of October 01:00 UTC (EU rule since 1996).
fn berlin_offset_secs(utc: i64) -> i64 {
    let (year, _, _) = civil_from_days(utc.div_euclid(86_400));
    let start = last_sunday(year, 3) * 86_400 + 3_600;
    let end = last_sunday(year, 10) * 86_400 + 3_600;
    if (start..end).contains(&utc) {
        7_200
    } else {
        3_600
    }
}

/// Days since 1970-01-01 of the last Sunday of a 31-day month.
fn last_sunday(year: i64, month: u32) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: weekday 0 = Sunday.
    let weekday = (last + 4).rem_euclid(7);
    last - weekday
}

// Howard Hinnant's civil calendar algorithms (public domain).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(ts: i64) -> (i64, u32, u32) {
        let d = Timestamp(ts).local_date();
        (d.year, d.month, d.day)
    }

    #[test]
    fn converts_unix_epoch_and_leap_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn midnight_in_berlin_is_the_next_day_although_utc_is_not() {
        // 2026-11-20 23:30 UTC is 2026-11-21 00:30 CET.
        assert_eq!(date(1_795_217_400), (2026, 11, 21));
        // 2026-07-14 22:30 UTC is 2026-07-15 00:30 CEST.
        assert_eq!(date(1_784_068_200), (2026, 7, 15));
        // 2026-07-14 21:30 UTC is still 2026-07-14 23:30 CEST.
        assert_eq!(date(1_784_064_600), (2026, 7, 14));
    }

    #[test]
    fn times_of_day_are_berlin_times_in_winter_and_summer() {
        // 2026-11-20 23:30 UTC is 00:30 CET; 2026-07-14 21:05 UTC is 23:05 CEST.
        assert_eq!(Timestamp(1_795_217_400).local_time(), (0, 30));
        assert_eq!(Timestamp(1_784_063_100).local_time(), (23, 5));
    }

    #[test]
    fn form_dates_become_berlin_midnights() {
        let winter = LocalDate::parse_iso("2026-11-21").unwrap();
        assert_eq!(winter.start_in_berlin().local_date(), winter);
        assert_eq!(winter.start_in_berlin().0 % 86_400, 86_400 - 3_600);
        let summer = LocalDate::parse_iso("2026-07-15").unwrap();
        assert_eq!(summer.start_in_berlin().0 % 86_400, 86_400 - 7_200);
        assert_eq!(
            LocalDate::parse_iso("2026-12-31").unwrap().next().iso(),
            "2027-01-01"
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "26-1-1",
            "",
            "2026-01-01x",
            "1999-01-01",
        ] {
            assert!(LocalDate::parse_iso(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn daylight_saving_starts_and_ends_on_the_last_sundays() {
        // 2026: DST from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(last_sunday(2026, 3), days_from_civil(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), days_from_civil(2026, 10, 25));
        let start = days_from_civil(2026, 3, 29) * 86_400 + 3_600;
        assert_eq!(berlin_offset_secs(start - 1), 3_600);
        assert_eq!(berlin_offset_secs(start), 7_200);
    }
}
