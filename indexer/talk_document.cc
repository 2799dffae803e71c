#include "talk_document.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "code_terms.h"
#include "talksearch/schema.h"
#include "talksearch/words.h"

namespace talksearch {
namespace {

// Term positions left between fields, so a phrase cannot span two.
constexpr Xapian::termpos kFieldGap = 100;
// Longer "words" (base64, hashes) are no use as spelling suggestions.
constexpr std::size_t kMaxSpellingBytes = 32;

// How people also write an event: its words run together ("Kiwi Pycon
// 2011" -> kiwipycon, pycon2011, kiwipycon2011) and the folder it lives in
// ("KiwiPycon2011").
std::string EventAliases(std::string_view event, std::string_view path) {
  std::vector<std::string> words;
  std::string word;
  for (char c : event) {
    if (std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  std::string aliases;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    std::string joined = words[i];
    for (std::size_t j = i + 1; j < words.size() && j < i + 3; ++j) {
      joined += words[j];
      aliases += joined + " ";
    }
  }
  std::size_t slash = path.find('/');
  if (slash != std::string_view::npos) aliases += std::string(path.substr(0, slash));
  return aliases;
}

// The words of a file's name: "DjangoCon2011/django-docs-sucks.rst" ->
// "django docs sucks".
std::string FileWords(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);
  name = name.substr(0, name.rfind('.'));
  std::string words(name);
  for (char& c : words) {
    if (c == '-' || c == '_' || c == '.') c = ' ';
  }
  return words;
}

std::string JoinCode(const Section& section) {
  std::string code;
  for (const CodeBlock& block : section.code) {
    if (!code.empty()) code += "\n\n";
    code += block.text;
  }
  return code;
}

}  // namespace

TalkRecord MakeTalkRecord(const Note& note, int talk_index) {
  const Talk& talk = note.talks.at(static_cast<std::size_t>(talk_index));
  TalkRecord record;
  record.path = note.path;
  record.talk_index = talk_index;
  record.format = std::string(FormatName(note.format));
  record.title = talk.title;
  record.anchor = talk.anchor;
  record.event = note.event;
  record.date = talk.date.empty() ? note.date : talk.date;
  record.speakers = talk.speakers;
  for (const Section& section : talk.sections) {
    record.sections.push_back({section.title, section.anchor, section.text, JoinCode(section)});
  }
  return record;
}

DocumentBuilder::DocumentBuilder(const std::string& language) {
  // Cached: Snowball was a sixth of building a talk's document.
  if (language != "none") generator_.set_stemmer(CachingStem(language));
}

void DocumentBuilder::IndexField(const std::string& text, unsigned weight,
                                 std::string_view prefix) {
  if (text.empty()) return;
  // The field's words twice at the same positions: with the prefix (for
  // title:, speaker: ...) and without, weighted, so plain queries rank
  // matches in a title above matches in the body.
  Xapian::termpos start = generator_.get_termpos();
  generator_.index_text(text, weight, std::string(prefix));
  generator_.set_termpos(start);
  generator_.index_text(text, weight);
  generator_.increase_termpos(kFieldGap);
}

void DocumentBuilder::AddBooleanTerms(Xapian::Document& doc, const Note& note,
                                      const TalkRecord& record) {
  doc.add_boolean_term(schema::IdTerm(note.path, record.talk_index));
  doc.add_boolean_term(schema::PathTerm(note.path));
  doc.add_boolean_term(schema::BooleanTerm(schema::kFormat, record.format));
  // Every known precision of the date, so filters by year, month or day all
  // work: D2011, D201106, D20110606.
  std::string date = schema::DateValue(record.date);
  if (!date.empty()) {
    doc.add_boolean_term(std::string(schema::kYear) + date.substr(0, 4));
    doc.add_boolean_term(std::string(schema::kDate) + date.substr(0, 4));
    if (date.substr(4, 2) != "00") {
      doc.add_boolean_term(std::string(schema::kDate) + date.substr(0, 6));
      if (date.substr(6, 2) != "00") doc.add_boolean_term(std::string(schema::kDate) + date);
    }
  }
  if (!record.event.empty()) doc.add_boolean_term(schema::BooleanTerm(schema::kEventExact, record.event));
  for (const std::string& speaker : record.speakers) {
    doc.add_boolean_term(schema::BooleanTerm(schema::kSpeakerExact, speaker));
  }
}

TalkDocument DocumentBuilder::Build(const Note& note, int talk_index) {
  TalkRecord record = MakeTalkRecord(note, talk_index);
  const Talk& talk = note.talks[static_cast<std::size_t>(talk_index)];
  TalkDocument out;
  Xapian::Document& doc = out.document;
  generator_.set_document(doc);
  generator_.set_termpos(0);

  IndexField(record.title, schema::kTitleWeight, schema::kTitle);
  for (const std::string& speaker : record.speakers) {
    IndexField(speaker, schema::kSpeakerWeight, schema::kSpeaker);
  }
  // A multi-talk note's preamble (Note::preamble: "arrived late", the
  // venue) is not part of any talk, so it is not indexed: indexing it into
  // every talk would make its words match all of them equally.
  IndexField(record.event, schema::kEventWeight, schema::kEvent);
  IndexField(EventAliases(record.event, note.path), schema::kEventWeight, schema::kEvent);
  // Where the talk sits says what it is: the title of a note holding
  // several talks ("Keynotes") and the file's name ("keynotes.rst").
  if (note.talks.size() > 1) generator_.index_text(note.title, schema::kContextWeight);
  generator_.index_text(FileWords(note.path), schema::kContextWeight);
  generator_.increase_termpos(kFieldGap);
  for (const Section& section : talk.sections) {
    if (&section != &talk.sections.front() || section.title != talk.title) {
      IndexField(section.title, schema::kSectionTitleWeight, schema::kSectionTitle);
    }
    // Admonitions are part of the section text already (see note.h).
    generator_.index_text(section.text, schema::kBodyWeight);
    generator_.increase_termpos(kFieldGap);
    for (const CodeBlock& block : section.code) {
      Xapian::termpos start = generator_.get_termpos();
      IndexCode(generator_, block.text, schema::kCodeWeight, "");
      generator_.set_termpos(start);
      IndexCode(generator_, block.text, schema::kCodeWeight, schema::kCode);
      generator_.increase_termpos(kFieldGap);
    }
    for (const std::string& literal : section.literals) {
      IndexCode(generator_, literal, schema::kCodeWeight, schema::kCode);
      // The literal's whole words are in the text already; add its parts.
      for (std::string_view identifier : FindIdentifiers(literal)) {
        for (const std::string& word : SplitIdentifier(identifier)) {
          generator_.index_text(word, schema::kCodeWeight);
        }
      }
      generator_.increase_termpos(kFieldGap);
    }
  }

  AddBooleanTerms(doc, note, record);
  std::string date = schema::DateValue(record.date);
  doc.add_value(schema::kDateValue, date);
  doc.add_value(schema::kEventValue, record.event);
  std::string speakers;
  for (const std::string& speaker : record.speakers) {
    if (!speakers.empty()) speakers += schema::kListSeparator;
    speakers += speaker;
  }
  doc.add_value(schema::kSpeakersValue, speakers);
  if (!date.empty()) doc.add_value(schema::kYearValue, date.substr(0, 4));
  std::string talk_key =
      schema::BooleanTerm("", record.title + "\x1f" + record.date + "\x1f" + record.event);
  doc.add_value(schema::kFacetValue,
                schema::FacetCodes(talk_key, record.event, date.substr(0, 4), speakers));
  doc.add_value(schema::kTalkKeyValue, std::move(talk_key));
  out.spelling = Spelling(record);
  doc.set_data(EncodeTalkRecord(record));
  return out;
}

SpellingWords DocumentBuilder::Spelling(const TalkRecord& record) {
  // The words as TermGenerator cuts them (words.h), counted: a third pass
  // of TermGenerator into a scratch document cost a sixth of a full build.
  std::unordered_map<std::string, Xapian::termcount> counts;
  auto count = [&](std::string_view text) {
    ForEachWord(text, [&](std::size_t, std::size_t, const std::string& word) {
      if (word.size() <= kMaxSpellingBytes) ++counts[word];
    });
  };
  count(record.title);
  for (const SectionRecord& section : record.sections) {
    count(section.title);
    count(section.text);
  }
  SpellingWords words(counts.begin(), counts.end());
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace talksearch
