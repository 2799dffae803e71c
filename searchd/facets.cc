#include "facets.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <mutex>

#include "talksearch/schema.h"

namespace talksearch {
namespace {

// A value that may make a facet's list: its count, its code (the order of
// last resort) and how to find its name.
struct Candidate {
  std::uint32_t count;
  std::uint64_t code;
  std::uint32_t id;  // the caller's handle on the name
};

// The n most frequent values, most frequent first, then by name. Only the
// values that can make the cut are named and sorted by name: those above
// the n-th count, and those level with it, up to a thousand of them (past
// that, ties at the cut are taken by code, not by name).
std::vector<FacetValue> TopOf(std::vector<Candidate> candidates, std::size_t n,
                              const std::function<const std::string*(const Candidate&)>& name) {
  auto by_count = [](const Candidate& a, const Candidate& b) {
    return a.count != b.count ? a.count > b.count : a.code < b.code;
  };
  if (candidates.size() > n) {
    std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n - 1),
                     candidates.end(), by_count);
    std::uint32_t cut = candidates[n - 1].count;
    std::erase_if(candidates, [&](const Candidate& c) { return c.count < cut; });
    std::size_t keep = n + 1000;
    if (candidates.size() > keep) {
      std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                        candidates.end(), by_count);
      candidates.resize(keep);
    }
  }
  std::vector<FacetValue> values;
  values.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    if (const std::string* s = name(c)) values.push_back({*s, c.count});
  }
  auto order = [](const FacetValue& a, const FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::sort(values.begin(), values.end(), order);
  if (values.size() > n) values.resize(n);
  return values;
}

// Facet counts by value string (remote shards).
using Counts = std::unordered_map<std::string, std::uint32_t>;

void Count(Counts& counts, std::string value, std::uint32_t n = 1) {
  if (!value.empty()) counts[std::move(value)] += n;
}

// Each speaker of a speakers value (joined by kListSeparator), `n` times.
void CountSpeakers(Counts& counts, const std::string& value, std::uint32_t n = 1) {
  for (std::string_view speaker : schema::SplitList(value)) Count(counts, std::string(speaker), n);
}

std::vector<FacetValue> Top(const Counts& counts, std::size_t n) {
  std::vector<Candidate> candidates;
  std::vector<const std::string*> names;
  for (const auto& [value, count] : counts) {
    candidates.push_back({count, schema::FacetHash(value), static_cast<std::uint32_t>(names.size())});
    names.push_back(&value);
  }
  return TopOf(std::move(candidates), n, [&](const Candidate& c) { return names[c.id]; });
}

// Maps codes to dense ids 1, 2, ... as they are met (the slot's count is
// the id).
class CodeIds {
 public:
  std::uint32_t IdOf(std::uint64_t code, FacetTable::Values& values) {
    if (code == 0) return 0;
    CodeCounts::Slot& slot = ids_.At(code);
    if (slot.count == 0) {
      values.codes.push_back(code);
      values.names.emplace_back();
      slot.count = static_cast<std::uint32_t>(values.codes.size() - 1);
    }
    return slot.count;
  }
  // The id of a code met before; 0 for another.
  std::uint32_t Find(std::uint64_t code) const {
    const CodeCounts::Slot* slot = ids_.Get(code);
    return slot != nullptr ? slot->count : 0;
  }

 private:
  CodeCounts ids_;
};

}  // namespace

std::uint64_t TalkCode(const Xapian::Document& doc) {
  std::string codes = doc.get_value(schema::kFacetValue);
  if (codes.size() >= 8) return schema::FacetCode(codes, 0);
  return schema::FacetHash(doc.get_value(schema::kTalkKeyValue));  // an index from before it
}

// --- CodeCounts -------------------------------------------------------------

CodeCounts::Slot& CodeCounts::At(std::uint64_t code) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  Slot& slot = slots_[Probe(code)];
  if (slot.code == 0) {
    slot = {code, 0};
    ++size_;
  }
  return slot;
}

