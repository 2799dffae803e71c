// Helpers for the searchd tests: a small index written directly with Xapian
// (one document per talk, as include/talksearch/schema.h says), so that the
// server can be tested before and apart from the indexer.
#ifndef TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_
#define TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_

#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "talksearch/record.h"
#include "talksearch/schema.h"
#include "test_util.h"

namespace talksearch::testing {

inline TalkRecord MakeTalk(std::string path, int index, std::string title, std::string event,
                           std::string date, std::vector<std::string> speakers,
                           std::vector<SectionRecord> sections) {
  TalkRecord t;
  t.path = std::move(path);
  t.talk_index = index;
  t.format = "rst";
  t.title = std::move(title);
  t.anchor = sections.empty() ? "" : sections[0].anchor;
  t.event = std::move(event);
  t.date = std::move(date);
  t.speakers = std::move(speakers);
  t.sections = std::move(sections);
  return t;
}

inline Xapian::Document TalkDocument(const TalkRecord& t, Xapian::TermGenerator& gen) {
  Xapian::Document doc;
  gen.set_document(doc);
  auto field = [&](const std::string& text, unsigned weight, std::string_view prefix) {
    gen.index_text(text, weight, std::string(prefix));
    gen.index_text(text, weight);
    gen.increase_termpos();
  };
  field(t.title, schema::kTitleWeight, schema::kTitle);
  for (const std::string& s : t.speakers) field(s, schema::kSpeakerWeight, schema::kSpeaker);
  field(t.event, schema::kEventWeight, schema::kEvent);
  for (const SectionRecord& s : t.sections) {
    field(s.title, schema::kSectionTitleWeight, schema::kSectionTitle);
    gen.index_text(s.text, schema::kBodyWeight);
    gen.increase_termpos();
    if (!s.code.empty()) field(s.code, schema::kCodeWeight, schema::kCode);
  }
  std::string year = t.date.substr(0, 4), speakers;
  doc.add_boolean_term(schema::IdTerm(t.path, t.talk_index));
  doc.add_boolean_term(schema::PathTerm(t.path));
  doc.add_boolean_term(schema::BooleanTerm(schema::kEventExact, t.event));
  if (!year.empty()) doc.add_boolean_term(schema::BooleanTerm(schema::kYear, year));
  for (const std::string& s : t.speakers) {
    doc.add_boolean_term(schema::BooleanTerm(schema::kSpeakerExact, s));
    speakers += (speakers.empty() ? "" : std::string(1, schema::kListSeparator)) + s;
  }
  doc.add_value(schema::kDateValue, schema::DateValue(t.date));
  doc.add_value(schema::kEventValue, t.event);
  doc.add_value(schema::kSpeakersValue, speakers);
  doc.add_value(schema::kYearValue, year);
  doc.set_data(EncodeTalkRecord(t));
  return doc;
}

// Adds (or replaces) `talks` in the index at `db`, creating it, and commits.
inline void AddTalks(const std::filesystem::path& db, const std::vector<TalkRecord>& talks) {
  Xapian::WritableDatabase wdb(db.string(), Xapian::DB_CREATE_OR_OPEN);
  Xapian::TermGenerator gen;
  gen.set_stemmer(Xapian::Stem("english"));
  gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  gen.set_database(wdb);
  gen.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
  for (const TalkRecord& t : talks) {
    wdb.replace_document(schema::IdTerm(t.path, t.talk_index), TalkDocument(t, gen));
  }
  wdb.commit();
}

// Three talks from two events; one note holds a <script> element.
inline std::vector<TalkRecord> SampleTalks() {
  const std::string meetup = "socalpiggies/2011-06-06-dreamhost.rst";
  return {
      MakeTalk(meetup, 0, "Asynchronous programming techniques in Python", "SoCal Piggies",
               "2011-06-06", {"Tommi Virtanen"},
               {{"Asynchronous programming techniques in Python",
                 "asynchronous-programming-techniques-in-python",
                 "Twisted deferreds, gevent and the monkey patch of the socket module.", ""}}),
      MakeTalk(meetup, 1, "Metaclasses: Look behind the curtain", "SoCal Piggies", "2011-06-06",
               {"John LaCourt"},
               {{"Metaclasses: Look behind the curtain", "metaclasses-look-behind-the-curtain",
                 "A metaclass is the class of a class; type is the default metaclass.",
                 "class MyFirstMeta(type):\n    pass\n"},
                {"When to use them", "when-to-use-them",
                 "Rarely: a class decorator is simpler than a metaclass.", ""}}),
      MakeTalk("pycon2012/testing.rst", 0, "Testing with pytest", "PyCon 2012", "2012-03-10",
               {"Ada Lovelace", "Grace Hopper"},
               {{"Testing with pytest", "testing-with-pytest",
                 "Fixtures and parametrize. A hostile note: <script>alert('owned')</script> "
                 "& friends.",
                 ""}}),
  };
}

// Calls `check` until it returns true or `timeout` passes; true if it did.
inline bool Eventually(const std::function<bool()>& check,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return check();
}

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_
