// Translation: every sentence ticketsim prints goes through the GNU gettext catalogue of the
// domain "ticketsim" (po/*.po, compiled to <localedir>/<lang>/LC_MESSAGES/ticketsim.mo).
// English is the source language: with no catalogue, or for a message the catalogue lacks,
// the English text itself comes back, so a missing translation never loses a sentence.
//
// The marking functions below are the keywords xgettext extracts (`make pot`): tr, trc, trf,
// trn, trnf, counted and N_. Pass them string literals only, or extraction misses the message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace ticketsim {

// The message domain of every ticketsim catalogue.
inline constexpr const char* kTextDomain = "ticketsim";

// `msgid` in the current language (the returned text lives as long as the process).
const char* tr(const char* msgid);

// The singular or plural message for `n` in the current language (Chinese has one form).
const char* trn(const char* singular, const char* plural, std::int64_t n);

// Marks a literal for extraction without translating it (translate later with tr).
#define N_(msgid) msgid

// `msgid` in the current language, told apart from the same English in other places by
// `context` (gettext's msgctxt; e.g. the list separator ", " in context "list").
const char* trc(const char* context, const char* msgid);

// fmt::format of the translated `msgid`. The English text is checked at compile time like
// any format string; a translation may reorder arguments ({1} {0}) or drop a width.
template <typename... Args>
std::string trf(fmt::format_string<Args...> msgid, Args&&... args) {
  const fmt::string_view english = msgid;
  const char* translated = tr(english.data());
  if (translated != english.data()) {
    // A broken translation (tests/i18n checks them all) prints the English, never fails.
    try {
      return fmt::format(fmt::runtime(translated), args...);
    } catch (const fmt::format_error&) {
    }
  }
  return fmt::format(msgid, std::forward<Args>(args)...);
}

// fmt::format of the singular or plural form for `n`; `n` is not passed to the format
// implicitly: pass it among `args` where the text shows it.
template <typename... Args>
std::string trnf(const char* singular, const char* plural, std::int64_t n, Args&&... args) {
  try {
    return fmt::format(fmt::runtime(trn(singular, plural, n)), args...);
  } catch (const fmt::format_error&) {  // a broken translation: the English instead
    return fmt::format(fmt::runtime(n == 1 ? singular : plural), std::forward<Args>(args)...);
  }
}

// "{} customer" or "{} customers" for `n`, translated: `counted(n, "{} ticket", "{} tickets")`.
inline std::string counted(std::int64_t n, const char* singular, const char* plural) {
  return trnf(singular, plural, n, n);
}

// `items` joined as a list in the current language ("a, b, c"; Chinese "a、b、c").
std::string join_list(const std::vector<std::string>& items);

// Makes `language` current until the scope ends, then restores the previous one: JSON and
// other machine-readable output is English whatever the user reads.
class ScopedLanguage {
 public:
  explicit ScopedLanguage(const std::string& language);
  ~ScopedLanguage();
  ScopedLanguage(const ScopedLanguage&) = delete;
  ScopedLanguage& operator=(const ScopedLanguage&) = delete;

 private:
  std::string previous_;
};

// The languages ticketsim can speak: "en" (the source) and those with a catalogue.
// `choose_language` picks one for a request such as "zh", "zh_TW.UTF-8" or "C": the request
// itself when a catalogue exists (or its language part: zh_TW -> zh), Chinese for any zh_*,
// English otherwise. `catalogue_dir` empty: the directory found by `find_catalogue_dir`.
std::string choose_language(std::string_view request, const std::string& catalogue_dir = "");

// True when `language` is "en" or has a catalogue in `catalogue_dir` (or the found one).
bool language_available(std::string_view language, const std::string& catalogue_dir = "");

// The language the environment asks for: the first set of LANGUAGE (its first entry),
// LC_ALL, LC_MESSAGES and LANG, as choose_language reads it; "en" when none is set.
std::string language_from_environment(const std::string& catalogue_dir = "");

// Where the catalogues are: $TICKETSIM_LOCALEDIR, else locale/ beside the running program
// (the build tree), else ../share/locale from it (an installed or relocated prefix), else the
// install prefix's locale directory compiled in.
std::string find_catalogue_dir();

// Makes `language` current for this process: binds the domain to `catalogue_dir` (or the
// found one), asks for UTF-8 whatever the locale, and selects the catalogue. Call it before
// any text is built (the command line's help is text too). Not thread-safe: call it at start.
void set_language(const std::string& language, const std::string& catalogue_dir = "");

// The language set_language made current ("en" until it is called).
const std::string& current_language();

// The current language as an HTML lang attribute: "zh" for any Chinese, else "en".
std::string language_tag();

// True when the current language writes without spaces between words (Chinese): lists are
// joined with "、" and sentences wrap between any two characters.
bool language_is_cjk();

}  // namespace ticketsim