void CodeCounts::Clear() {
  if (size_ > 0) std::fill(slots_.begin(), slots_.end(), Slot{});
  size_ = 0;
}

bool CodeCounts::Contains(std::uint64_t code) const { return Get(code) != nullptr; }

const CodeCounts::Slot* CodeCounts::Get(std::uint64_t code) const {
  if (slots_.empty()) return nullptr;
  const Slot& slot = slots_[Probe(code)];
  return slot.code == code ? &slot : nullptr;
}

std::size_t CodeCounts::Probe(std::uint64_t code) const {
  std::size_t mask = slots_.size() - 1;
  std::size_t i = static_cast<std::size_t>((code * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
  while (slots_[i].code != 0 && slots_[i].code != code) i = (i + 1) & mask;
  return i;
}

void CodeCounts::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 256 : old.size() * 2, Slot{});
  for (const Slot& slot : old) {
    if (slot.code != 0) slots_[Probe(slot.code)] = slot;
  }
}

// --- FacetTable ---------------------------------------------------------------

std::unique_ptr<FacetTable> FacetTable::Build(const Xapian::Database& db) {
  auto table = std::make_unique<FacetTable>();
  FacetTable& t = *table;
  std::size_t size = static_cast<std::size_t>(db.get_lastdocid()) + 1;
  t.talk_of.assign(size, 0);
  t.event_of.assign(size, 0);
  t.year_of.assign(size, 0);
  t.speakers_begin.assign(size + 1, 0);
  Values talk_values;
  CodeIds talks, events, years, speakers;
  Xapian::doccount seen = 0;
  Xapian::docid next = 0;  // speakers_begin is set up to here
  for (auto it = db.valuestream_begin(schema::kFacetValue);
       it != db.valuestream_end(schema::kFacetValue); ++it) {
    Xapian::docid did = it.get_docid();
    const std::string codes = *it;
    if (codes.size() < 24 || did >= size) return nullptr;
    ++seen;
    for (; next <= did; ++next) t.speakers_begin[next] = static_cast<std::uint32_t>(t.speakers.size());
    t.talk_of[did] = talks.IdOf(schema::FacetCode(codes, 0), talk_values);
    t.event_of[did] = events.IdOf(schema::FacetCode(codes, 1), t.events);
    t.year_of[did] = years.IdOf(schema::FacetCode(codes, 2), t.years);
    for (std::size_t i = 3; i < codes.size() / 8; ++i) {
      if (std::uint32_t id = speakers.IdOf(schema::FacetCode(codes, i), t.speaker_values)) {
        t.speakers.push_back(id);
      }
    }
  }
  if (seen != db.get_doccount()) return nullptr;  // documents without codes
  for (; next <= size; ++next) t.speakers_begin[next] = static_cast<std::uint32_t>(t.speakers.size());
  t.talks = static_cast<std::uint32_t>(talk_values.codes.size() - 1);
  // The names: each value's string, from the first document holding it.
  auto name = [&db](Xapian::valueno slot, const std::vector<std::uint32_t>& of, Values& values) {
    for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
      Xapian::docid did = it.get_docid();
      std::uint32_t id = did < of.size() ? of[did] : 0;
      if (id != 0 && values.names[id].empty()) values.names[id] = *it;
    }
  };
  name(schema::kEventValue, t.event_of, t.events);
  name(schema::kYearValue, t.year_of, t.years);
  for (auto it = db.valuestream_begin(schema::kSpeakersValue);
       it != db.valuestream_end(schema::kSpeakersValue); ++it) {
    const std::string list = *it;
    for (std::string_view speaker : schema::SplitList(list)) {
      std::uint32_t id = speakers.Find(schema::FacetHash(speaker));
      if (id != 0 && t.speaker_values.names[id].empty()) t.speaker_values.names[id] = speaker;
    }
  }
  return table;
}

// --- FacetTables --------------------------------------------------------------

namespace {

struct TableEntry {
  std::string generation;
  int asks = 0;
  bool building = false;
  bool none = false;  // the index has no facet codes: never a table
  std::shared_ptr<const FacetTable> table;
};

std::mutex tables_mutex;
std::deque<TableEntry> tables;  // the newest first
constexpr std::size_t kKeptTables = 4;

}  // namespace

