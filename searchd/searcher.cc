// The query engine: Xapian's QueryParser, BM25 over talk documents,
// snippets from the best-matching section, facets by match spies, spelling
// correction, relevance feedback and completions.
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "facets.h"
#include "snippets.h"
#include "talksearch/errors.h"
#include "talksearch/record.h"
#include "talksearch/schema.h"
#include "talksearch/search.h"

namespace talksearch {
namespace {

// "2011" / "2011-06" / "2011-06-06" as the low or high end of a date range
// in the sortable date value's form; "" when `text` is no date.
std::string RangeEnd(std::string text, bool high) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (c != '-' && c != '/') {
      return "";
    }
  }
  if (digits.size() != 4 && digits.size() != 6 && digits.size() != 8) return "";
  digits.resize(8, high ? '9' : '0');
  return digits;
}

// date:2011..2012, 2011-06..2011-12, and bare year ranges.
class DateRangeProcessor : public Xapian::RangeProcessor {
 public:
  explicit DateRangeProcessor(const std::string& prefix)
      : Xapian::RangeProcessor(schema::kDateValue, prefix) {}

  Xapian::Query operator()(const std::string& begin, const std::string& end) override {
    std::string lo = begin.empty() ? "" : RangeEnd(begin, false);
    std::string hi = end.empty() ? "" : RangeEnd(end, true);
    if ((!begin.empty() && lo.empty()) || (!end.empty() && hi.empty())) {
      return Xapian::Query(Xapian::Query::OP_INVALID);
    }
    if (hi.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo);
    if (lo.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi);
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi);
  }
};

