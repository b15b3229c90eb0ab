#include "simulator/text/translate.h"

#include <libintl.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <system_error>

// The build defines it as the install prefix's locale directory; a build of a few sources
// alone (the fuzzer) gets Debian's.
#ifndef TICKETSIM_INSTALL_LOCALEDIR
#define TICKETSIM_INSTALL_LOCALEDIR "/usr/share/locale"
#endif

// glibc's count of catalogue changes (libintl.h does not declare it; gettext's manual does).
extern "C" int _nl_msg_cat_cntr;

namespace ticketsim {
namespace {

std::string& language_slot() {
  static std::string language = "en";
  return language;
}

bool has_catalogue(const std::string& dir, std::string_view language) {
  std::error_code ignored;
  return std::filesystem::is_regular_file(
      std::filesystem::path(dir) / language / "LC_MESSAGES" / (std::string(kTextDomain) + ".mo"),
      ignored);
}

// The directory of the running program, or empty when /proc cannot say.
std::filesystem::path program_dir() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self.parent_path();
}

// Makes `language` the one LANGUAGE selects, for a domain already bound (set_language).
void select_catalogue(const std::string& language) {
  ::setenv("LANGUAGE", language.c_str(), 1);
  // glibc caches translations per locale name (C.UTF-8 here), not per LANGUAGE: without this
  // a message translated once would stay translated after a switch back to English. Bumping
  // the catalogue counter is gettext's documented way to say that LANGUAGE changed.
  ++_nl_msg_cat_cntr;
  language_slot() = language;
}

}  // namespace

const char* tr(const char* msgid) { return ::dgettext(kTextDomain, msgid); }

const char* trn(const char* singular, const char* plural, std::int64_t n) {
  // gettext's count is unsigned long; a negative count reads as "many" (it never is one).
  return ::dngettext(kTextDomain, singular, plural, n < 0 ? 2UL : static_cast<unsigned long>(n));
}

const char* trc(const char* context, const char* msgid) {
  // gettext keys a message with a context as "context\004msgid" (its pgettext macro).
  std::string key = std::string(context) + '\004' + msgid;
  const char* translated = ::dgettext(kTextDomain, key.c_str());
  return translated == key.c_str() ? msgid : translated;  // the key itself: not translated
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  const char* separator = trc("list", ", ");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// Only LANGUAGE changes: the domain stays bound where set_language put it (no search for the
// catalogues again, per JSON document written).
ScopedLanguage::ScopedLanguage(const std::string& language) : previous_(current_language()) {
  if (language != previous_) select_catalogue(language);
}

ScopedLanguage::~ScopedLanguage() {
  if (current_language() != previous_) select_catalogue(previous_);
}

std::string language_tag() { return language_is_cjk() ? current_language().substr(0, 2) : "en"; }

std::string find_catalogue_dir() {
  if (const char* dir = std::getenv("TICKETSIM_LOCALEDIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ignored;
  if (std::filesystem::path here = program_dir(); !here.empty()) {
    for (const auto& candidate : {here / "locale", here.parent_path() / "share" / "locale"}) {
      if (std::filesystem::is_directory(candidate, ignored)) return candidate.string();
    }
  }
  return TICKETSIM_INSTALL_LOCALEDIR;
}

bool language_available(std::string_view language, const std::string& catalogue_dir) {
  if (language == "en") return true;
  if (language.empty() || language.find('/') != std::string_view::npos) return false;
  return has_catalogue(catalogue_dir.empty() ? find_catalogue_dir() : catalogue_dir, language);
}

std::string choose_language(std::string_view request, const std::string& catalogue_dir) {
  const std::string dir = catalogue_dir.empty() ? find_catalogue_dir() : catalogue_dir;
  // "zh_TW.UTF-8@variant" -> "zh_TW"; "C", "POSIX" and "" ask for the source language.
  std::string_view name = request.substr(0, request.find_first_of(".@"));
  if (name.empty() || name == "C" || name == "POSIX") return "en";
  if (language_available(name, dir)) return std::string(name);
  std::string_view base = name.substr(0, name.find('_'));
  if (language_available(base, dir)) return std::string(base);
  if (base == "zh" && language_available("zh_CN", dir)) return "zh_CN";
  return "en";
}

std::string language_from_environment(const std::string& catalogue_dir) {
  // LANGUAGE is a list of preferences ("fr:zh_CN"): the first with a catalogue wins, as
  // gettext itself reads it. The others name one locale.
  if (const char* list = std::getenv("LANGUAGE"); list != nullptr && *list != '\0') {
    std::string_view rest(list);
    while (!rest.empty()) {
      const std::string_view entry = rest.substr(0, rest.find(':'));
      const std::string name(entry.substr(0, entry.find_first_of(".@")));
      if (name == "en" || name.rfind("en_", 0) == 0) return "en";
      if (const std::string chosen = choose_language(entry, catalogue_dir); chosen != "en") {
        return chosen;
      }
      if (entry.size() == rest.size()) break;
      rest.remove_prefix(entry.size() + 1);
    }
  }
  for (const char* variable : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') continue;
    return choose_language(value, catalogue_dir);
  }
  return "en";
}

void set_language(const std::string& language, const std::string& catalogue_dir) {
  const std::string dir = catalogue_dir.empty() ? find_catalogue_dir() : catalogue_dir;
  ::bindtextdomain(kTextDomain, dir.c_str());
  // The catalogues are UTF-8 and so is what we print, whatever the user's locale: no
  // conversion (a static program could not load iconv's modules anyway).
  ::bind_textdomain_codeset(kTextDomain, "UTF-8");
  // strerror() and friends come from glibc's own catalogue ("libc"), which LANGUAGE selects
  // too: ask for UTF-8 there as well, or a static program prints '?' for every character.
  ::bind_textdomain_codeset("libc", "UTF-8");
  // gettext ignores LANGUAGE in the "C" locale. C.UTF-8 ships with every glibc (Debian's
  // libc-bin), unlike zh_CN.UTF-8, which most machines never generate: select the catalogue
  // by LANGUAGE under C.UTF-8 and never depend on which locales are installed. Only
  // LC_MESSAGES changes: numbers and character classes keep the "C" rules fmt assumes.
  ::setlocale(LC_MESSAGES, "C.UTF-8");
  select_catalogue(language);
}

const std::string& current_language() { return language_slot(); }

bool language_is_cjk() {
  std::string_view base = std::string_view(language_slot()).substr(0, 2);
  return base == "zh" || base == "ja";
}

}  // namespace ticketsim