std::shared_ptr<const FacetTable> FacetTables::Get(const Xapian::Database& db,
                                                   const std::string& generation,
                                                   int build_after) {
  if (build_after <= 0) return nullptr;
  {
    std::lock_guard lock(tables_mutex);
    auto it = std::find_if(tables.begin(), tables.end(),
                           [&](const TableEntry& e) { return e.generation == generation; });
    if (it == tables.end()) {
      tables.push_front(TableEntry{generation, 0, false, false, nullptr});
      if (tables.size() > kKeptTables) tables.pop_back();
      it = tables.begin();
    }
    if (it->table || it->none || it->building || ++it->asks < build_after) return it->table;
    it->building = true;
  }
  // Built outside the lock: other Searchers count with FacetSpy meanwhile.
  std::shared_ptr<const FacetTable> built;
  bool none = false;
  try {
    built = FacetTable::Build(db);
    none = built == nullptr;
  } catch (const Xapian::Error&) {
    // (DatabaseModifiedError: the revision is gone; a later ask may build.)
  }
  std::lock_guard lock(tables_mutex);
  for (TableEntry& e : tables) {
    if (e.generation != generation) continue;
    e.building = false;
    e.table = built;
    e.none = none;
  }
  return built;
}

// --- TableFacetSpy ------------------------------------------------------------

TableFacetSpy::TableFacetSpy(const FacetTable& table, State& state)
    : table_(table), state_(state) {
  if (state_.seen.size() != table_.talks + 1) {
    state_.seen.assign(table_.talks + 1, 0);
    state_.epoch = 0;
  }
  if (++state_.epoch == 0) {
    std::fill(state_.seen.begin(), state_.seen.end(), 0);
    state_.epoch = 1;
  }
  state_.events.Reset(table_.events.names.size());
  state_.years.Reset(table_.years.names.size());
  state_.speakers.Reset(table_.speaker_values.names.size());
}

void TableFacetSpy::Tally::Reset(std::size_t size) {
  if (counts.size() != size) {
    counts.assign(size, 0);
  } else {
    for (std::uint32_t id : touched) counts[id] = 0;
  }
  touched.clear();
}

void TableFacetSpy::operator()(const Xapian::Document& doc, double) {
  Xapian::docid did = doc.get_docid();
  if (did >= table_.talk_of.size()) return;
  std::uint32_t talk = table_.talk_of[did];
  if (state_.seen[talk] == state_.epoch) return;
  state_.seen[talk] = state_.epoch;
  ++matched_;
  state_.events.Add(table_.event_of[did]);
  state_.years.Add(table_.year_of[did]);
  for (std::uint32_t k = table_.speakers_begin[did]; k < table_.speakers_begin[did + 1]; ++k) {
    state_.speakers.Add(table_.speakers[k]);
  }
}

std::uint32_t TableFacetSpy::Fill(FacetMap& facets) const {
  auto top = [](const Tally& tally, const FacetTable::Values& values, std::size_t n) {
    std::vector<Candidate> candidates;
    for (std::uint32_t id : tally.touched) {
      if (id != 0) candidates.push_back({tally.counts[id], values.codes[id], id});
    }
    return TopOf(std::move(candidates), n,
                 [&](const Candidate& c) { return &values.names[c.id]; });
  };
  facets["event"] = top(state_.events, table_.events, kTopEvents);
  facets["year"] = top(state_.years, table_.years, kTopYears);
  facets["speaker"] = top(state_.speakers, table_.speaker_values, kTopSpeakers);
  return matched_;
}

// --- FacetSpy -----------------------------------------------------------------