void Validate(const SearchRequest& r) {
  if (r.query.size() > kMaxQueryBytes) {
    throw InvalidArgument("the query is " + std::to_string(r.query.size()) +
                          " bytes long; the limit is " + std::to_string(kMaxQueryBytes));
  }
  if (r.limit < 1 || r.limit > kMaxLimit) {
    throw InvalidArgument("limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  if (r.page < 1) throw InvalidArgument("page must be 1 or more");
  if (static_cast<long long>(r.page) * r.limit > kMaxResultWindow) {
    throw InvalidArgument("page × limit must not pass " + std::to_string(kMaxResultWindow));
  }
  for (const std::string* d : {&r.from, &r.to}) {
    if (!d->empty() && RangeEnd(*d, false).empty()) {
      throw InvalidArgument("'" + *d + "' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)");
    }
  }
}

// Whether the query uses any operator syntax.
bool HasSyntax(const std::string& q) {
  if (q.find_first_of("\"()+-:*") != std::string::npos) return true;
  for (const char* op : {" AND ", " OR ", " NOT ", " NEAR", " XOR "}) {
    if (q.find(op) != std::string::npos) return true;
  }
  return false;
}

Xapian::Query AnyOf(std::string_view prefix, const std::vector<std::string>& values) {
  std::vector<Xapian::Query> terms;
  for (const std::string& v : values) terms.emplace_back(schema::BooleanTerm(prefix, v));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

std::string TalkId(const TalkRecord& record) {
  return record.path + "#" + std::to_string(record.talk_index);
}

// "tcp://HOST:PORT" (HOST may be [an IPv6 address]): the host and port;
// nullopt for a local folder. Throws InvalidArgument for a tcp:// address
// without a valid port.
std::optional<std::pair<std::string, unsigned>> RemoteAddress(const std::string& database) {
  constexpr std::string_view kScheme = "tcp://";
  if (!database.starts_with(kScheme)) return std::nullopt;
  std::string rest = database.substr(kScheme.size());
  std::size_t colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? "" : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "" : rest.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned number = 0;
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  if (digits) number = static_cast<unsigned>(std::stoul(port));
  if (host.empty() || !digits || number < 1 || number > 65535) {
    throw InvalidArgument("'" + database +
                          "' is not a remote database address: use tcp://HOST:PORT");
  }
  return std::pair{host, number};
}

// One of the databases searched as one: a local folder or a remote one.
struct Shard {
  std::string name;  // as given
  std::optional<std::pair<std::string, unsigned>> remote;
  std::optional<Xapian::Database> db;  // open; nullopt while down
  std::string error;                   // why it is down
  std::chrono::steady_clock::time_point failed_at;
};

}  // namespace

struct Searcher::Impl {
  SearchOptions options;
  std::vector<Shard> shards;
  Xapian::Database db;      // the shards that are up, as one
  bool any_remote = false;  // among those
  bool any_local = false;
  Xapian::Stem stem;
  Xapian::QueryParser parser;
  DateRangeProcessor date_range{"date:"};
  DateRangeProcessor bare_range{""};

  explicit Impl(SearchOptions o) : options(std::move(o)) {
    if (options.databases.empty()) throw InvalidArgument("no index given (--db)");
    try {
      stem = CachingStem(options.language);
    } catch (const Xapian::InvalidArgumentError& e) {
      throw InvalidArgument("unknown language '" + options.language + "'");
    }
    for (const std::string& name : options.databases) {
      if (name.empty()) throw InvalidArgument("--db must name an index folder or tcp://HOST:PORT");
      shards.push_back({name, RemoteAddress(name), std::nullopt, "", {}});
    }
    for (Shard& shard : shards) Open(shard);
    parser.set_stemmer(stem);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    parser.set_default_op(Xapian::Query::OP_OR);
    parser.add_prefix("title", std::string(schema::kTitle));
    parser.add_prefix("speaker", std::string(schema::kSpeaker));
    parser.add_prefix("by", std::string(schema::kSpeaker));
    parser.add_prefix("event", std::string(schema::kEvent));
    parser.add_prefix("code", std::string(schema::kCode));
    parser.add_prefix("section", std::string(schema::kSectionTitle));
    parser.add_boolean_prefix("year", std::string(schema::kYear));
    parser.add_boolean_prefix("format", std::string(schema::kFormat));
    parser.add_rangeprocessor(&date_range);
    parser.add_rangeprocessor(&bare_range);
    parser.set_max_expansion(200, Xapian::Query::WILDCARD_LIMIT_ERROR);
    Combine();
  }

  // Opens (or connects to) a shard; on failure it is marked down.
  void Open(Shard& shard) {
    try {
      if (shard.remote) {
        auto timeout = static_cast<unsigned>(std::max(1, options.shard_timeout_ms));
        shard.db =
            Xapian::Remote::open(shard.remote->first, shard.remote->second, timeout, timeout);
      } else {
        shard.db = Xapian::Database(shard.name);
      }
      shard.error.clear();
    } catch (const Xapian::Error& e) {
      MarkDown(shard, e);
    }
  }

  static void MarkDown(Shard& shard, const Xapian::Error& e) {
    shard.db.reset();
    shard.error = e.get_description();
    shard.failed_at = std::chrono::steady_clock::now();
  }

  // Makes `db` the shards that are up, as one. Throws IndexError when none is.
  void Combine() {
    db = Xapian::Database();
    any_remote = any_local = false;
    for (const Shard& shard : shards) {
      if (!shard.db) continue;
      db.add_database(*shard.db);
      any_remote = any_remote || shard.remote.has_value();
      any_local = any_local || !shard.remote.has_value();
    }
    parser.set_database(db);
    if (db.size() > 0) return;
    if (shards.size() == 1 && !shards[0].remote) {
      const std::string& name = shards[0].name;
      throw IndexError("cannot open the index at " + name + " (" + shards[0].error +
                       "): build it with `indexer --db " + name + " NOTES`");
    }
    std::string why;
    for (const Shard& shard : shards)
      why += (why.empty() ? "" : "; ") + shard.name + ": " + shard.error;
    throw IndexError("no shard of the index can be searched (" + why + ")");
  }

  // After a network error in the middle of an answer: which shard failed is
  // not said, so every remote shard is connected to afresh (and every
  // failed one tried again); those that do not answer in time are left out.
  // Throws IndexError when none is left.
  void Recover() {
    for (Shard& shard : shards) {
      if (shard.remote || !shard.db) Open(shard);
    }
    Combine();
  }

  // Reopens every shard that is up (a remote one that no longer answers is
  // marked down) and tries the failed ones again, at most every
  // shard_retry_ms. True when anything moved.
  bool Refresh() {
    bool moved = false, changed = false;
    auto now = std::chrono::steady_clock::now();
    for (Shard& shard : shards) {
      if (shard.db) {
        try {
          moved = shard.db->reopen() || moved;
        } catch (const Xapian::NetworkError& e) {
          MarkDown(shard, e);
          changed = true;
        }
      } else if (now - shard.failed_at >= std::chrono::milliseconds(options.shard_retry_ms)) {
        Open(shard);
        changed = changed || shard.db.has_value();
        if (!shard.db) shard.failed_at = now;
      }
    }
    if (changed) Combine();
    return moved || changed;
  }

  std::vector<std::string> Failed() const {
    std::vector<std::string> names;
    for (const Shard& shard : shards) {
      if (!shard.db) names.push_back(shard.name);
    }
    return names;
  }

  static constexpr double kTitleBoost = 0.3;
  static constexpr unsigned kFlags =
      Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
      Xapian::QueryParser::FLAG_PURE_NOT;

  // Parses the user's query; on a syntax error, again as plain words.
  Xapian::Query Parse(const std::string& text, bool* relaxed, std::string* corrected) {
    // Everything: a Query of its own, not a copy of Xapian::Query::MatchAll,
    // which every worker thread would share (Xapian's reference counts are
    // not atomic: searchd crashed under concurrent empty queries).
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return Xapian::Query(std::string());
    *corrected = Correct(text);
    if (LeaksInXapian(text)) {
      *relaxed = true;
      return PlainWords(text);
    }
    try {
      return WithCode(parser.parse_query(text, kFlags), text);
    } catch (const Xapian::WildcardError&) {
      throw InvalidArgument("a wildcard in the query matches too many words: make it longer");
    } catch (const Xapian::QueryParserError&) {
      *relaxed = true;
    }
    return PlainWords(text);
  }

  // Xapian 1.4's parser loses memory (96 bytes a time) on a syntax error
  // where a boolean operator is followed by NEAR/n or ADJ/n ("a AND
  // NEAR/2 b"): such a query would fail anyway, and is read as plain words
  // without the parser's operators ever seeing it. (Found by
  // fuzz/search_fuzzer; the input is in fuzz/regressions/search/.) Errs on
  // the side of plain words: the operator and NEAR/ADJ may be separated by
  // anything but a word or a bracket. Rarer forms of the leak remain
  // (fuzz/lsan.supp, SECURITY.md).
  static bool LeaksInXapian(const std::string& text) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (std::string_view op : {"NEAR/", "ADJ/"}) {
      for (std::size_t at = text.find(op); at != std::string::npos; at = text.find(op, at + 1)) {
        std::size_t after = at + op.size();
        if (after >= text.size() || !std::isdigit(static_cast<unsigned char>(text[after]))) continue;
        std::size_t end = at;  // back over the separators to the word before
        while (end > 0 && !word(text[end - 1]) && text[end - 1] != '(' && text[end - 1] != '"') {
          --end;
        }
        if (end == at) continue;
        std::size_t begin = end;
        while (begin > 0 && word(text[begin - 1])) --begin;
        std::string_view before = std::string_view(text).substr(begin, end - begin);
        if (before == "AND" || before == "OR" || before == "NOT" || before == "XOR") return true;
      }
    }
    return false;
  }

  // The query as plain words, with no operator syntax. A range the date
  // processors refuse ("a..b", "....", "date:..date:..") fails even then:
  // its words alone are searched.
  Xapian::Query PlainWords(const std::string& text) {
    try {
      return parser.parse_query(text, 0);
    } catch (const Xapian::QueryParserError&) {
    }
    std::string words = text;
    for (char& c : words) {
      if (!IsWordByte(c)) c = ' ';
    }
    return parser.parse_query(words, 0);
  }

  // Words that look like code (".extra()", "patch_all", "MyFirstMeta",
  // "os.path") also search the code field, weighted up: whoever types an
  // identifier means the code that holds it, not the word in prose.
  Xapian::Query WithCode(Xapian::Query query, const std::string& text) {
    std::string code = CodeWords(text);
    if (code.empty()) return query;
    Xapian::Query in_code = parser.parse_query(code, 0, std::string(schema::kCode));
    return Xapian::Query(Xapian::Query::OP_OR, query,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, in_code, 2.0));
  }

  // The words of `text` that look like code, space-separated.
  static std::string CodeWords(const std::string& text) {
    std::string code;
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t j = text.find_first_of(" \t", i);
      if (j == std::string::npos) j = text.size();
      std::string word = text.substr(i, j - i);
      if (LooksLikeCode(word)) code += (code.empty() ? "" : " ") + word;
      i = j + 1;
    }
    return code;
  }

  static bool LooksLikeCode(const std::string& word) {
    if (word.find(':') != std::string::npos || word.find('"') != std::string::npos) return false;
    bool lower = false, camel = false;
    for (std::size_t k = 0; k < word.size(); ++k) {
      char c = word[k];
      if (c == '_' || c == '(' || (c == '.' && k + 1 < word.size())) return true;
      if (std::islower(static_cast<unsigned char>(c))) lower = true;
      if (std::isupper(static_cast<unsigned char>(c)) && lower) camel = true;
    }
    return camel;
  }

  // The query with each word the index does not know replaced by Xapian's
  // spelling suggestion for it; "" when nothing was replaced. (The parser's
  // own correction also "corrects" known words: monkey -> money.)
  std::string Correct(const std::string& text) {
    // xapian-tcpsrv serves no spelling data: with no local shard there is
    // nothing to suggest, and each word's lookups would be round trips.
    if (!any_local) return "";
    std::string out;
    bool changed = false;
    std::size_t i = 0;
    while (i < text.size()) {
      if (!IsWordByte(text[i])) {
        out += text[i++];
        continue;
      }
      std::size_t j = i;
      while (j < text.size() && IsWordByte(text[j])) ++j;
      std::string word = text.substr(i, j - i);
      std::string lower = Xapian::Unicode::tolower(word);
      bool field = j < text.size() && text[j] == ':';
      bool known = field || db.term_exists(lower) || db.term_exists("Z" + stem(lower)) ||
                   lower.size() < 3 || std::isdigit(static_cast<unsigned char>(lower[0]));
      std::string suggestion = known ? "" : db.get_spelling_suggestion(lower);
      if (!suggestion.empty()) changed = true;
      out += suggestion.empty() ? word : suggestion;
      i = j;
    }
    return changed ? out : "";
  }

  static bool IsWordByte(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  }

  Xapian::Query Filtered(Xapian::Query q, const SearchRequest& r) {
    std::vector<Xapian::Query> filters;
    if (!r.events.empty()) filters.push_back(AnyOf(schema::kEventExact, r.events));
    if (!r.speakers.empty()) filters.push_back(AnyOf(schema::kSpeakerExact, r.speakers));
    if (!r.years.empty()) filters.push_back(AnyOf(schema::kYear, r.years));
    if (!r.from.empty() || !r.to.empty()) filters.push_back(date_range(r.from, r.to));
    for (Xapian::Query& f : filters) q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
    return q;
  }

  Hit MakeHit(const Xapian::MSetIterator& it, const Xapian::MSet& mset, bool snippets, int rank,
              QueryWords* words = nullptr) {
    TalkRecord record = DecodeTalkRecord(it.get_document().get_data());
    Hit hit;
    hit.id = TalkId(record);
    hit.rank = rank;
    hit.score = it.get_weight();
    hit.path = record.path;
    hit.talk = record.title;
    hit.event = record.event;
    hit.date = record.date;
    hit.speakers = record.speakers;
    BestSection best =
        snippets ? FindBestSection(record, mset, stem, !any_remote, words) : BestSection{};
    const SectionRecord* section =
        best.index < record.sections.size() ? &record.sections[best.index] : nullptr;
    hit.section = section != nullptr ? section->title : record.title;
    hit.anchor = section != nullptr && !section->anchor.empty() ? section->anchor : record.anchor;
    hit.snippet = std::move(best.snippet);
    hit.url = MakeUrl(record.path, hit.anchor);
    return hit;
  }

  std::string MakeUrl(const std::string& path, const std::string& anchor) const {
    if (options.base_url.empty()) return "";
    std::string base = options.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string page = path.substr(0, path.rfind('.'));
    return base + "/" + page + ".html" + (anchor.empty() ? "" : "#" + anchor);
  }

  SearchResponse Run(const SearchRequest& r) {
    Validate(r);
    SearchResponse out;
    out.query = r.query;
    out.page = r.page;
    out.limit = r.limit;
    out.offset = (r.page - 1) * r.limit;
    Xapian::Query query = Parse(r.query, &out.relaxed, &out.corrected);
    if (!out.corrected.empty()) {
      // A word the index does not know matches nothing: the corrected query
      // finds all the original would, and what the person meant.
      bool relaxed = false;
      std::string again;
      query = Parse(out.corrected, &relaxed, &again);
      out.showing_corrected = true;
    }
    Page page = Match(Filtered(query, r), r, out);
    if (page.mset.empty() && !out.relaxed && HasSyntax(r.query)) {
      // "metaclass (curtain": valid to the parser, but not what was meant.
      out.relaxed = true;
      query = PlainWords(out.corrected.empty() ? r.query : out.corrected);
      page = Match(Filtered(query, r), r, out);
    }
    // (No MSet::fetch(): in Xapian 1.4 it does not pipeline a remote
    // shard's documents, its ranged form fetches nothing, and over several
    // databases it reads past the items of a later page. Each hit's document
    // is one round trip to its shard.)
    int rank = out.offset;
    std::optional<QueryWords> words;
    if (r.snippets && !page.items.empty()) words.emplace(query, stem);
    for (Xapian::doccount i : page.items) {
      out.hits.push_back(
          MakeHit(page.mset[i], page.mset, r.snippets, ++rank, words ? &*words : nullptr));
    }
    return out;
  }

  // A page of talks: the MSet and which of its items are the page's, in
  // order (a later document of a talk already taken is skipped).
  struct Page {
    Xapian::MSet mset;
    std::vector<Xapian::doccount> items;
  };

  Page Match(const Xapian::Query& query, const SearchRequest& r, SearchResponse& out) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    // The same talk noted twice is shown once. Locally that is done here,
    // below: Xapian's collapsing keeps a record of every distinct key it
    // meets, which over all the matches the facets count cost more than
    // the rest of the query. xapian-tcpsrv collapses on its side, and here
    // each document read would be a round trip.
    if (any_remote) enquire.set_collapse_key(schema::kTalkKeyValue);
    if (r.sort != SortOrder::kRelevance) {
      enquire.set_sort_by_value_then_relevance(schema::kDateValue, r.sort == SortOrder::kNewest);
    } else {
      // Equal scores are ordered by talk, not by document id: ids depend on
      // how the talks are spread over shards, and the order must not.
      enquire.set_sort_by_relevance_then_value(schema::kTalkKeyValue, false);
    }
    // A remote shard runs only the match spies xapian-tcpsrv knows.
    ValueFacets value_facets;
    std::shared_ptr<const FacetTable> table;
    std::optional<TableFacetSpy> table_facets;
    std::optional<FacetSpy> spy_facets;
    if (r.facets && any_remote) {
      value_facets.AddTo(enquire);
    } else if (r.facets) {
      // Over several databases a spy is given each document with its id in
      // its own database, not in the whole: a table is for one database.
      std::optional<std::string> generation = GenerationKey();
      if (generation && db.size() == 1) {
        table = FacetTables::Get(db, *generation, options.facet_table_after);
      }
      Xapian::MatchSpy* spy = table ? static_cast<Xapian::MatchSpy*>(
                                          &table_facets.emplace(*table, table_state))
                                    : &spy_facets.emplace(spy_tables);
      // The facets and the total see every match, the page only the best:
      // two passes. Counting under BoolWeight reads no document lengths and
      // computes no weights; ranking without spies lets Xapian's matcher
      // skip what cannot reach the page. Together 13% less than one BM25
      // pass over every match (the bench's 97 queries, x100), same answers.
      Xapian::Enquire counts(db);
      counts.set_query(query);
      counts.set_weighting_scheme(Xapian::BoolWeight());
      counts.add_matchspy(spy);
      counts.get_mset(0, 0, db.get_doccount());
    }
    auto first = static_cast<Xapian::doccount>((r.page - 1) * r.limit);
    auto limit = static_cast<Xapian::doccount>(r.limit);
    Page page;
    if (any_remote) {
      Xapian::doccount check = r.facets ? db.get_doccount() : 0;
      page.mset = enquire.get_mset(first, limit, check);
      for (Xapian::doccount i = 0; i < page.mset.size(); ++i) page.items.push_back(i);
    } else {
      // The talks up to the end of the page, from the top: a few more
      // documents than talks are asked for, and more again in the rare
      // case that twins ate them.
      Xapian::doccount want = first + limit, fetch = want + 8;
      for (;;) {
        page.mset = enquire.get_mset(0, fetch);
        page.items.clear();
        std::unordered_set<std::uint64_t> seen;
        for (Xapian::doccount i = 0; i < page.mset.size() && seen.size() < want; ++i) {
          if (seen.insert(TalkCode(page.mset[i].get_document())).second && seen.size() > first) {
            page.items.push_back(i);
          }
        }
        if (seen.size() >= want || page.mset.size() < fetch) break;
        fetch *= 2;
      }
    }
    out.total = page.mset.get_matches_estimated();
    out.total_min = page.mset.get_matches_lower_bound();
    out.total_max = page.mset.get_matches_upper_bound();
    if (r.facets) {
      // The spies saw every match: the number of talks is exact, where
      // Xapian's estimate after collapsing depends on the order documents
      // were met in, and so on the shards.
      out.total = out.total_min = out.total_max =
          any_remote  ? value_facets.Fill(out.facets)
          : table     ? table_facets->Fill(out.facets)
                      : spy_facets->Fill(out.facets);
    }
    return page;
  }

  // The facet counters' memory, kept from query to query.
  FacetSpyTables spy_tables;
  TableFacetSpy::State table_state;

  // Each shard's uuid and revision: what the index holds, exactly. None
  // over remote shards (whose revisions are not theirs to promise).
  std::optional<std::string> GenerationKey() const {
    std::string out;
    for (const Shard& shard : shards) {
      if (shard.remote) return std::nullopt;
      out += shard.db ? shard.db->get_uuid() + ":" + std::to_string(shard.db->get_revision()) : "-";
      out += ";";
    }
    return out;
  }

  Xapian::docid FindId(const std::string& id) {
    std::size_t hash = id.rfind('#');
    std::string term = hash == std::string::npos
                           ? ""
                           : schema::IdTerm(id.substr(0, hash), std::atoi(id.c_str() + hash + 1));
    Xapian::PostingIterator p = term.empty() ? db.postlist_end("") : db.postlist_begin(term);
    if (term.empty() || p == db.postlist_end(term)) {
      if (!Failed().empty()) {
        throw IndexError("no talk has the id '" + id +
                         "' in the shards that answer; it may be "
                         "in a shard that is down");
      }
      throw NotFound("no talk has the id '" + id + "'");
    }
    return *p;
  }

  // Moves to the newest revision. A writer committing meanwhile can make
  // reopening itself fail: the next attempt then meets the same error and
  // counts as another try.
  void Reopen() {
    try {
      db.reopen();
    } catch (const Xapian::DatabaseModifiedError&) {
    } catch (const Xapian::DatabaseOpeningError&) {
    }
  }

  // Runs `f`, reopening the database and trying again when a writer has
  // moved it on under us, and leaving out the remote shards that stop
  // answering.
  static constexpr int kMaxRetries = 12;

  template <typename F>
  auto Guarded(F f) {
    // Every shard went down since the last answer (Refresh): an error, not
    // an empty answer, unless one is back.
    if (db.size() == 0) Recover();
    for (int attempt = 0, lost = 0;;) {
      try {
        return f();
      } catch (const Xapian::DatabaseModifiedError&) {
        // Each retry reads the newest revision. A commit every 250 ms (the
        // soak's rate) against an answer slowed down 20 times (the
        // sanitizer build) ran out of three retries: allow more.
        if (++attempt > kMaxRetries) {
          throw IndexError("the index keeps changing under the search; try again");
        }
        Reopen();
      } catch (const Xapian::NetworkError& e) {
        // Each round leaves out at least one shard or gives up.
        if (++lost > static_cast<int>(shards.size())) {
          throw IndexError("the shards of the index keep failing: " + e.get_description());
        }
        Recover();
      } catch (const Xapian::WildcardError&) {
        throw InvalidArgument("a wildcard in the query matches too many words: make it longer");
      } catch (const Xapian::DatabaseError& e) {
        throw IndexError("the index could not be read: " + e.get_description());
      }
    }
  }
};

