// index_dump DB: prints what the index at DB holds as sorted text
// (tests/index_dump.h), so that scripts can compare two builds with diff.
#include "index_dump.h"

#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: index_dump DB\n";
    return 2;
  }
  try {
    std::cout << talksearch::testing::DumpIndex(argv[1]);
  } catch (const Xapian::Error& e) {
    std::cerr << "index_dump: " << argv[1] << ": " << e.get_description() << "\n";
    return 1;
  }
  return 0;
}
