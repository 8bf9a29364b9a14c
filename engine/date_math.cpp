// Date arithmetic (ECMA-262 §21.4.1), local time through libc, formatting and
// Date.parse.
//
// Calendar conversions go through an integer day count with the proleptic
// Gregorian era arithmetic (400-year eras of 146097 days), which is exact and
// constant time for any year, unlike the spec's search-based YearFromTime.
#include "engine/date_math.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <limits>
#include <optional>

namespace kiln::date {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr const char* kWeekDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Days from 1970-01-01 to year-month-day (month 1..12) in the proleptic
// Gregorian calendar. Years are counted from March so the leap day is last.
int64_t daysFromCivil(int64_t year, int month, int dayOfMonth) {
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = floorDiv(y, 400);
  int64_t yearOfEra = y - era * 400;                                   // 0..399
  int64_t monthFromMarch = month > 2 ? month - 3 : month + 9;          // 0..11
  int64_t dayOfYear = (153 * monthFromMarch + 2) / 5 + dayOfMonth - 1;  // 0..365
  int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

Civil civilFromDays(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = floorDiv(z, 146097);
  int64_t dayOfEra = z - era * 146097;  // 0..146096
  int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  int64_t monthFromMarch = (5 * dayOfYear + 2) / 153;
  int d = int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
  int m = int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
  return {yearOfEra + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t dayNumber(double t) { return int64_t(std::floor(t / kMsPerDay)); }

double toInteger(double x) {
  if (std::isnan(x)) return 0;
  return std::trunc(x) + 0.0;  // + 0.0 turns -0 into +0
}

}  // namespace

// ---- §21.4.1.3 - §21.4.1.14 ---------------------------------------------------------

double day(double t) { return std::floor(t / kMsPerDay); }

double timeWithinDay(double t) {
  double r = std::fmod(t, kMsPerDay);
  return r < 0 ? r + kMsPerDay : r + 0.0;
}

double daysInYear(double y) {
  if (std::fmod(y, 4) != 0) return 365;
  if (std::fmod(y, 100) != 0) return 366;
  if (std::fmod(y, 400) != 0) return 365;
  return 366;
}

double dayFromYear(double y) {
  return 365 * (y - 1970) + std::floor((y - 1969) / 4) - std::floor((y - 1901) / 100) +
         std::floor((y - 1601) / 400);
}

double timeFromYear(double y) { return kMsPerDay * dayFromYear(y); }

double yearFromTime(double t) { return double(civilFromDays(dayNumber(t)).year); }

bool inLeapYear(double t) { return daysInYear(yearFromTime(t)) == 366; }

int monthFromTime(double t) { return civilFromDays(dayNumber(t)).month - 1; }

int dateFromTime(double t) { return civilFromDays(dayNumber(t)).day; }

int weekDay(double t) { return int(((dayNumber(t) + 4) % 7 + 7) % 7); }

int hourFromTime(double t) { return int(timeWithinDay(t) / kMsPerHour); }
int minFromTime(double t) { return int(std::fmod(timeWithinDay(t), kMsPerHour) / kMsPerMinute); }
int secFromTime(double t) { return int(std::fmod(timeWithinDay(t), kMsPerMinute) / kMsPerSecond); }
int msFromTime(double t) { return int(std::fmod(timeWithinDay(t), kMsPerSecond)); }

Fields fieldsFromTime(double t) {
  int64_t days = dayNumber(t);
  Civil c = civilFromDays(days);
  int64_t ms = int64_t(t - double(days) * kMsPerDay);  // 0 .. msPerDay-1
  Fields f;
  f.year = c.year;
  f.month = c.month - 1;
  f.day = c.day;
  f.weekDay = int(((days + 4) % 7 + 7) % 7);
  f.hour = int(ms / 3600000);
  f.minute = int(ms / 60000 % 60);
  f.second = int(ms / 1000 % 60);
  f.millisecond = int(ms % 1000);
  return f;
}

// ---- §21.4.1.27 - §21.4.1.31 --------------------------------------------------------

double makeTime(double hour, double min, double sec, double ms) {
  if (!std::isfinite(hour) || !std::isfinite(min) || !std::isfinite(sec) || !std::isfinite(ms)) return kNaN;
  // Evaluated with IEEE double arithmetic, in the spec's order.
  return ((toInteger(hour) * kMsPerHour + toInteger(min) * kMsPerMinute) + toInteger(sec) * kMsPerSecond) +
         toInteger(ms);
}

double makeDay(double year, double month, double date) {
  if (!std::isfinite(year) || !std::isfinite(month) || !std::isfinite(date)) return kNaN;
  double y = toInteger(year), m = toInteger(month), dt = toInteger(date);
  double ym = y + std::floor(m / 12);
  // Beyond a few hundred thousand years no day can survive TimeClip; the
  // bound keeps the integer day arithmetic exact.
  if (!std::isfinite(ym) || std::fabs(ym) > 1e8) return kNaN;
  double mn = m - std::floor(m / 12) * 12;
  double days = double(daysFromCivil(int64_t(ym), int(mn) + 1, 1));
  return days + dt - 1;
}

double makeDate(double day, double time) {
  if (!std::isfinite(day) || !std::isfinite(time)) return kNaN;
  double tv = day * kMsPerDay + time;
  return std::isfinite(tv) ? tv : kNaN;
}

double makeFullYear(double year) {
  if (std::isnan(year)) return kNaN;
  double t = toInteger(year);
  return (t >= 0 && t <= 99) ? 1900 + t : year;
}

double timeClip(double t) {
  if (!std::isfinite(t) || std::fabs(t) > kMaxTimeValue) return kNaN;
  return toInteger(t);
}

// ---- local time ---------------------------------------------------------------------------

namespace {

struct LocalInfo {
  double offsetMs = 0;
  bool isDst = false;
  char abbreviation[16] = "UTC";
};

LocalInfo localInfo(double utc) {
  LocalInfo info;
  if (!std::isfinite(utc)) return info;
  time_t secs = time_t(std::floor(utc / 1000));
  struct tm tm;
  if (!localtime_r(&secs, &tm)) return info;
  info.offsetMs = double(tm.tm_gmtoff) * 1000;
  info.isDst = tm.tm_isdst > 0;
  if (tm.tm_zone) {
    size_t n = std::min(sizeof info.abbreviation - 1, std::char_traits<char>::length(tm.tm_zone));
    std::copy_n(tm.tm_zone, n, info.abbreviation);
    info.abbreviation[n] = 0;
  }
  return info;
}

// "+0100" / "-0456": whole minutes of the offset, truncated as V8 does.
std::string offsetString(double offsetMs) {
  int64_t minutes = int64_t(offsetMs / kMsPerMinute);
  char sign = minutes < 0 ? '-' : '+';
  minutes = minutes < 0 ? -minutes : minutes;
  return fmt::format("{}{:02}{:02}", sign, minutes / 60, minutes % 60);
}

struct ZoneName {
  const char* abbreviation;
  int offsetMinutes;  // disambiguates shared abbreviations; kAnyOffset matches all
  const char* name;
};
constexpr int kAnyOffset = 100000;

// Long names as ICU (and therefore node) prints them, for the abbreviations
// glibc reports from the tz database.
constexpr ZoneName kZoneNames[] = {
    {"UTC", kAnyOffset, "Coordinated Universal Time"},
    {"GMT", kAnyOffset, "Greenwich Mean Time"},
    {"BST", 60, "British Summer Time"},
    {"BST", 360, "Bangladesh Standard Time"},
    {"IST", 60, "Irish Standard Time"},
    {"IST", 120, "Israel Standard Time"},
    {"IST", 330, "India Standard Time"},
    {"IDT", kAnyOffset, "Israel Daylight Time"},
    {"WET", kAnyOffset, "Western European Standard Time"},
    {"WEST", kAnyOffset, "Western European Summer Time"},
    {"CET", kAnyOffset, "Central European Standard Time"},
    {"CEST", kAnyOffset, "Central European Summer Time"},
    {"MET", kAnyOffset, "Central European Standard Time"},
    {"MEST", kAnyOffset, "Central European Summer Time"},
    {"EET", kAnyOffset, "Eastern European Standard Time"},
    {"EEST", kAnyOffset, "Eastern European Summer Time"},
    {"MSK", kAnyOffset, "Moscow Standard Time"},
    {"SAST", kAnyOffset, "South Africa Standard Time"},
    {"CAT", kAnyOffset, "Central Africa Time"},
    {"EAT", kAnyOffset, "East Africa Time"},
    {"WAT", kAnyOffset, "West Africa Standard Time"},
    {"PKT", kAnyOffset, "Pakistan Standard Time"},
    {"WIB", kAnyOffset, "Western Indonesia Time"},
    {"WITA", kAnyOffset, "Central Indonesia Time"},
    {"WIT", kAnyOffset, "Eastern Indonesia Time"},
    {"CST", 480, "China Standard Time"},
    {"CST", -360, "Central Standard Time"},
    {"CST", -300, "Cuba Standard Time"},
    {"CDT", -300, "Central Daylight Time"},
    {"CDT", -240, "Cuba Daylight Time"},
    {"HKT", kAnyOffset, "Hong Kong Standard Time"},
    {"PST", 480, "Philippine Standard Time"},
    {"PST", -480, "Pacific Standard Time"},
    {"PDT", kAnyOffset, "Pacific Daylight Time"},
    {"JST", kAnyOffset, "Japan Standard Time"},
    {"KST", kAnyOffset, "Korean Standard Time"},
    {"AWST", kAnyOffset, "Australian Western Standard Time"},
    {"ACST", kAnyOffset, "Australian Central Standard Time"},
    {"ACDT", kAnyOffset, "Australian Central Daylight Time"},
    {"AEST", kAnyOffset, "Australian Eastern Standard Time"},
    {"AEDT", kAnyOffset, "Australian Eastern Daylight Time"},
    {"NZST", kAnyOffset, "New Zealand Standard Time"},
    {"NZDT", kAnyOffset, "New Zealand Daylight Time"},
    {"EST", kAnyOffset, "Eastern Standard Time"},
    {"EDT", kAnyOffset, "Eastern Daylight Time"},
    {"MST", kAnyOffset, "Mountain Standard Time"},
    {"MDT", kAnyOffset, "Mountain Daylight Time"},
    {"AKST", kAnyOffset, "Alaska Standard Time"},
    {"AKDT", kAnyOffset, "Alaska Daylight Time"},
    {"HST", kAnyOffset, "Hawaii-Aleutian Standard Time"},
    {"HDT", kAnyOffset, "Hawaii-Aleutian Daylight Time"},
    {"AST", -240, "Atlantic Standard Time"},
    {"AST", 180, "Arabian Standard Time"},
    {"ADT", kAnyOffset, "Atlantic Daylight Time"},
    {"NST", kAnyOffset, "Newfoundland Standard Time"},
    {"NDT", kAnyOffset, "Newfoundland Daylight Time"},
};

}  // namespace

double localOffsetMs(double utc) { return localInfo(utc).offsetMs; }

double localTime(double utc) { return utc + localOffsetMs(utc); }

double utcFromLocal(double local) {
  if (!std::isfinite(local)) return kNaN;
  // Offsets a day either side bracket any single transition near `local`.
  double before = localOffsetMs(local - kMsPerDay);
  double after = localOffsetMs(local + kMsPerDay);
  double u1 = local - before, u2 = local - after;
  bool valid1 = localOffsetMs(u1) == before;
  if (before == after) return u1;
  bool valid2 = localOffsetMs(u2) == after;
  if (valid1 && valid2) return std::min(u1, u2);  // repeated local time: the earlier instant
  if (valid1) return u1;
  if (valid2) return u2;
  return u1;  // skipped local time: read it with the offset before the transition
}

std::string timeZoneName(double utc) {
  LocalInfo info = localInfo(utc);
  int offsetMinutes = int(std::lround(info.offsetMs / kMsPerMinute));
  std::string_view abbr = info.abbreviation;
  for (const ZoneName& z : kZoneNames) {
    if (abbr == z.abbreviation && (z.offsetMinutes == kAnyOffset || z.offsetMinutes == offsetMinutes)) return z.name;
  }
  int m = offsetMinutes < 0 ? -offsetMinutes : offsetMinutes;
  if (m == 0) return "GMT";
  return fmt::format("GMT{}{:02}:{:02}", offsetMinutes < 0 ? '-' : '+', m / 60, m % 60);
}

// ---- formatting -----------------------------------------------------------------------------

namespace {

// DateString's year: at least four digits, '-' before negative years.
std::string yearString(int64_t year) {
  return year < 0 ? fmt::format("-{:04}", -year) : fmt::format("{:04}", year);
}

std::string dateStringOf(const Fields& f) {
  return fmt::format("{} {} {:02} {}", kWeekDays[f.weekDay], kMonths[f.month], f.day, yearString(f.year));
}

std::string timeStringOf(const Fields& f, double utc, double offsetMs) {
  return fmt::format("{:02}:{:02}:{:02} GMT{} ({})", f.hour, f.minute, f.second, offsetString(offsetMs),
                     timeZoneName(utc));
}

}  // namespace

std::string formatToString(double tv) {
  double offset = localOffsetMs(tv);
  Fields f = fieldsFromTime(tv + offset);
  return dateStringOf(f) + " " + timeStringOf(f, tv, offset);
}

std::string formatDateString(double tv) { return dateStringOf(fieldsFromTime(localTime(tv))); }

std::string formatTimeString(double tv) {
  double offset = localOffsetMs(tv);
  return timeStringOf(fieldsFromTime(tv + offset), tv, offset);
}

std::string formatISOString(double tv) {
  Fields f = fieldsFromTime(tv);
  std::string year = (f.year >= 0 && f.year <= 9999) ? fmt::format("{:04}", f.year)
                                                      : fmt::format("{}{:06}", f.year < 0 ? '-' : '+',
                                                                    f.year < 0 ? -f.year : f.year);
  return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, f.month + 1, f.day, f.hour, f.minute, f.second,
                     f.millisecond);
}

std::string formatUTCString(double tv) {
  Fields f = fieldsFromTime(tv);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kWeekDays[f.weekDay], f.day, kMonths[f.month],
                     yearString(f.year), f.hour, f.minute, f.second);
}

// ---- parsing ----------------------------------------------------------------------------------

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Reads exactly n digits at s[*pos].
bool readFixed(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + size_t(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + size_t(i)];
    if (!isDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += size_t(n);
  *out = v;
  return true;
}

double finish(double year, int month, int dayOfMonth, int hour, int minute, int second, int ms,
              bool hasOffset, int offsetMinutes) {
  double t = makeDate(makeDay(year, month, dayOfMonth), makeTime(hour, minute, second, ms));
  if (std::isnan(t)) return kNaN;
  t = hasOffset ? t - offsetMinutes * kMsPerMinute : utcFromLocal(t);
  return timeClip(t);
}

// The Date Time String Format (§21.4.1.32), with V8's leniencies: lower-case
// 't'/'z', any number of fraction digits, days 1..31 in every month.
std::optional<double> parseISO(std::string_view s) {
  size_t pos = 0;
  int year;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    bool negative = s[0] == '-';
    pos = 1;
    if (!readFixed(s, &pos, 6, &year)) return std::nullopt;
    if (negative && year == 0) return kNaN;  // -000000 is not a valid year
    if (negative) year = -year;
  } else if (!readFixed(s, &pos, 4, &year)) {
    return std::nullopt;
  }
  int month = 1, dayOfMonth = 1;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    if (!readFixed(s, &pos, 2, &month)) return std::nullopt;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      if (!readFixed(s, &pos, 2, &dayOfMonth)) return std::nullopt;
    }
  }
  int hour = 0, minute = 0, second = 0, ms = 0;
  bool hasOffset = true;  // date-only forms are UTC
  int offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't') return std::nullopt;
    ++pos;
    if (!readFixed(s, &pos, 2, &hour) || pos >= s.size() || s[pos] != ':') return std::nullopt;
    ++pos;
    if (!readFixed(s, &pos, 2, &minute)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!readFixed(s, &pos, 2, &second)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t begin = pos;
        int scale = 100;
        for (; pos < s.size() && isDigit(s[pos]); ++pos, scale /= 10) ms += (s[pos] - '0') * scale;
        if (pos == begin) return std::nullopt;
      }
    }
    hasOffset = false;  // date-time forms without an offset are local time
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
        hasOffset = true;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos++] == '-' ? -1 : 1;
        int oh, om;
        if (!readFixed(s, &pos, 2, &oh) || pos >= s.size() || s[pos] != ':') return std::nullopt;
        ++pos;
        if (!readFixed(s, &pos, 2, &om)) return std::nullopt;
        if (oh > 23 || om > 59) return kNaN;
        hasOffset = true;
        offset = sign * (oh * 60 + om);
      }
    }
    if (pos != s.size()) return std::nullopt;
  }
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31) return kNaN;
  if (hour > 24 || minute > 59 || second > 59) return kNaN;
  if (hour == 24 && (minute || second || ms)) return kNaN;
  return finish(year, month - 1, dayOfMonth, hour, minute, second, ms, hasOffset, offset);
}

