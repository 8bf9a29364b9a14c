// Date arithmetic, local time and formatting for the Date builtin
// (ECMA-262 §21.4.1), independent of the heap.
//
// Time values are doubles of milliseconds since 1970-01-01T00:00:00Z, as in
// the spec. The abstract operations take and return doubles and keep the
// spec's NaN/Infinity behaviour, so builtins can chain them as the spec does.
// The field extractors (yearFromTime, monthFromTime...) require a finite
// time value; everything derives from an exact integer day count, so they are
// exact over the whole ±8.64e15 ms range and beyond.
//
// Local time uses the process's time zone through localtime_r (thread-safe;
// the only shared state is libc's own time zone data, which the embedder
// sets with tzset() before starting runtimes). Offsets follow DST and
// historical rules and may include seconds (local mean time before 1900).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::date {

inline constexpr double kMsPerSecond = 1000;
inline constexpr double kMsPerMinute = 60000;
inline constexpr double kMsPerHour = 3600000;
inline constexpr double kMsPerDay = 86400000;
// TimeClip's bound: 100,000,000 days either side of the epoch.
inline constexpr double kMaxTimeValue = 8.64e15;

// ---- §21.4.1.3 - §21.4.1.14: days, years, months (t finite) ----------------
double day(double t);             // floor(t / msPerDay)
double timeWithinDay(double t);   // t modulo msPerDay, in [0, msPerDay)
double daysInYear(double y);      // 365 or 366 (y integral)
double dayFromYear(double y);
double timeFromYear(double y);
double yearFromTime(double t);
bool inLeapYear(double t);
int monthFromTime(double t);      // 0..11
int dateFromTime(double t);       // 1..31
int weekDay(double t);            // 0 = Sunday
int hourFromTime(double t);
int minFromTime(double t);
int secFromTime(double t);
int msFromTime(double t);

// Every field at once (one day-count decomposition instead of seven).
struct Fields {
  int64_t year;
  int month;    // 0..11
  int day;      // 1..31
  int weekDay;  // 0 = Sunday
  int hour, minute, second, millisecond;
};
Fields fieldsFromTime(double t);

// ---- §21.4.1.27 - §21.4.1.31: constructing time values ------------------------
// Arguments are Numbers (after ToNumber); these apply ToIntegerOrInfinity and
// return NaN where the spec does.
double makeTime(double hour, double min, double sec, double ms);
double makeDay(double year, double month, double date);
double makeDate(double day, double time);
double makeFullYear(double year);  // 0..99 -> 1900..1999 (Date(y, m) and Date.UTC)
double timeClip(double t);

// ---- local time (§21.4.1.20 - §21.4.1.26) ----------------------------------------
// Offset of local time from UTC at the instant `utc`, in ms (DST included).
double localOffsetMs(double utc);
// LocalTime(t) = t + offset at t (t finite).
double localTime(double utc);
// UTC(t): the instant whose local time is `local`. Repeated local times (DST
// ends) take the earlier instant; skipped ones (DST starts) are read with the
// offset before the transition, as the spec's disambiguation says.
double utcFromLocal(double local);
// The zone's display name at `utc` for Date.prototype.toString, as node
// prints it: "Central European Standard Time", "Coordinated Universal Time";
// "GMT+04:00" when no name is known for the abbreviation libc reports.
std::string timeZoneName(double utc);

// ---- formatting (tv a finite, clipped time value) -------------------------------
std::string formatToString(double tv);      // "Tue Nov 21 2026 10:00:00 GMT+0100 (Central European Standard Time)"
std::string formatDateString(double tv);    // "Tue Nov 21 2026" (local)
std::string formatTimeString(double tv);    // "10:00:00 GMT+0100 (Central European Standard Time)"
std::string formatISOString(double tv);     // "2026-11-21T09:00:00.000Z", "+275760-09-13T00:00:00.000Z"
std::string formatUTCString(double tv);     // "Sat, 21 Nov 2026 09:00:00 GMT"

// ---- parsing ----------------------------------------------------------------------
// Date.parse: the date time string format of §21.4.1.32 (date-only forms are
// UTC, date-time forms without an offset are local time), the formats of
// toString/toUTCString/toISOString, and the common legacy forms V8 accepts
// ("Nov 21 2026", "2026/11/21 10:00", "11/21/2026 10:00 PM", "21 Nov 2026
// 10:00:00 GMT+0100"). Returns a clipped time value or NaN.
double parse(std::u16string_view s);
double parse(std::string_view latin1);

// The wall clock in whole milliseconds since the epoch.
double nowMs();

}  // namespace kiln::date
