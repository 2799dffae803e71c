// The index schema: every term prefix, value slot, metadata key and the
// document id scheme, named once. The indexer writes by these names and the
// query engine reads by them; nobody spells a prefix anywhere else.
//
// One Xapian document is one talk (see ARCHITECTURE.md for why not one per
// section). A file holding three talks gives three documents, which share the
// file's path term so that a changed file's documents go together.
#ifndef TALKSEARCH_SCHEMA_H_
#define TALKSEARCH_SCHEMA_H_

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch::schema {

// Bump when the meaning of the index changes; a database written with
// another version is rebuilt by the next indexer run.
inline constexpr int kVersion = 3;

// --- Terms -------------------------------------------------------------
// Free-text prefixes (words, stemmed; searchable by field name).
inline constexpr std::string_view kTitle = "S";           // title:
inline constexpr std::string_view kSpeaker = "A";         // speaker:
inline constexpr std::string_view kEvent = "XE";          // event:
inline constexpr std::string_view kCode = "XC";           // code:
inline constexpr std::string_view kSectionTitle = "XS";   // section: (subsection titles)
// Boolean prefixes (exact, lower-cased values; for filters and facets).
inline constexpr std::string_view kId = "Q";              // Q<path>#<talk index>
inline constexpr std::string_view kPath = "P";            // P<path>: every talk of a file
inline constexpr std::string_view kYear = "Y";            // year:2011
inline constexpr std::string_view kDate = "D";            // D20110606 (or D201106, D2011)
inline constexpr std::string_view kEventExact = "XEV";    // event facet filter
inline constexpr std::string_view kSpeakerExact = "XAU";  // speaker facet filter
inline constexpr std::string_view kFormat = "XF";         // rst, markdown, html, text

// --- Values --------------------------------------------------------------
// kDateValue holds "YYYYMMDD" with unknown parts as "00", so it sorts; empty
// when the talk has no date. kEventValue and kYearValue hold the display
// strings; kSpeakersValue holds the speakers joined by kListSeparator.
inline constexpr Xapian::valueno kDateValue = 0;
inline constexpr Xapian::valueno kEventValue = 1;
inline constexpr Xapian::valueno kSpeakersValue = 2;
inline constexpr Xapian::valueno kYearValue = 3;
// The same talk noted twice (a note and its rendered twin, two people's
// notes of one keynote) shares this key; results show it once.
inline constexpr Xapian::valueno kTalkKeyValue = 4;
// What the facets of a query count, in 8-byte codes (FacetHash, little
// endian): the talk key's, the event's, the year's, then each speaker's; an
// empty value has code 0. Counting these integers over every match is an
// order of magnitude cheaper than counting the strings (see ARCHITECTURE.md,
// "Facets"); the strings are read only for the values shown.
inline constexpr Xapian::valueno kFacetValue = 5;
inline constexpr char kListSeparator = '\x1f';

// --- Weights (within-document frequency boosts of fields) -----------------
inline constexpr unsigned kTitleWeight = 5;
inline constexpr unsigned kSpeakerWeight = 5;
inline constexpr unsigned kEventWeight = 3;
inline constexpr unsigned kSectionTitleWeight = 2;
inline constexpr unsigned kCodeWeight = 1;
inline constexpr unsigned kBodyWeight = 1;
inline constexpr unsigned kContextWeight = 1;  // file name, the note's title

// --- Metadata keys ---------------------------------------------------------
// kFileKey + path -> the file's recorded state (see indexer/file_state.h).
inline constexpr std::string_view kFileKey = "file:";
inline constexpr std::string_view kVersionKey = "talksearch:version";
inline constexpr std::string_view kLanguageKey = "talksearch:language";
inline constexpr std::string_view kRootKey = "talksearch:root";
// "I/N" in shard I of N (indexer --shards N --shard I); absent when the
// database holds every note.
inline constexpr std::string_view kShardKey = "talksearch:shard";
// kPeerKey + path -> the state of a folder's index note that another shard
// indexes: it names the event of this shard's notes beside it, so when it
// changes they are parsed again.
inline constexpr std::string_view kPeerKey = "peer:";

// --- Helpers ---------------------------------------------------------------
inline std::string IdTerm(std::string_view path, int talk_index) {
  return std::string(kId) + std::string(path) + "#" + std::to_string(talk_index);
}
inline std::string PathTerm(std::string_view path) {
  return std::string(kPath) + std::string(path);
}

// Xapian limits a term to 245 bytes; longer boolean terms are cut there.
inline constexpr std::size_t kMaxTermBytes = 240;

// A boolean filter term: the prefix and the value lower-cased, cut to
// kMaxTermBytes on a UTF-8 character boundary. Used for event, speaker and
// format terms, by the writer and by the filters alike.
inline std::string BooleanTerm(std::string_view prefix, std::string_view value) {
  std::string term(prefix);
  term += Xapian::Unicode::tolower(std::string(value));
  if (term.size() > kMaxTermBytes) {
    std::size_t cut = kMaxTermBytes;
    while (cut > prefix.size() && (static_cast<unsigned char>(term[cut]) & 0xC0) == 0x80) --cut;
    term.resize(cut);
  }
  return term;
}

// The items of a list value (kSpeakersValue: joined by kListSeparator),
// empty ones left out.
inline std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> items;
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t end = list.find(kListSeparator, pos);
    if (end == std::string_view::npos) end = list.size();
    if (end > pos) items.push_back(list.substr(pos, end - pos));
    pos = end + 1;
  }
  return items;
}