Searcher::Searcher(SearchOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResponse Searcher::Search(const SearchRequest& request) {
  auto start = std::chrono::steady_clock::now();
  SearchResponse out = impl_->Guarded([&] { return impl_->Run(request); });
  out.shards_failed = impl_->Failed();
  if (impl_->any_remote) out.degraded = {"facets", "snippets", "spelling"};
  out.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
  return out;
}

std::vector<Hit> Searcher::Similar(const std::string& id, int limit) {
  if (limit < 1 || limit > kMaxLimit) {
    throw InvalidArgument("limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  return impl_->Guarded([&] {
    Xapian::docid did = impl_->FindId(id);
    Xapian::Enquire enquire(impl_->db);
    Xapian::RSet rset;
    rset.add_document(did);
    // Words (not field or boolean terms) that some other talk shares.
    struct SharedWords : Xapian::ExpandDecider {
      explicit SharedWords(const Xapian::Database& d) : db(d) {}
      bool operator()(const std::string& term) const override {
        bool word = !term.empty() && ((term[0] >= 'a' && term[0] <= 'z') || term[0] == 'Z');
        return word && db.get_termfreq(term) >= 2;
      }
      const Xapian::Database& db;
    } words(impl_->db);
    // Exact term frequencies: over several databases Xapian otherwise
    // estimates them, and the words chosen would depend on the shards.
    Xapian::ESet eset = enquire.get_eset(40, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &words);
    Xapian::Query query(Xapian::Query::OP_ELITE_SET, eset.begin(), eset.end(), 40);
    query = Xapian::Query(Xapian::Query::OP_AND_NOT, query, Xapian::Query(
        schema::IdTerm(id.substr(0, id.rfind('#')), std::atoi(id.c_str() + id.rfind('#') + 1))));
    enquire.set_query(query);
    enquire.set_sort_by_relevance_then_value(schema::kTalkKeyValue, false);
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(limit));
    std::vector<Hit> hits;
    for (auto it = mset.begin(); it != mset.end(); ++it)
      hits.push_back(impl_->MakeHit(it, mset, false, static_cast<int>(it.get_rank()) + 1));
    return hits;
  });
}