// The legacy grammar: a bag of tokens (month names, numbers, a h:m[:s[.f]]
// time, AM/PM, a zone), composed the way V8 does.
double parseLegacy(std::string_view s) {
  struct Number {
    int value;
    int digits;
  };
  Number numbers[3];
  int numberCount = 0;
  int namedMonth = -1;
  int hour = -1, minute = 0, second = 0, ms = 0;
  int ampm = 0;  // 0 none, 1 am, 2 pm
  std::optional<int> offset = std::nullopt;
  bool afterZoneWord = false;
  size_t pos = 0;

  auto readNumber = [&](int* digits) {
    int64_t v = 0;
    size_t begin = pos;
    for (; pos < s.size() && isDigit(s[pos]); ++pos) {
      if (v < 1'000'000'000) v = v * 10 + (s[pos] - '0');
    }
    *digits = int(pos - begin);
    return int(std::min<int64_t>(v, 1'000'000'000));
  };
  // Zone offsets: "+01", "+0100", "+01:00", "+1".
  auto readOffset = [&](int sign) {
    int digits;
    int v = readNumber(&digits);
    if (digits == 0) return false;
    int minutes;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      int d2;
      int m = readNumber(&d2);
      if (d2 == 0) return false;
      minutes = v * 60 + m;
    } else if (digits <= 2) {
      minutes = v * 60;
    } else {
      minutes = (v / 100) * 60 + v % 100;
    }
    offset = sign * minutes;
    return true;
  };

  while (pos < s.size()) {
    char c = s[pos];
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '.') {
      ++pos;
      continue;
    }
    if (c == '(') {  // comments, possibly nested
      int depth = 0;
      for (; pos < s.size(); ++pos) {
        if (s[pos] == '(') ++depth;
        if (s[pos] == ')' && --depth == 0) {
          ++pos;
          break;
        }
      }
      continue;
    }
    if (isDigit(c)) {
      int digits;
      int v = readNumber(&digits);
      if (pos < s.size() && s[pos] == ':') {
        if (hour >= 0) return kNaN;
        hour = v;
        ++pos;
        int d;
        minute = readNumber(&d);
        if (d == 0) return kNaN;
        if (pos < s.size() && s[pos] == ':') {
          ++pos;
          second = readNumber(&d);
          if (d == 0) return kNaN;
          if (pos < s.size() && s[pos] == '.') {
            ++pos;
            if (pos == s.size() || !isDigit(s[pos])) return kNaN;  // "10:00:00." as V8
            int scale = 100;
            for (; pos < s.size() && isDigit(s[pos]); ++pos, scale /= 10) ms += (s[pos] - '0') * scale;
          }
        }
        continue;
      }
      if (numberCount == 3) return kNaN;
      numbers[numberCount++] = {v, digits};
      continue;
    }
    if (c == '+' || c == '-') {
      bool joined = pos > 0 && (isDigit(s[pos - 1]) || isAlpha(s[pos - 1]));
      ++pos;
      bool digitFollows = pos < s.size() && isDigit(s[pos]);
      if (digitFollows && (afterZoneWord || hour >= 0)) {
        if (!readOffset(c == '-' ? -1 : 1)) return kNaN;
        afterZoneWord = false;
        continue;
      }
      // A '-' joining two fields is a date separator (2026-3-4, 21-Nov-2026);
      // a free-standing signed number (a negative year, a zone offset with
      // no time before it) is rejected, as V8 does.
      if (digitFollows && (c == '+' || !joined)) return kNaN;
      continue;
    }
    if (isAlpha(c)) {
      size_t begin = pos;
      while (pos < s.size() && isAlpha(s[pos])) ++pos;
      std::string word(s.substr(begin, pos - begin));
      for (char& ch : word) ch = char(ch | 0x20);
      afterZoneWord = false;
      if (word == "am" || word == "pm") {
        ampm = word == "am" ? 1 : 2;
      } else if (word == "z" || word == "utc" || word == "gmt" || word == "ut") {
        offset = 0;
        afterZoneWord = true;
      } else if (word == "t" && numberCount > 0) {
        // date-time separator
      } else if (word == "est" || word == "edt" || word == "cst" || word == "cdt" || word == "mst" ||
                 word == "mdt" || word == "pst" || word == "pdt") {
        static constexpr int kUs[] = {-5, -4, -6, -5, -7, -6, -8, -7};
        static constexpr const char* kNames[] = {"est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"};
        for (int i = 0; i < 8; ++i) {
          if (word == kNames[i]) offset = kUs[i] * 60;
        }
      } else {
        bool known = false;
        if (word.size() >= 3) {
          static constexpr const char* kMonthNames[] = {"january", "february", "march",     "april",
                                                        "may",     "june",     "july",      "august",
                                                        "september", "october", "november", "december"};
          static constexpr const char* kDayNames[] = {"sunday",   "monday", "tuesday", "wednesday",
                                                      "thursday", "friday", "saturday"};
          for (int i = 0; i < 12 && !known; ++i) {
            if (std::string_view(kMonthNames[i]).starts_with(word.substr(0, 3))) {
              namedMonth = i;
              known = true;
            }
          }
          for (int i = 0; i < 7 && !known; ++i) {
            if (std::string_view(kDayNames[i]).starts_with(word.substr(0, 3))) known = true;
          }
        }
        // Unknown words are tolerated only before the first number.
        if (!known && (numberCount > 0 || hour >= 0)) return kNaN;
      }
      continue;
    }
    return kNaN;
  }

  // Compose the date from the numbers and the month name.
  int year, month, dayOfMonth;
  auto isYearLike = [](const Number& n) { return n.digits >= 3 || n.value > 31; };
  if (namedMonth >= 0) {
    month = namedMonth + 1;
    if (numberCount == 1) {
      if (isYearLike(numbers[0])) {
        year = numbers[0].value;
        dayOfMonth = 1;
      } else {
        dayOfMonth = numbers[0].value;
        year = 2001;  // V8's default year
      }
    } else if (numberCount == 2) {
      if (isYearLike(numbers[0])) {
        year = numbers[0].value;
        dayOfMonth = numbers[1].value;
      } else {
        dayOfMonth = numbers[0].value;
        year = numbers[1].value;
      }
    } else {
      return kNaN;
    }
  } else if (numberCount == 3) {
    if (isYearLike(numbers[0])) {
      year = numbers[0].value;
      month = numbers[1].value;
      dayOfMonth = numbers[2].value;
    } else {
      month = numbers[0].value;
      dayOfMonth = numbers[1].value;
      year = numbers[2].value;
    }
  } else if (numberCount == 2) {
    month = numbers[0].value;
    dayOfMonth = numbers[1].value;
    year = 2001;
  } else {
    return kNaN;
  }
  if (year >= 0 && year <= 49) {
    year += 2000;
  } else if (year >= 50 && year <= 99) {
    year += 1900;
  }
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31) return kNaN;
  if (hour < 0) hour = 0;
  if (ampm) {
    if (hour > 12) return kNaN;
    hour = hour % 12 + (ampm == 2 ? 12 : 0);
  }
  if (hour > 24 || minute > 59 || second > 59 || (hour == 24 && (minute || second || ms))) return kNaN;
  return finish(year, month - 1, dayOfMonth, hour, minute, second, ms, offset.has_value(), offset.value_or(0));
}

template <typename Char>
double parseImpl(std::basic_string_view<Char> s) {
  std::string ascii;
  ascii.reserve(s.size());
  for (Char c : s) {
    auto u = std::make_unsigned_t<Char>(c);
    if (u >= 0x80) return kNaN;
    ascii.push_back(char(u));
  }
  if (auto iso = parseISO(ascii)) return *iso;
  return parseLegacy(ascii);
}

}  // namespace

double parse(std::u16string_view s) { return parseImpl(s); }
double parse(std::string_view latin1) { return parseImpl(latin1); }

double nowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return double(ts.tv_sec) * 1000 + double(ts.tv_nsec / 1'000'000);
}

}  // namespace kiln::date
