// Facets: the events, years and speakers of a query's whole match set, each
// talk counted once (a talk noted twice shares its talk key). Three ways to
// count, by where the index is and how often it is asked:
//
// - `FacetTable` + `TableFacetSpy`: a table of every document's facets as
//   small integers, built once per index generation (uuid and revision of
//   each shard) and shared by every Searcher of the process; counting a
//   match is a few array increments. Built when a generation is asked for a
//   second time (`FacetTables::Get`), so a one-shot `search` does not pay
//   for it. One database only: over several, a spy is given each document
//   with its id in its own database.
// - `FacetSpy`: reads each match's packed facet codes (schema::kFacetValue)
//   from the index and counts them in hash tables; for the first query at a
//   generation, and for an index written before the codes existed.
// - `ValueFacets`: Xapian's ValueCountMatchSpy, the only spy xapian-tcpsrv
//   runs, over remote shards.
//
// Internal to the searchd library.
#ifndef TALKSEARCH_SEARCHD_FACETS_H_
#define TALKSEARCH_SEARCHD_FACETS_H_

#include <xapian.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "talksearch/search.h"

namespace talksearch {

using FacetMap = std::map<std::string, std::vector<FacetValue>>;

// How many values each facet lists.
inline constexpr std::size_t kTopEvents = 20, kTopYears = 30, kTopSpeakers = 20;

// The code of the talk a document notes (schema::kFacetValue's first).
std::uint64_t TalkCode(const Xapian::Document& doc);

// Counts of 64-bit codes (schema::FacetHash; never 0) in one open-addressed
// table: a match spy adds to it for each of tens of thousands of matches,
// where a node-based map would allocate for each new value.
class CodeCounts {
 public:
  struct Slot {
    std::uint64_t code = 0;
    std::uint32_t count = 0;
  };

  // Adds one to `code`'s count; true when the code is new.
  bool Add(std::uint64_t code) { return ++At(code).count == 1; }
  // `code`'s slot, made with a count of 0 when the code is new.
  Slot& At(std::uint64_t code);
  // Empties the table, keeping its memory: the next query's counts go into
  // pages already mapped, not freshly faulted in.
  void Clear();
  bool Contains(std::uint64_t code) const;
  // The slot of `code`, or null.
  const Slot* Get(std::uint64_t code) const;

  std::size_t size() const { return size_; }
  const std::vector<Slot>& slots() const { return slots_; }

 private:
  std::size_t Probe(std::uint64_t code) const;
  void Grow();

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// Every document's facets of one index generation, as small integers:
// document id -> talk, event, year and speakers (ids into the names and
// codes below; 0 is none). Immutable once built, so shared between threads.
class FacetTable {
 public:
  // Null when some document has no facet codes (an index written before
  // them): such an index is counted by FacetSpy.
  static std::unique_ptr<FacetTable> Build(const Xapian::Database& db);

  struct Values {
    std::vector<std::string> names{""};  // by id; names[0] is none
    std::vector<std::uint64_t> codes{0};
  };

  std::uint32_t talks = 0;  // distinct talk keys (ids 1..talks)
  std::vector<std::uint32_t> talk_of, event_of, year_of;  // by document id
  std::vector<std::uint32_t> speakers_begin;              // by document id, and one past the last
  std::vector<std::uint32_t> speakers;                    // speakers_begin[d]..[d+1]
  Values events, years, speaker_values;
};

// The FacetTables of the process: one per recent index generation.
class FacetTables {
 public:
  // The table of `db`, which is at `generation`; null while there is none
  // yet (the first `build_after - 1` asks for a generation, a build under
  // way on another thread, or an index without facet codes).
  // build_after == 0: never.
  static std::shared_ptr<const FacetTable> Get(const Xapian::Database& db,
                                               const std::string& generation, int build_after);
};

// Counts over a FacetTable. `state` is the caller's (a Searcher's), reused
// from query to query.
class TableFacetSpy : public Xapian::MatchSpy {
 public:
  // Counts by id, and the ids counted: a query's cost follows its matches,
  // not the number of values in the index.
  struct Tally {
    std::vector<std::uint32_t> counts, touched;
    // Zero again, for `size` ids.
    void Reset(std::size_t size);
    void Add(std::uint32_t id) {
      if (++counts[id] == 1) touched.push_back(id);
    }
  };
  struct State {
    std::vector<std::uint32_t> seen;  // by talk: the query's epoch when counted
    std::uint32_t epoch = 0;
    Tally events, years, speakers;
  };

  TableFacetSpy(const FacetTable& table, State& state);
  void operator()(const Xapian::Document& doc, double) override;
  // Fills `facets`; returns the number of talks matched.
  std::uint32_t Fill(FacetMap& facets) const;

 private:
  const FacetTable& table_;
  State& state_;
  std::uint32_t matched_ = 0;
};

// FacetSpy's memory, kept from query to query by a Searcher.
struct FacetSpyTables {
  CodeCounts talks, events, years, speakers;
  CodeCounts named;  // the codes in `names`: a lookup here costs no pointer chase
  std::unordered_map<std::uint64_t, std::string> names;
};

// Counts the packed codes each match holds; a value's string is read only
// the first time its code is met (a code is the hash of its value, so what
// is remembered never goes stale).
class FacetSpy : public Xapian::MatchSpy {
 public:
  // Counts into `tables`, emptied first (they outlive the spy, so that their
  // memory is reused from query to query).
  explicit FacetSpy(FacetSpyTables& tables);
  void operator()(const Xapian::Document& doc, double) override;
  std::uint32_t Fill(FacetMap& facets) const;

 private:
  static constexpr std::size_t kMaxNames = 1'000'000;
  std::vector<FacetValue> Top(const CodeCounts& counts, std::size_t n) const;
  FacetSpyTables& t_;
};

// The facets over remote shards: these count values per document, so a
// talk noted twice (in two documents) is counted twice; the response says so
// ("degraded").
class ValueFacets {
 public:
  ValueFacets();
  void AddTo(Xapian::Enquire& enquire);
  // Fills `facets`; returns the number of talks matched (distinct talk keys).
  std::uint32_t Fill(FacetMap& facets) const;

 private:
  Xapian::ValueCountMatchSpy events_, years_, speakers_, talks_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_FACETS_H_
