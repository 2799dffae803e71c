// The stored data of one talk document: what a search result needs to show
// a talk and pick its best section, without reading the note again.
//
// Header-only so that the writer (indexer/) and the readers (searchd/) share
// one definition of the format without either library depending on the other.
#ifndef TALKSEARCH_RECORD_H_
#define TALKSEARCH_RECORD_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace talksearch {

struct SectionRecord {
  std::string title;
  std::string anchor;
  std::string text;  // the section's plain text
  std::string code;  // its code blocks, one after another
};

struct TalkRecord {
  std::string path;  // relative to the notes root
  int talk_index = 0;
  std::string format;
  std::string title;
  std::string anchor;
  std::string event;
  std::string date;
  std::vector<std::string> speakers;
  std::vector<SectionRecord> sections;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SectionRecord, title, anchor, text, code)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TalkRecord, path, talk_index, format, title,
                                                anchor, event, date, speakers, sections)

// Encodes a record as a document's data (compact JSON).
inline std::string EncodeTalkRecord(const TalkRecord& record) {
  return nlohmann::json(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Decodes a document's data. Throws nlohmann::json::exception when `data` is
// not a record (a database written by something else).
inline TalkRecord DecodeTalkRecord(const std::string& data) {
  return nlohmann::json::parse(data).get<TalkRecord>();
}

}  // namespace talksearch

#endif  // TALKSEARCH_RECORD_H_