std::vector<std::string> Searcher::Suggest(const std::string& prefix, int limit) {
  if (prefix.size() > kMaxQueryBytes) throw InvalidArgument("the prefix is too long");
  return impl_->Guarded([&] {
    return SuggestCompletions(impl_->db, prefix, static_cast<std::size_t>(std::clamp(limit, 1, 50)));
  });
}

TalkSections Searcher::Talk(const std::string& id) {
  return impl_->Guarded([&] {
    Xapian::Document doc = impl_->db.get_document(impl_->FindId(id));
    TalkRecord record = DecodeTalkRecord(doc.get_data());
    TalkSections out;
    out.talk.id = TalkId(record);
    out.talk.path = record.path;
    out.talk.talk = record.title;
    out.talk.event = record.event;
    out.talk.date = record.date;
    out.talk.speakers = record.speakers;
    out.talk.anchor = record.anchor;
    out.talk.url = impl_->MakeUrl(record.path, record.anchor);
    for (const SectionRecord& s : record.sections) {
      out.sections.push_back({s.title, s.anchor, s.text, s.code});
    }
    return out;
  });
}

IndexInfo Searcher::Info() {
  return impl_->Guarded([&] {
    IndexInfo info;
    for (const Shard& shard : impl_->shards) {
      ShardInfo one{shard.name, shard.db.has_value(), shard.remote.has_value(), 0, shard.error};
      if (shard.db) {
        one.talks = shard.db->get_doccount();
        info.talks += one.talks;
        if (!shard.remote) info.revision += shard.db->get_revision();
      }
      info.shards.push_back(std::move(one));
    }
    return info;
  });
}

std::optional<std::string> Searcher::Generation() {
  try {
    return impl_->GenerationKey();
  } catch (const Xapian::Error&) {
    return std::nullopt;
  }
}

bool Searcher::Refresh() {
  try {
    return impl_->Refresh();
  } catch (const Xapian::Error& e) {
    throw IndexError("cannot reopen the index: " + e.get_description());
  }
}

}  // namespace talksearch