FacetSpy::FacetSpy(FacetSpyTables& tables) : t_(tables) {
  for (CodeCounts* c : {&t_.talks, &t_.events, &t_.years, &t_.speakers}) c->Clear();
  if (t_.names.size() > kMaxNames) {  // values long gone from the index
    t_.names.clear();
    t_.named.Clear();
  }
}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  std::string codes = doc.get_value(schema::kFacetValue);
  if (codes.size() < 24) {  // an index written before kFacetValue
    codes = schema::FacetCodes(doc.get_value(schema::kTalkKeyValue),
                               doc.get_value(schema::kEventValue),
                               doc.get_value(schema::kYearValue),
                               doc.get_value(schema::kSpeakersValue));
  }
  if (!t_.talks.Add(schema::FacetCode(codes, 0))) return;
  std::uint64_t event = schema::FacetCode(codes, 1), year = schema::FacetCode(codes, 2);
  // A code is marked named only once its name is kept: reading the value
  // can throw (DatabaseModifiedError), and the query is then run again.
  if (event != 0 && t_.events.Add(event) && !t_.named.Contains(event)) {
    t_.names.emplace(event, doc.get_value(schema::kEventValue));
    t_.named.Add(event);
  }
  if (year != 0 && t_.years.Add(year) && !t_.named.Contains(year)) {
    t_.names.emplace(year, doc.get_value(schema::kYearValue));
    t_.named.Add(year);
  }
  bool unnamed = false;
  for (std::size_t i = 3; i < codes.size() / 8; ++i) {
    std::uint64_t speaker = schema::FacetCode(codes, i);
    unnamed = (t_.speakers.Add(speaker) && !t_.named.Contains(speaker)) || unnamed;
  }
  if (unnamed) {
    std::string speakers = doc.get_value(schema::kSpeakersValue);
    for (std::string_view speaker : schema::SplitList(speakers)) {
      std::uint64_t code = schema::FacetHash(speaker);
      t_.names.try_emplace(code, speaker);
      t_.named.Add(code);
    }
  }
}

std::uint32_t FacetSpy::Fill(FacetMap& facets) const {
  facets["event"] = Top(t_.events, kTopEvents);
  facets["year"] = Top(t_.years, kTopYears);
  facets["speaker"] = Top(t_.speakers, kTopSpeakers);
  return static_cast<std::uint32_t>(t_.talks.size());
}

std::vector<FacetValue> FacetSpy::Top(const CodeCounts& counts, std::size_t n) const {
  std::vector<Candidate> candidates;
  candidates.reserve(counts.size());
  for (const CodeCounts::Slot& slot : counts.slots()) {
    if (slot.code != 0) candidates.push_back({slot.count, slot.code, 0});
  }
  return TopOf(std::move(candidates), n, [&](const Candidate& c) -> const std::string* {
    auto name = t_.names.find(c.code);  // always there: named when first counted
    return name != t_.names.end() ? &name->second : nullptr;
  });
}

// --- ValueFacets --------------------------------------------------------------

ValueFacets::ValueFacets()
    : events_(schema::kEventValue), years_(schema::kYearValue),
      speakers_(schema::kSpeakersValue), talks_(schema::kTalkKeyValue) {}

void ValueFacets::AddTo(Xapian::Enquire& enquire) {
  enquire.add_matchspy(&events_);
  enquire.add_matchspy(&years_);
  enquire.add_matchspy(&speakers_);
  enquire.add_matchspy(&talks_);
}

std::uint32_t ValueFacets::Fill(FacetMap& facets) const {
  Counts events, years, speakers;
  for (auto it = events_.values_begin(); it != events_.values_end(); ++it) {
    Count(events, *it, it.get_termfreq());
  }
  for (auto it = years_.values_begin(); it != years_.values_end(); ++it) {
    Count(years, *it, it.get_termfreq());
  }
  for (auto it = speakers_.values_begin(); it != speakers_.values_end(); ++it) {
    CountSpeakers(speakers, *it, it.get_termfreq());
  }
  facets["event"] = Top(events, kTopEvents);
  facets["year"] = Top(years, kTopYears);
  facets["speaker"] = Top(speakers, kTopSpeakers);
  std::uint32_t talks = 0;
  for (auto it = talks_.values_begin(); it != talks_.values_end(); ++it) ++talks;
  return talks;
}

}  // namespace talksearch
