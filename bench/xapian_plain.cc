// Plain Xapian, the floor under talksearch's query work: QueryParser +
// Enquire + MSet::snippet over the same database, nothing else (no facets,
// no spelling, no best section). Built and run by bench/run:
//
//   xapian_plain DB < queries     one line per query: its microseconds
//
// Times each query from parsing to the last snippet, inside the process, as
// `search --json` reports took_ms.
#include <xapian.h>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: xapian_plain DB < queries\n";
    return 2;
  }
  Xapian::Database db(argv[1]);
  Xapian::Stem stem("english");
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(stem);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  std::string line;
  std::size_t sink = 0;
  while (std::getline(std::cin, line)) {
    auto start = std::chrono::steady_clock::now();
    Xapian::Query query;
    try {
      query = parser.parse_query(line);
    } catch (const Xapian::QueryParserError&) {
      query = parser.parse_query(line, 0);
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      sink += mset.snippet(it.get_document().get_data(), 200, stem).size();
    }
    auto end = std::chrono::steady_clock::now();
    std::cout << std::chrono::duration<double, std::micro>(end - start).count() << '\n';
  }
  return sink == 0 ? 1 : 0;
}
