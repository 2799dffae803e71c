// The stored data of one talk document: what a search result needs to show
// a talk and pick its best section, without reading the note again.
//
// Header-only so that the writer (indexer/) and the readers (searchd/) share
// one definition of the format without either library depending on the other.
#ifndef TALKSEARCH_RECORD_H_
#define TALKSEARCH_RECORD_H_

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
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

// Thrown by DecodeTalkRecord when a document's data is not a record (a
// database written by something else, or a damaged one).
class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace record_format {

// The first byte of a record in the binary format. Records written before
// it are compact JSON, which starts with '{'.
inline constexpr char kBinary = '\x01';

inline void PutCount(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
}

inline void PutString(std::string& out, const std::string& s) {
  PutCount(out, s.size());
  out += s;
}

// Reads what PutCount and PutString wrote, checking every length against
// what is left, so a damaged record throws rather than reads past its end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  std::size_t Count() {
    std::size_t n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= data_.size()) throw RecordError("a talk record ends early");
      auto byte = static_cast<unsigned char>(data_[at_++]);
      n |= static_cast<std::size_t>(byte & 0x7F) << shift;
      if (byte < 0x80) return n;
    }
    throw RecordError("a talk record holds a bad length");
  }
  std::string String() {
    std::size_t n = Count();
    if (n > data_.size() - at_) throw RecordError("a talk record ends early");
    std::string out(data_.substr(at_, n));
    at_ += n;
    return out;
  }
  bool AtEnd() const { return at_ == data_.size(); }

 private:
  std::string_view data_;
  std::size_t at_ = 0;
};

}  // namespace record_format

// Encodes a record as a document's data: a format byte, then every field
// in a fixed order as a length and its bytes. Reading it back is a few
// copies, where parsing JSON was a tenth of a query's time (ten records a
// query, each holding every section's text for the snippets).
inline std::string EncodeTalkRecord(const TalkRecord& record) {
  using record_format::PutCount;
  using record_format::PutString;
  std::string out(1, record_format::kBinary);
  std::size_t size = 64;
  for (const SectionRecord& s : record.sections) {
    size += s.title.size() + s.anchor.size() + s.text.size() + s.code.size() + 8;
  }
  out.reserve(size);
  PutString(out, record.path);
  PutCount(out, static_cast<std::size_t>(record.talk_index));
  PutString(out, record.format);
  PutString(out, record.title);
  PutString(out, record.anchor);
  PutString(out, record.event);
  PutString(out, record.date);
  PutCount(out, record.speakers.size());
  for (const std::string& speaker : record.speakers) PutString(out, speaker);
  PutCount(out, record.sections.size());
  for (const SectionRecord& s : record.sections) {
    PutString(out, s.title);
    PutString(out, s.anchor);
    PutString(out, s.text);
    PutString(out, s.code);
  }
  return out;
}

// Decodes a document's data, in either format. Throws RecordError when
// `data` is not a record.
inline TalkRecord DecodeTalkRecord(const std::string& data) {
  if (data.empty() || data[0] != record_format::kBinary) {
    try {
      return nlohmann::json::parse(data).get<TalkRecord>();
    } catch (const nlohmann::json::exception& e) {
      throw RecordError(std::string("a document's data is not a talk record: ") + e.what());
    }
  }
  record_format::Reader in(std::string_view(data).substr(1));
  TalkRecord record;
  record.path = in.String();
  record.talk_index = static_cast<int>(in.Count());
  record.format = in.String();
  record.title = in.String();
  record.anchor = in.String();
  record.event = in.String();
  record.date = in.String();
  std::size_t speakers = in.Count();
  if (speakers > data.size()) throw RecordError("a talk record holds a bad count");
  record.speakers.reserve(speakers);
  for (std::size_t i = 0; i < speakers; ++i) record.speakers.push_back(in.String());
  std::size_t sections = in.Count();
  if (sections > data.size()) throw RecordError("a talk record holds a bad count");
  record.sections.reserve(sections);
  for (std::size_t i = 0; i < sections; ++i) {
    SectionRecord& s = record.sections.emplace_back();
    s.title = in.String();
    s.anchor = in.String();
    s.text = in.String();
    s.code = in.String();
  }
  if (!in.AtEnd()) throw RecordError("a talk record has bytes after its end");
  return record;
}

}  // namespace talksearch

#endif  // TALKSEARCH_RECORD_H_