// A facet value's code: 64-bit FNV-1a of its bytes, never 0 (0 is "none").
// Spelled out here, not std::hash, so every build of the indexer and of the
// query engine agrees.
inline std::uint64_t FacetHash(std::string_view value) {
  if (value.empty()) return 0;
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : value) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h == 0 ? 1 : h;
}

// The kFacetValue of a talk, from the strings of its other values
// (`speakers` joined by kListSeparator).
inline std::string FacetCodes(std::string_view talk_key, std::string_view event,
                              std::string_view year, std::string_view speakers) {
  std::string out;
  auto put = [&](std::uint64_t code) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((code >> (8 * i)) & 0xff);
  };
  put(FacetHash(talk_key));
  put(FacetHash(event));
  put(FacetHash(year));
  for (std::string_view speaker : SplitList(speakers)) put(FacetHash(speaker));
  return out;
}

// The i-th code of a kFacetValue.
inline std::uint64_t FacetCode(std::string_view codes, std::size_t i) {
  std::uint64_t code = 0;
  for (int b = 7; b >= 0; --b) {
    code = (code << 8) | static_cast<unsigned char>(codes[i * 8 + static_cast<std::size_t>(b)]);
  }
  return code;
}

// The sortable date value of an ISO date: "2011-06-06" -> "20110606",
// "2011-06" -> "20110600", "2011" -> "20110000"; "" for anything else.
inline std::string DateValue(std::string_view iso) {
  auto digits = [&](std::size_t pos, std::size_t n) {
    if (iso.size() < pos + n) return false;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return false;
    }
    return true;
  };
  if (iso.size() == 4 && digits(0, 4)) return std::string(iso) + "0000";
  if (iso.size() == 7 && digits(0, 4) && iso[4] == '-' && digits(5, 2)) {
    return std::string(iso.substr(0, 4)) + std::string(iso.substr(5, 2)) + "00";
  }
  if (iso.size() == 10 && digits(0, 4) && iso[4] == '-' && digits(5, 2) && iso[7] == '-' &&
      digits(8, 2)) {
    return std::string(iso.substr(0, 4)) + std::string(iso.substr(5, 2)) +
           std::string(iso.substr(8, 2));
  }
  return "";
}

}  // namespace talksearch::schema

#endif  // TALKSEARCH_SCHEMA_H_
