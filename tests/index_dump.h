// What an index holds, as text to compare two indexes by: one line per
// talk (its id term, stored record, terms with wdf, values), per metadata
// key (the file states) and per spelling word, sorted, and the document
// count. Two builds of the same notes must give the same text; used by
// crash_test and, through the index_dump program, by scripts/soak. A file
// state's "racy" flag (its last stat was within 2 s of its change) is left
// out: it says when a run looked, not what the index holds.
#ifndef TALKSEARCH_TESTS_INDEX_DUMP_H_
#define TALKSEARCH_TESTS_INDEX_DUMP_H_

#include <xapian.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace talksearch::testing {

// Control bytes and newlines escaped, so a record is one line.
inline std::string DumpEscape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A file state ("v1 size mtime ctime inode hash talks racy[ skipped ...]")
// without its racy flag.
inline std::string WithoutRacyFlag(const std::string& key, const std::string& value) {
  if (!key.starts_with("file:") || !value.starts_with("v1 ")) return value;
  std::size_t at = 0;
  for (int field = 0; field < 7 && at != std::string::npos; ++field) at = value.find(' ', at + 1);
  if (at == std::string::npos) return value;
  std::size_t end = value.find(' ', at + 1);
  return value.substr(0, at) + (end == std::string::npos ? "" : value.substr(end));
}

inline std::string DumpIndex(const std::string& db_path) {
  Xapian::Database db(db_path);
  std::vector<std::string> lines;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    Xapian::Document doc = db.get_document(*it);
    std::string id, terms;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      if ((*t).starts_with("Q")) id = *t;
      terms += " " + DumpEscape(*t) + ":" + std::to_string(t.get_wdf());
    }
    std::string values;
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
      values += " " + std::to_string(v.get_valueno()) + "=" + DumpEscape(*v);
    }
    lines.push_back("doc " + DumpEscape(id) + " data=" + DumpEscape(doc.get_data()) +
                    " terms=" + terms + " values=" + values);
  }
  for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
    lines.push_back("meta " + DumpEscape(*k) + "=" +
                    DumpEscape(WithoutRacyFlag(*k, db.get_metadata(*k))));
  }
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) {
    lines.push_back("spelling " + DumpEscape(*s) + "=" + std::to_string(s.get_termfreq()));
  }
  std::sort(lines.begin(), lines.end());
  std::ostringstream out;
  out << "documents " << db.get_doccount() << "\n";
  for (const std::string& line : lines) out << line << "\n";
  return out.str();
}

// The first line where two dumps differ (cut to 300 bytes), "" when equal.
inline std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream ia(a), ib(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    bool ha = static_cast<bool>(std::getline(ia, la)), hb = static_cast<bool>(std::getline(ib, lb));
    if (!ha && !hb) return "";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(n) + ":\n  " + (ha ? la.substr(0, 300) : "(end)") + "\n  " +
             (hb ? lb.substr(0, 300) : "(end)");
    }
  }
}

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_INDEX_DUMP_H_
